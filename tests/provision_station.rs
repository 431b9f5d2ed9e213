//! Per-board data end to end: the station gives each emulated board the next row of a
//! values file, its NVS image goes with the board's download, and the row journal never
//! gives a row twice: not to eight boards in parallel, not after a FAIL, not after the
//! process is killed with SIGKILL mid-run and started again. The NVS images are checked
//! byte for byte against ESP-IDF's NVS Partition Generator (`python3 -m
//! esp_idf_nvs_partition_gen`, installed by `bash tests/run.sh --deps`): without it these
//! tests fail, they never skip.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfu::Status;
use dfu::SystemClock;
use dfu::emulator::{Fault, RomConfig};
use failure::Code;
use firmware::{Chip, FlashFile, PackOptions, pack};
use station::demo::{DemoSource, DemoTimings};
use station::factory::Settings;
use station::provision::{ProvisionSection, Provisioning};
use station::records::production_log::{CSV_NAME, Record, Verdict, read_recent};
use station::records::row_journal::JOURNAL_NAME;
use station::{
    Command, DeviceSource, Environment, Event, LoadedImage, Outcome, Registry, Station, check_file,
};

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

/// Where board.csv puts the `nvs` partition, and its size.
const NVS_ADDRESS: usize = 0x9000;
const NVS_SIZE: usize = 0x6000;
const APP_ADDRESS: u32 = 0x20000;

const CONFIG: &str = "app,namespace,\nserial,data,string\ncalib,data,u32\nkey,data,hex2bin\n";

/// The unit ids, in the values file's order.
fn ids(rows: usize) -> Vec<String> {
    (1..=rows).map(|i| format!("SN-{i:04}")).collect()
}

/// A values file of `rows` units.
fn values(rows: usize) -> String {
    let mut text = String::from("serial,calib,key\n");
    for (i, id) in ids(rows).iter().enumerate() {
        text.push_str(&format!("{id},{},{:02x}a0b0c0d0\n", 1000 + i, i));
    }
    text
}

/// The generator's CSV for unit `n` (1-based), as ESP-IDF's Manufacturing Utility writes it.
fn unit_csv(n: usize) -> String {
    let i = n - 1;
    format!(
        "key,type,encoding,value\napp,namespace,,\nserial,data,string,SN-{n:04}\ncalib,data,u32,{}\nkey,data,hex2bin,{i:02x}a0b0c0d0\n",
        1000 + i
    )
}

/// The reference generator's NVS image of `csv` for the partition's size.
fn reference_nvs(dir: &Path, csv: &str) -> Vec<u8> {
    common::nvs_gen::reference_nvs(dir, csv, NVS_SIZE as u32, "2")
        .unwrap_or_else(|refusal| panic!("the generator refused:\n{refusal}"))
}

/// An ESP32-S2 dfu.bin with ESP-IDF's partition table (`nvs` at 0x9000, 0x6000 bytes)
/// and 16 KiB of app.
fn dfu_bin() -> (Vec<u8>, Vec<u8>) {
    let app = common::sample(16 << 10, 3);
    let table = std::fs::read(common::vector("partitions/board.bin")).unwrap();
    let file = pack(
        &[
            FlashFile {
                address: 0x8000,
                name: "partition-table.bin".into(),
                data: table,
            },
            FlashFile {
                address: APP_ADDRESS,
                name: "app.bin".into(),
                data: app.clone(),
            },
        ],
        &PackOptions::default(),
    )
    .unwrap();
    (file, app)
}

/// The config, values, dfu.bin and a profile with `[provision]` in `dir`.
fn line(dir: &Path, rows: usize) -> (Arc<LoadedImage>, Vec<u8>, ProvisionSection) {
    let (file, app) = dfu_bin();
    std::fs::write(dir.join("config.csv"), CONFIG).unwrap();
    std::fs::write(dir.join("values.csv"), values(rows)).unwrap();
    std::fs::write(dir.join("dfu.bin"), &file).unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&file));
    std::fs::write(
        dir.join("line3.toml"),
        format!(
            "station = \"line 3\"\nimage = \"dfu.bin\"\nimage_sha256 = \"{sha}\"\nlog_folder = \"logs\"\n\n[provision]\nconfig = \"config.csv\"\nvalues = \"values.csv\"\n"
        ),
    )
    .unwrap();
    let image = check_file(&dir.join("dfu.bin"), Box::new(move || Ok(file))).unwrap();
    let section = ProvisionSection {
        config: dir.join("config.csv"),
        values: Some(dir.join("values.csv")),
        partition: "nvs".into(),
    };
    (image, app, section)
}

fn rom(faults: Vec<Fault>) -> RomConfig {
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.erase_time_per_sector = Duration::from_millis(5);
    config.reenumeration_delay = Duration::from_millis(100);
    config.faults = faults;
    config
}

/// The journal's lines as (event, id).
fn journal(folder: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(folder.join(JOURNAL_NAME)).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                value["event"].as_str().unwrap().to_owned(),
                value["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A station for line 3 over `demo`'s boards, logging to `logs`, giving each board a row
/// of `provisioning`, in auto mode with `auto` when there is one.
fn start_line(
    demo: &Arc<DemoSource>,
    logs: &Path,
    provisioning: &Arc<Provisioning>,
    auto: Option<Arc<LoadedImage>>,
) -> Station {
    let source: Arc<dyn DeviceSource> = demo.clone();
    let station = Station::spawn(
        vec![source],
        DemoTimings::default(),
        Environment::without_history(),
        Arc::new(|| {}),
    );
    let settings = Settings {
        station: "line 3".into(),
        log_folder: Some(logs.to_owned()),
        auto,
        sound: false,
        provision: Some(provisioning.clone()),
        line: None,
    };
    station.commands.send(Command::Configure(settings)).unwrap();
    station
}

/// [`start_line`] asked to flash every one of `demo`'s boards, and a registry that knows
/// those boards from the start, as `flash --all` knows them: a result may come before the
/// watcher says the board arrived.
fn flash_every_board(
    demo: &Arc<DemoSource>,
    logs: &Path,
    provisioning: &Arc<Provisioning>,
    image: &Arc<LoadedImage>,
) -> (Station, Registry) {
    let station = start_line(demo, logs, provisioning, None);
    let mut registry = Registry::default();
    for device in demo.devices() {
        registry.apply(&Event::DeviceAdded(device.clone()));
        let image = image.clone();
        station
            .commands
            .send(Command::Flash { device, image })
            .unwrap();
    }
    (station, registry)
}

#[test]
fn eight_boards_get_their_own_rows_and_a_failed_row_is_spent() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let (image, app, section) = line(dir.path(), 10);
    let provisioning = Arc::new(Provisioning::open(&section, &image, &logs).unwrap());
    assert_eq!((provisioning.rows(), provisioning.rows_left()), (10, 10));
    assert_eq!(
        (
            provisioning.partition().offset,
            provisioning.partition().size
        ),
        (NVS_ADDRESS as u32, NVS_SIZE as u32)
    );

    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    for port in 1..=8 {
        let faults = match port {
            5 => vec![Fault::ErrorAt {
                block: 150,
                status: Status::ErrVerify,
            }],
            _ => Vec::new(),
        };
        assert_eq!(demo.plug_config(rom(faults)), format!("1-{port}"));
    }
    let (station, mut registry) = flash_every_board(&demo, &logs, &provisioning, &image);

    let mut records: Vec<Record> = Vec::new();
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while records.len() < 8 {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = (station.events.recv_timeout(left))
            .unwrap_or_else(|_| panic!("timed out; logged so far: {records:?}"));
        registry.apply(&event);
        match event {
            Event::Logged(record) => records.push(record),
            Event::UnitGiven { device, unit } => {
                assert!(
                    given.insert(device.path, unit).is_none(),
                    "a board got two rows"
                );
            }
            Event::JobFinished { device, outcome } => {
                outcomes.insert(device.path, outcome);
            }
            _ => {}
        }
    }

    // Every board got its own row, the first eight in order of the commands.
    assert_eq!(given.len(), 8);
    let distinct: BTreeSet<&String> = given.values().collect();
    assert_eq!(distinct.len(), 8, "{given:?}");
    assert_eq!(distinct.into_iter().cloned().collect::<Vec<_>>(), ids(8));
    assert_eq!(registry.rows_left(), Some((2, 10)));
    assert_eq!(provisioning.rows_left(), 2);
    for row in registry.rows() {
        assert_eq!(row.unit.as_ref(), given.get(&row.device.id.path));
    }

    // Seven boards hold their own row's image (the generator's bytes) and the app.
    for port in (1..=8).filter(|&p| p != 5) {
        let path = format!("1-{port}");
        assert!(
            matches!(outcomes[&path], Outcome::Pass { .. }),
            "{path}: {:?}",
            outcomes[&path]
        );
        let unit = &given[&path];
        let n: usize = unit[3..].parse().unwrap();
        let expected = reference_nvs(dir.path(), &unit_csv(n));
        let transport = demo.bus().open(&path).unwrap();
        let rom = transport.board().lock();
        let flash = rom.flash();
        assert!(
            flash[NVS_ADDRESS..NVS_ADDRESS + NVS_SIZE] == expected[..],
            "{path} ({unit}): the NVS partition is not the generator's image"
        );
        let app_at = APP_ADDRESS as usize;
        assert!(flash[app_at..app_at + app.len()] == app[..], "{path}: app");
    }
    // The failed board's row is spent, never given again.
    let failed_unit = given["1-5"].clone();
    assert!(
        matches!(&outcomes["1-5"], Outcome::Fail(failure) if failure.code() == Code::DfuDeviceError),
        "{:?}",
        outcomes["1-5"]
    );
    let lines = journal(&logs);
    assert!(
        lines.contains(&("spent".into(), failed_unit.clone())),
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|(event, _)| event == "done").count(),
        7,
        "{lines:?}"
    );

    // The log names every row: the record of each board, with its result.
    let logged = read_recent(&logs, 100).unwrap();
    assert_eq!(logged, records);
    let by_unit: BTreeMap<String, &Record> = logged
        .iter()
        .map(|r| (r.unit_id.clone().expect("a unit id"), r))
        .collect();
    assert_eq!(by_unit.keys().cloned().collect::<Vec<_>>(), ids(8));
    assert_eq!(by_unit[&failed_unit].result, Verdict::Fail);
    assert_eq!(by_unit[&failed_unit].usb_path, "1-5");
    for record in &logged {
        // The log names the dfu.bin as loaded, not the per-board download.
        assert_eq!(record.image_sha256, hex::encode(image.image.sha256));
        assert_eq!(given[&record.usb_path], *record.unit_id.as_ref().unwrap());
    }
    let csv = std::fs::read_to_string(logs.join(CSV_NAME)).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",bytes,unit_id"),
        "{csv}"
    );
    assert!(csv.contains(&format!(",{failed_unit}\n")), "{csv}");

    // Two rows left: two more boards get them, the third is refused before anything is sent.
    drop(station);
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    (0..3).for_each(|_| drop(demo.plug_config(rom(Vec::new()))));
    let (station, mut registry) = flash_every_board(&demo, &logs, &provisioning, &image);
    let mut finished = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while finished.len() < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = station.events.recv_timeout(left).expect("three results");
        registry.apply(&event);
        if let Event::JobFinished { device, outcome } = event {
            finished.insert(device.path, outcome);
        }
    }
    let refused: Vec<_> = finished
        .values()
        .filter_map(|o| match o {
            Outcome::Fail(failure) if failure.code() == Code::NoRowsLeft => Some(failure.message()),
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 1, "{finished:?}");
    assert!(refused[0].starts_with("No rows left"), "{}", refused[0]);
    assert!(refused[0].contains("Nothing was flashed"), "{}", refused[0]);
    assert_eq!(registry.rows_left(), Some((0, 10)));
    let units: Vec<String> = registry
        .rows()
        .iter()
        .filter_map(|r| r.unit.clone())
        .collect();
    assert_eq!(units.len(), 2);
    assert!(
        units.iter().all(|u| u == "SN-0009" || u == "SN-0010"),
        "{units:?}"
    );
}

fn flash_all(dir: &Path) -> (std::process::Child, crossbeam_channel::Receiver<String>) {
    let mut child = Process::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .args([
            "flash",
            "--all",
            "dfu.bin",
            "--demo",
            "8",
            "--provision",
            "line3.toml",
        ])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = common::lines(child.stdout.take().unwrap());
    (child, lines)
}

/// Waits for the child to exit, at most 60 s.
fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the station did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn killed_mid_run_and_restarted_no_row_is_given_twice() {
    let dir = tempfile::tempdir().unwrap();
    let logs: PathBuf = dir.path().join("logs");
    line(dir.path(), 10);

    // First run: eight boards, killed (SIGKILL) while they write.
    let (mut child, lines) = flash_all(dir.path());
    let seen = common::wait_for_line(&lines, "Writing");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        seen.iter()
            .any(|l| l.starts_with("Per-board data:") && l.contains("10 of 10 rows left")),
        "{seen:?}"
    );
    let first = journal(&logs);
    let claimed_first: Vec<String> = (first.iter())
        .filter(|(event, _)| event == "claimed")
        .map(|(_, id)| id.clone())
        .collect();
    assert!(!claimed_first.is_empty(), "{first:?}");
    let unfinished: Vec<&String> = claimed_first
        .iter()
        .filter(|id| !first.iter().any(|(e, i)| i == *id && e != "claimed"))
        .collect();
    assert!(
        !unfinished.is_empty(),
        "killed while writing, yet every row finished: {first:?}"
    );

    // Restarted: the rows claimed before the kill are spent; only the others are given.
    let (mut child, lines) = flash_all(dir.path());
    let status = wait(&mut child);
    // Every line, also those still in the pipe when it ended.
    let out = common::rest(&lines);
    let left = 10 - claimed_first.len();
    assert!(
        out.iter()
            .any(|l| l.contains(&format!("{left} of 10 rows left"))),
        "{out:?}"
    );
    let second = journal(&logs);
    let claimed: Vec<&String> = (second.iter())
        .filter(|(event, _)| event == "claimed")
        .map(|(_, id)| id)
        .collect();
    let distinct: BTreeSet<&&String> = claimed.iter().collect();
    assert_eq!(
        distinct.len(),
        claimed.len(),
        "a row was claimed twice: {second:?}"
    );
    assert_eq!(claimed.len(), 10, "{second:?}");
    let logged = read_recent(&logs, 100).unwrap();
    let mut units: Vec<&String> = logged.iter().filter_map(|r| r.unit_id.as_ref()).collect();
    let count = units.len();
    units.sort();
    units.dedup();
    assert_eq!(units.len(), count, "a row is in the log twice: {logged:?}");
    for unit in &unfinished {
        assert!(
            !logged.iter().any(|r| r.unit_id.as_ref() == Some(*unit)),
            "{unit} was claimed before the kill and given again"
        );
    }
    // Boards beyond the rows left were refused, the rest passed with new rows.
    let refused = out.iter().filter(|l| l.contains("[no-rows-left]")).count();
    assert_eq!(refused, 8 - left, "{out:#?}");
    assert!(out.iter().any(|l| l.contains("No rows left")), "{out:#?}");
    assert!(
        out.last().unwrap().contains(", 0 rows left"),
        "{:?}",
        out.last()
    );
    assert_eq!(status.code(), Some(1), "{out:#?}");
}

#[test]
fn a_profile_that_cannot_give_rows_is_refused_before_any_board() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let (image, _, section) = line(dir.path(), 3);

    // Values with problems: every one listed.
    std::fs::write(
        dir.path().join("bad.csv"),
        "serial,calib,key\nSN-1,300000000000,00\nSN-1,1,zz\n",
    )
    .unwrap();
    let bad = ProvisionSection {
        values: Some(dir.path().join("bad.csv")),
        ..section.clone()
    };
    let error = Provisioning::open(&bad, &image, &logs).unwrap_err();
    assert_eq!(error.code(), Code::ProvisionValuesInvalid);
    assert!(
        error.message().contains("3 problems"),
        "{}",
        error.message()
    );
    assert!(
        !logs.join(JOURNAL_NAME).exists(),
        "no journal for refused data"
    );

    // A partition that is not NVS, a missing one, and a dfu.bin without a table.
    let phy = ProvisionSection {
        partition: "phy_init".into(),
        ..section.clone()
    };
    let error = Provisioning::open(&phy, &image, &logs).unwrap_err();
    assert_eq!(error.code(), Code::ProvisionPartition);
    assert!(
        error.message().contains("not an NVS data partition"),
        "{}",
        error.message()
    );
    let missing = ProvisionSection {
        partition: "calib".into(),
        ..section.clone()
    };
    let error = Provisioning::open(&missing, &image, &logs).unwrap_err();
    assert!(
        error.message().contains("no partition named \"calib\""),
        "{}",
        error.message()
    );
    let bare = pack(
        &[FlashFile {
            address: APP_ADDRESS,
            name: "app.bin".into(),
            data: vec![1; 100],
        }],
        &PackOptions::default(),
    )
    .unwrap();
    let bare = check_file(Path::new("bare.bin"), Box::new(move || Ok(bare))).unwrap();
    let error = Provisioning::open(&section, &bare, &logs).unwrap_err();
    assert_eq!(error.code(), Code::ProvisionPartition);
    assert!(
        error.message().contains("no partition table"),
        "{}",
        error.message()
    );

    // A unit too big for the partition.
    let big = format!("serial,calib,key\nSN-1,1,{}\n", "ab".repeat(30_000));
    std::fs::write(dir.path().join("big.csv"), big).unwrap();
    let big = ProvisionSection {
        values: Some(dir.path().join("big.csv")),
        ..section.clone()
    };
    let error = Provisioning::open(&big, &image, &logs).unwrap_err();
    assert_eq!(error.code(), Code::ProvisionValuesInvalid);
    assert!(
        error.message().contains("do not fit partition \"nvs\""),
        "{}",
        error.message()
    );

    // Through the command line: exit 2, the code and every problem, nothing flashed.
    let toml = std::fs::read_to_string(dir.path().join("line3.toml")).unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        toml.replace("values.csv", "bad.csv"),
    )
    .unwrap();
    let run = Process::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .args([
            "flash",
            "--all",
            "dfu.bin",
            "--demo",
            "2",
            "--provision",
            "bad.toml",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[provision-values-invalid]"), "{stderr}");
    assert!(stderr.contains("bad.csv:3:"), "{stderr}");
    assert!(!String::from_utf8_lossy(&run.stdout).contains("PASS"));
}

/// `station --profile` with `[provision]` through the real libusb (umockdev): each plug-in
/// gets the next row, and the station stops once none is left.
#[cfg(all(feature = "umockdev", target_os = "linux"))]
#[test]
fn the_headless_station_gives_rows_until_none_is_left() {
    use common::harness::{run, sh};

    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    line(dir.path(), 2);
    let script = format!(
        "DFU_STATION_USB_POLL=1 {DFU_STATION} station --profile {profile} > {out} & \
           station=$!; wait_for {out} 'unit SN-0001  PASS'; \
         bus unplug 1-1; sleep 1; bus plug 1-1; wait $station; code=$?; cat {out}; exit $code",
        profile = dir.path().join("line3.toml").display(),
        out = dir.path().join("station.out").display(),
    );
    let run = run(&["--board", "s2@1-1:reenum=200"], &sh(&script));
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(run.stdout.contains("2 of 2 rows left"), "{}", run.output());
    assert!(
        run.stdout.contains("1-1  ESP32-S2  unit SN-0002  PASS in"),
        "{}",
        run.output()
    );
    assert!(run.stdout.contains("No rows left"), "{}", run.output());
    assert!(
        run.stdout
            .contains("Shift: 2 passed, 0 failed, 2 total, 0 rows left"),
        "{}",
        run.output()
    );
    let flash = run.flash("1-1");
    let expected = reference_nvs(dir.path(), &unit_csv(2));
    assert!(
        flash[NVS_ADDRESS..NVS_ADDRESS + NVS_SIZE] == expected[..],
        "the board does not hold SN-0002's NVS image"
    );
    let records = common::parse_log(&logs);
    let units: Vec<Option<&str>> = records.iter().map(|r| r.unit_id.as_deref()).collect();
    assert_eq!(units, [Some("SN-0001"), Some("SN-0002")]);
}

#[test]
fn auto_mode_picks_no_board_once_the_rows_ran_out() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let (image, _, section) = line(dir.path(), 2);
    let provisioning = Arc::new(Provisioning::open(&section, &image, &logs).unwrap());
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    (0..3).for_each(|_| drop(demo.plug_config(rom(Vec::new()))));
    let station = start_line(&demo, &logs, &provisioning, Some(image));

    let mut registry = Registry::default();
    let mut started = Vec::new();
    let mut logged = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while logged < 2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = station.events.recv_timeout(left).expect("two results");
        registry.apply(&event);
        match event {
            Event::JobStarted(id) => started.push(id.path),
            Event::Logged(_) => logged += 1,
            Event::JobFinished { outcome, .. } => {
                assert!(matches!(outcome, Outcome::Pass { .. }), "{outcome:?}")
            }
            _ => {}
        }
    }
    assert_eq!(registry.rows_left(), Some((0, 2)));
    // A board plugged in now is left alone: nothing starts, nothing fails. The station
    // decides on a board as it reports it (what it starts or refuses follows the board's
    // DeviceAdded, from the same thread), so once it reports the board pulled out again,
    // every decision on it is among the events before.
    let new = demo.plug_config(rom(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = (station.events.recv_timeout(left))
            .unwrap_or_else(|_| panic!("timed out waiting for {new} in and out"));
        registry.apply(&event);
        assert!(
            !matches!(event, Event::JobStarted(_) | Event::JobFinished { .. }),
            "{event:?}"
        );
        match event {
            Event::DeviceAdded(device) if device.id.path == new => demo.unplug(&new),
            Event::DeviceRemoved(id) if id.path == new => break,
            _ => {}
        }
    }
    assert_eq!(started.len(), 2, "{started:?}");
    let units: Vec<String> = registry
        .rows()
        .iter()
        .filter_map(|r| r.unit.clone())
        .collect();
    assert_eq!(units, ids(2));
}

#[test]
fn a_cancelled_board_spends_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let (image, _, section) = line(dir.path(), 3);
    let provisioning = Arc::new(Provisioning::open(&section, &image, &logs).unwrap());
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    let mut slow = rom(Vec::new());
    slow.erase_time_per_sector = Duration::from_millis(500);
    demo.plug_config(slow);
    let station = start_line(&demo, &logs, &provisioning, None);
    let device = demo.devices().remove(0);
    let id = device.id.clone();
    station
        .commands
        .send(Command::Flash { device, image })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut cancelled = false;
    let record = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match station.events.recv_timeout(left).expect("the record") {
            Event::JobProgress { progress, .. }
                if !cancelled && progress.phase == dfu::Phase::Erasing =>
            {
                station.commands.send(Command::Cancel(id.clone())).unwrap();
                cancelled = true;
            }
            Event::Logged(record) => break record,
            _ => {}
        }
    };
    assert_eq!(record.result, Verdict::Cancelled);
    assert_eq!(record.unit_id.as_deref(), Some("SN-0001"));
    assert!(journal(&logs).contains(&("spent".into(), "SN-0001".into())));
    assert_eq!(provisioning.rows_left(), 2);
    assert_eq!(
        provisioning
            .give("1-9", &Default::default())
            .unwrap()
            .claim
            .id,
        "SN-0002"
    );
}
