#![cfg(target_os = "linux")]
//! A line of stations on one real PostgreSQL server (tests/common/line.rs): three
//! headless stations share the units and every record reaches the database once; the
//! database stopped mid-run and started again loses nothing; a station killed mid-claim
//! or mid-flash never causes a unit to be given twice.
//!
//! The headless stations run `station --profile P --demo 8`: emulated boards in the
//! station's own process (the umockdev harness flashes one board at a time: libusb from
//! several threads corrupts its client's heap, see tests/e2e_factory.rs).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::line::{Cluster, dfu_station, files, init_and_import, station};
use dfu::SystemClock;
use dfu::emulator::RomConfig;
use firmware::Chip;
use station::demo::{DemoSource, DemoTimings};
use station::factory::Settings;
use station::profile::Profile;
use station::records::production_log::{Record, Verdict};
use station::{Command, DeviceSource, Environment, Event, Outcome, Station};

/// The records of a station's log folder, each line parsed (and the CSV checked).
fn records(logs: &Path) -> Vec<Record> {
    common::parse_log(logs)
}

/// Rows of `sql`, each split at `|`.
fn rows(cluster: &Cluster, sql: &str) -> Vec<Vec<String>> {
    let out = cluster.psql(sql);
    out.lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('|').map(str::to_owned).collect())
        .collect()
}

/// Each station's records in the database, as (record id, unit), in arrival order.
fn database_records(cluster: &Cluster) -> BTreeMap<String, Vec<(String, String)>> {
    let mut by_station: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in rows(
        cluster,
        "SELECT station, record_id, coalesce(unit_id, '') FROM records ORDER BY arrival",
    ) {
        by_station
            .entry(row[0].clone())
            .or_default()
            .push((row[1].clone(), row[2].clone()));
    }
    by_station
}

/// A station's local records as (record id, unit), in the log's order.
fn local_records(logs: &Path) -> Vec<(String, String)> {
    records(logs)
        .into_iter()
        .map(|r| (r.record_id.unwrap(), r.unit_id.unwrap_or_default()))
        .collect()
}

/// Waits for `child` at most `limit`; kills it and fails the test after that.
fn wait(child: Child, limit: Duration) -> std::process::Output {
    let id = child.id();
    let (done, finished) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || drop(done.send(child.wait_with_output())));
    match finished.recv_timeout(limit) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            unsafe { libc::kill(id as i32, libc::SIGKILL) };
            panic!("the station did not finish within {limit:?}");
        }
    }
}

#[test]
fn three_headless_stations_share_twenty_units_and_every_record_reaches_the_database_once() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), 20);
    init_and_import(&cluster, dir.path());
    let started = Instant::now();
    let stations: Vec<(String, PathBuf, Child)> = ["A", "B", "C"]
        .into_iter()
        .map(|name| {
            let folder = dir.path().join(name);
            let name = format!("station {name}");
            let profile = station(&folder, dir.path(), &name, &cluster, true);
            let child = dfu_station(&[
                "station",
                "--profile",
                profile.to_str().unwrap(),
                "--demo",
                "8",
                "--demo-fail",
                "1-5@150",
                "--exit-after",
                "8",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
            (name, folder.join("logs"), child)
        })
        .collect();
    let mut refused = 0;
    let mut failed = BTreeSet::new();
    let mut local_units = Vec::new();
    let database = |cluster: &Cluster| database_records(cluster);
    let mut outputs = Vec::new();
    for (name, logs, child) in stations {
        let out = wait(child, Duration::from_secs(180));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {stdout}{stderr}"
        );
        assert!(
            stdout.contains("Line: every record also goes to"),
            "{stdout}"
        );
        assert!(stdout.contains("Shift: "), "{stdout}");
        let results = stdout
            .lines()
            .filter(|l| l.contains("  PASS in") || l.contains("FAIL ["))
            .count();
        assert_eq!(results, 8, "{name}: a result per board:\n{stdout}");
        refused += stdout
            .lines()
            .filter(|l| l.contains("FAIL [no-rows-left]"))
            .count();
        assert!(
            stdout
                .lines()
                .filter(|l| l.contains("FAIL [no-rows-left]"))
                .all(|l| l.contains("No rows left")),
            "{stdout}"
        );
        for record in records(&logs) {
            let unit = record.unit_id.clone().expect("every record names its unit");
            if record.result != Verdict::Pass {
                failed.insert(unit.clone());
            }
            local_units.push(unit);
        }
        outputs.push((name, logs));
    }
    println!(
        "three stations, 24 boards, 20 units: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // 20 distinct units given across the line; the other four boards refused.
    assert_eq!(refused, 4);
    let distinct: BTreeSet<&String> = local_units.iter().collect();
    assert_eq!(local_units.len(), 20, "{local_units:?}");
    assert_eq!(distinct.len(), 20, "no unit twice in the stations' files");
    assert!(!failed.is_empty(), "a board failed mid-flash");
    // In the database: each unit flashed or spent (the failed boards'), none twice.
    let units: BTreeMap<String, String> = rows(&cluster, "SELECT id, status FROM units")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    for (unit, status) in &units {
        let expected = if failed.contains(unit) {
            "spent"
        } else {
            "flashed"
        };
        assert_eq!(status, expected, "{unit}");
    }
    assert_eq!(
        cluster.psql("SELECT count(*) FROM records GROUP BY unit_id HAVING count(*) > 1"),
        "",
        "no unit twice in the database"
    );
    // Every record once in the database and in its station's files, in its order.
    let database = database(&cluster);
    for (name, logs) in &outputs {
        assert_eq!(database[name], local_records(logs), "{name}");
    }
    assert_eq!(cluster.psql("SELECT count(*) FROM records"), "20");
    let out = dfu_station(&["line", "status", "--store", &cluster.url(), "--json"])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["line"]["rows_left"], 0);
    assert_eq!(status["line"]["passed"], 20 - failed.len());
    assert_eq!(status["stations"].as_array().unwrap().len(), 3);
}

/// A station in this process on `demo`'s boards, opened from its profile.
fn in_process(profile: &Path, demo: &Arc<DemoSource>) -> Station {
    let profile = Profile::load(profile).unwrap();
    let opened = profile.open().unwrap();
    let source: Arc<dyn DeviceSource> = demo.clone();
    let station = Station::spawn(
        vec![source],
        DemoTimings::default(),
        Environment::without_history(),
        Arc::new(|| {}),
    );
    let settings = Settings {
        station: profile.station.clone(),
        log_folder: Some(profile.log_folder.clone()),
        auto: Some(opened.image),
        sound: false,
        provision: opened.provision,
        line: opened.line,
    };
    station.commands.send(Command::Configure(settings)).unwrap();
    station
}

/// A board whose erase takes `erase` per sector.
fn board(erase: Duration) -> RomConfig {
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.erase_time_per_sector = erase;
    config.reenumeration_delay = Duration::from_millis(100);
    config
}

/// What one in-process station did, folded from its events.
#[derive(Default)]
struct Seen {
    started: usize,
    logged: usize,
    given: Vec<String>,
    /// The line's store as last reported: reachable, records waiting.
    line: Option<(bool, u64)>,
    /// Records that waited while the store could not be reached.
    waited_unreachable: u64,
}

impl Seen {
    fn take(&mut self, event: Event) {
        match event {
            Event::JobStarted(_) => self.started += 1,
            Event::Logged(_) => self.logged += 1,
            Event::UnitGiven { unit, .. } => self.given.push(unit),
            Event::JobFinished {
                outcome: Outcome::Fail(failure),
                ..
            } => panic!("no board fails here: {failure:?}"),
            Event::Line(state) => {
                if !state.reachable {
                    self.waited_unreachable = self.waited_unreachable.max(state.waiting);
                }
                self.line = Some((state.reachable, state.waiting));
            }
            _ => {}
        }
    }
}

/// Takes the stations' events until `done` holds for every one (at most 60 s).
fn until(stations: &[Station], seen: &mut [Seen], what: &str, done: impl Fn(&Seen) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !seen.iter().all(&done) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        for (station, seen) in stations.iter().zip(seen.iter_mut()) {
            while let Ok(event) = station.events.try_recv() {
                seen.take(event);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_database_stopped_mid_run_pauses_the_stations_and_every_record_arrives_once_in_order() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), 20);
    init_and_import(&cluster, dir.path());
    // Two stations with per-board data, one without; two slow boards each.
    let names = ["P1", "P2", "Q"];
    let demos: Vec<Arc<DemoSource>> = names
        .iter()
        .map(|_| {
            let demo =
                DemoSource::emulated(DemoTimings::default(), Arc::new(SystemClock::default()));
            (0..2).for_each(|_| drop(demo.plug_config(board(Duration::from_millis(300)))));
            Arc::new(demo)
        })
        .collect();
    let stations: Vec<Station> = names
        .iter()
        .zip(&demos)
        .map(|(name, demo)| {
            let profile = station(
                &dir.path().join(name),
                dir.path(),
                name,
                &cluster,
                *name != "Q",
            );
            in_process(&profile, demo)
        })
        .collect();
    let mut seen: Vec<Seen> = names.iter().map(|_| Seen::default()).collect();
    until(&stations, &mut seen, "two boards started each", |s| {
        s.started == 2
    });
    until(
        &stations[..2],
        &mut seen[..2],
        "two units given each",
        |s| s.given.len() == 2,
    );

    // The database goes down while the boards erase: their records wait on the stations.
    cluster.stop();
    until(
        &stations,
        &mut seen,
        "the stations to say the database is gone",
        |s| s.line.is_some_and(|(reachable, _)| !reachable),
    );
    until(&stations, &mut seen, "the boards' records", |s| {
        s.logged == 2
    });
    until(
        &stations,
        &mut seen,
        "the records to be counted as waiting",
        |s| s.line == Some((false, 2)),
    );
    // A new board: the stations with per-board data leave it waiting; the other flashes it.
    for demo in &demos {
        demo.plug_config(board(Duration::from_millis(5)));
    }
    until(
        &stations[2..],
        &mut seen[2..],
        "the plain station's third record",
        |s| s.logged == 3,
    );
    let quiet = Instant::now() + Duration::from_secs(1);
    while Instant::now() < quiet {
        for (station, seen) in stations[..2].iter().zip(seen[..2].iter_mut()) {
            while let Ok(event) = station.events.try_recv() {
                seen.take(event);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        seen[..2].iter().all(|s| s.started == 2),
        "no unit claimed while the database is down"
    );

    // Back: the waiting records go first, then the waiting boards get their units.
    cluster.start_again();
    until(&stations, &mut seen, "three records each, all sent", |s| {
        s.logged == 3 && s.line == Some((true, 0))
    });
    assert!(
        seen.iter().all(|s| s.waited_unreachable >= 2),
        "records waited meanwhile"
    );
    wait_for_sql(&cluster, "SELECT count(*) FROM records", "9");
    let database = database_records(&cluster);
    for name in names {
        let local = local_records(&dir.path().join(name).join("logs"));
        assert_eq!(local.len(), 3, "{name}");
        assert_eq!(
            database[name], local,
            "{name}: once each, in the station's order"
        );
    }
    let given: Vec<&String> = seen[..2].iter().flat_map(|s| &s.given).collect();
    let distinct: BTreeSet<&&String> = given.iter().collect();
    assert_eq!((given.len(), distinct.len()), (6, 6), "{given:?}");
    assert_eq!(
        cluster.psql("SELECT count(*) FROM units WHERE status = 'flashed'"),
        "6"
    );
    assert_eq!(
        cluster.psql("SELECT count(*) FROM units WHERE status = 'free'"),
        "14"
    );
}

/// Waits until `sql` (run as the superuser) answers `expected` (at most 30 s).
fn wait_for_sql(cluster: &Cluster, sql: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.psql(sql) != expected {
        assert!(
            Instant::now() < deadline,
            "`{sql}` never answered {expected}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `station --profile PROFILE --demo 8 --exit-after 8`, its output piped.
fn headless(profile: &Path) -> Child {
    dfu_station(&[
        "station",
        "--profile",
        profile.to_str().unwrap(),
        "--demo",
        "8",
        "--exit-after",
        "8",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap()
}

#[test]
fn a_station_killed_mid_claim_or_mid_flash_never_gives_a_unit_twice() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), 20);
    init_and_import(&cluster, dir.path());
    let profile = station(&dir.path().join("A"), dir.path(), "A", &cluster, true);
    let logs = dir.path().join("A").join("logs");

    // Killed mid-claim: the units table is held locked, so the first claim waits inside
    // its transaction; SIGKILL then. The transaction never commits: the unit stays free.
    let mut lock = cluster.session();
    let mut sql = lock.stdin.take().unwrap();
    writeln!(sql, "BEGIN; LOCK TABLE units IN EXCLUSIVE MODE;").unwrap();
    sql.flush().unwrap();
    wait_for_sql(
        &cluster,
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         WHERE c.relname = 'units' AND l.mode = 'ExclusiveLock' AND l.granted",
        "1",
    );
    let mut child = headless(&profile);
    wait_for_sql(
        &cluster,
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'dfu-station: A'
         AND wait_event_type = 'Lock' AND query LIKE 'UPDATE units%'",
        "t",
    );
    child.kill().unwrap(); // SIGKILL, mid-claim
    child.wait().unwrap();
    writeln!(sql, "COMMIT;").unwrap();
    drop(sql);
    lock.wait().unwrap();
    wait_for_sql(
        &cluster,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dfu-station: A'",
        "0",
    );
    assert_eq!(
        cluster.psql("SELECT count(*) FROM units WHERE status <> 'free'"),
        "0"
    );

    // Killed mid-flash: the claims are committed, the boards writing; SIGKILL.
    let mut child = headless(&profile);
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        if line.unwrap().contains("Writing") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let claimed: Vec<String> = rows(
        &cluster,
        "SELECT id FROM units WHERE status = 'claimed' ORDER BY seq",
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    assert!(!claimed.is_empty());
    assert!(records(&logs).is_empty(), "killed before any result");

    // Restarted: the units claimed before the kill are spent, never given again.
    let out = wait(headless(&profile), Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "never confirmed; they are spent (never given again): {}",
            claimed.join(", ")
        )) || (claimed.len() == 1 && stdout.contains(&claimed[0])),
        "{stdout}"
    );
    for unit in &claimed {
        assert_eq!(
            cluster.psql(&format!(
                "SELECT status, note IS NOT NULL FROM units WHERE id = '{unit}'"
            )),
            "spent|t"
        );
    }
    let given: Vec<String> = records(&logs)
        .into_iter()
        .map(|r| r.unit_id.unwrap())
        .collect();
    assert_eq!(given.len(), 8);
    assert!(
        given.iter().all(|unit| !claimed.contains(unit)),
        "{given:?} {claimed:?}"
    );
    let distinct: BTreeSet<&String> = given.iter().collect();
    assert_eq!(distinct.len(), 8);
    assert_eq!(
        cluster.psql("SELECT count(*) FROM records GROUP BY unit_id HAVING count(*) > 1"),
        ""
    );
    assert_eq!(database_records(&cluster)["A"], local_records(&logs));
    assert_eq!(
        cluster.psql("SELECT count(*) FROM units WHERE status = 'claimed'"),
        "0"
    );
}
