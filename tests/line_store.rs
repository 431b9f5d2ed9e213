#![cfg(target_os = "linux")]
//! The line's store on a real PostgreSQL server (a throw-away cluster, see
//! tests/common/line.rs): `line init`, `line import` and `line status` as a factory
//! runs them, every bad input refused with its message and exit code and nothing
//! written, and the store's own promises (a unit to one claimant only, a record once).

mod common;

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::{Arc, Barrier};

use common::line::{Cluster, PASSWORD, dfu_station, files, ids, init_and_import};
use firmware::nvs::mfg::Units;
use line::{Batch, Claimant, LineRecord, Password, Store, StoreConfig};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_import_and_status_as_a_factory_runs_them() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), 20);
    let url = cluster.url();
    let config = dir.path().join("config.csv");
    let values = dir.path().join("values.csv");
    let (config, values) = (config.to_str().unwrap(), values.to_str().unwrap());

    let out = dfu_station(&["line", "init", "--store", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("schema version 0 -> 1 applied"),
        "{}",
        stdout(&out)
    );
    let again = dfu_station(&["line", "init", "--store", &url])
        .output()
        .unwrap();
    assert!(
        stdout(&again).contains("schema version 1, already current"),
        "{}",
        stdout(&again)
    );

    let out = dfu_station(&["line", "import", config, values, "--store", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("20 units, no problems"), "{said}");
    assert!(said.contains("Imported 20 units"), "{said}");
    assert!(
        said.contains("20 of 20 units of this config left"),
        "{said}"
    );

    // The same file again: refused whole, nothing written.
    let out = dfu_station(&["line", "import", config, values, "--store", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "The line's database has 20 of the values file's units already (SN-0001, SN-0002,"
        ),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Nothing was imported"),
        "{}",
        stderr(&out)
    );
    assert_eq!(cluster.psql("SELECT count(*) FROM units"), "20");
    assert_eq!(cluster.psql("SELECT count(*) FROM batches"), "1");

    // A values file whose ids repeat: its problems, as `provision check` lists them.
    let twice = dir.path().join("twice.csv");
    std::fs::write(&twice, "serial,calib,key\nSN-0100,1,00\nSN-0100,2,01\n").unwrap();
    let out = dfu_station(&[
        "line",
        "import",
        config,
        twice.to_str().unwrap(),
        "--store",
        &url,
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("twice.csv:3: column serial: id `SN-0100` is on row 2 already"),
        "{}",
        stdout(&out)
    );
    assert_eq!(cluster.psql("SELECT count(*) FROM units"), "20");

    let out = dfu_station(&["line", "status", "--store", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0 passed, 0 failed; units: 20 left, 0 being flashed, 0 flashed, 0 spent; last record none"),
        "{}",
        stdout(&out)
    );
    let out = dfu_station(&["line", "status", "--store", &url, "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["line"]["rows_left"], 20);
    assert_eq!(json["stations"], serde_json::json!([]));
    assert_eq!(json["silent_after_minutes"], 10);

    // Plain SQL reads the units and their records.
    assert_eq!(
        cluster.psql("SELECT unit_id, status FROM unit_records LIMIT 1"),
        "SN-0001|free"
    );
}

#[test]
fn bad_input_is_refused_with_its_message_and_exit_code_and_nothing_written() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), 5);
    let url = cluster.url();

    // Not a URL at all; a password in the URL (never repeated).
    let out = dfu_station(&["line", "init", "--store", "postgres://dfu@db:port/line"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not a PostgreSQL URL"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("[line-refused]"), "{}", stderr(&out));
    let with_password = url.replace("dfu@", &format!("dfu:{PASSWORD}@"));
    let out = dfu_station(&["line", "status", "--store", &with_password])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds a password"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("DFU_STATION_LINE_PASSWORD"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains(PASSWORD), "{}", stderr(&out));

    // Nobody listens there; the password is wrong.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!(
        "postgres://dfu@127.0.0.1:{}/line",
        free.local_addr().unwrap().port()
    );
    drop(free);
    let out = dfu_station(&["line", "init", "--store", &nobody])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be reached"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("[line-unreachable]"),
        "{}",
        stderr(&out)
    );
    let out = dfu_station(&["line", "init", "--store", &url])
        .env("DFU_STATION_LINE_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused the password of user `dfu`"),
        "{}",
        stderr(&out)
    );
    let out = dfu_station(&["line", "init", "--store", &url])
        .env_remove("DFU_STATION_LINE_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("asks for a password and none is set"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        cluster.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        "0",
        "nothing written"
    );

    // Before `line init`: no schema. A database of a newer schema: refused, untouched.
    let out = dfu_station(&["line", "status", "--store", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("run `dfu-station line init"),
        "{}",
        stderr(&out)
    );
    init_and_import(&cluster, dir.path());
    cluster
        .psql("INSERT INTO dfu_station_schema (version, applied_by) VALUES (2, 'dfu-station 9')");
    for args in [
        vec!["line", "status", "--store", url.as_str()],
        vec!["line", "init", "--store", url.as_str()],
    ] {
        let out = dfu_station(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(6), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("has schema version 2, newer than this DFU Station knows (1)"),
            "{}",
            stderr(&out)
        );
    }
    let profile = common::line::station(&dir.path().join("a"), dir.path(), "a", &cluster, true);
    let out = dfu_station(&[
        "station",
        "--profile",
        profile.to_str().unwrap(),
        "--demo",
        "1",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("newer than this DFU Station knows"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("PASS"), "{}", stdout(&out));
    assert_eq!(
        cluster.psql("SELECT count(*) FROM units WHERE status <> 'free'"),
        "0"
    );
    assert_eq!(
        cluster.psql("SELECT max(version) FROM dfu_station_schema"),
        "2"
    );
}

/// A store connection to `cluster` with the password given.
fn store(cluster: &Cluster) -> Store {
    let config =
        StoreConfig::new(&cluster.url(), &Password::File(cluster.password_file())).unwrap();
    Store::connect(&config).unwrap()
}

#[test]
fn parallel_claims_give_each_unit_once_and_a_record_is_kept_once() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), 60);
    let config = std::fs::read(dir.path().join("config.csv")).unwrap();
    let values = std::fs::read(dir.path().join("values.csv")).unwrap();
    let units = Units::parse(&config, &values, &mut |_| {
        Err(std::io::Error::other("none"))
    })
    .unwrap();
    let url = cluster.url();
    let init = dfu_station(&["line", "init", "--store", &url])
        .output()
        .unwrap();
    assert!(init.status.success());
    let batch = Batch::new("config.csv", &config, "values.csv", &values, &units);
    store(&cluster).import(&batch).unwrap();
    let sha = line::sha256(&config);

    // Three claimants at once, each on its own connection, until none is left; each
    // claims for 1, 2 or 3 boards at once (one transaction for them all).
    let barrier = Arc::new(Barrier::new(3));
    let claimants: Vec<_> = (0..3)
        .map(|n| {
            let (mut store, barrier, sha) = (store(&cluster), barrier.clone(), sha.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let (station, station_id) = (format!("station {n}"), format!("id-{n}"));
                let mut mine = Vec::new();
                for round in 0.. {
                    let boards = round % 3 + 1;
                    let ids: Vec<String> =
                        (0..boards).map(|b| format!("{n}-{round}-{b}")).collect();
                    let claims: Vec<Claimant> = ids
                        .iter()
                        .map(|claim_id| Claimant {
                            station: &station,
                            station_id: &station_id,
                            board: "1-1",
                            claim_id,
                        })
                        .collect();
                    let claimed = store.claim(&claims, &sha).unwrap();
                    assert_eq!(claimed.len(), boards);
                    let units: Vec<String> = claimed
                        .into_iter()
                        .filter_map(|c| c.unit.map(|u| u.id))
                        .collect();
                    let ran_out = units.len() < boards;
                    mine.extend(units);
                    if ran_out {
                        return mine;
                    }
                }
                mine
            })
        })
        .collect();
    let given: Vec<String> = claimants
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let distinct: BTreeSet<&String> = given.iter().collect();
    assert_eq!(given.len(), 60, "{given:?}");
    assert_eq!(distinct.into_iter().cloned().collect::<Vec<_>>(), ids(60));

    // A record sent twice is kept once, and confirms its claimant's unit only.
    let record = |id: &str, unit: &str, result: &str| LineRecord {
        record_id: id.into(),
        station: "station 0".into(),
        local_seq: 1,
        recorded_at: "2026-11-24T03:51:26.123Z".into(),
        usb_path: "1-1".into(),
        serial: "0".into(),
        chip: "ESP32-S2".into(),
        image_name: "dfu.bin".into(),
        image_sha256: "ab".repeat(32),
        result: result.into(),
        error_code: None,
        error_message: None,
        duration_ms: 1,
        bytes: 1,
        unit_id: Some(unit.into()),
    };
    let first = cluster.psql("SELECT id FROM units WHERE station_id = 'id-0' ORDER BY seq LIMIT 1");
    let other = cluster.psql("SELECT id FROM units WHERE station_id = 'id-1' ORDER BY seq LIMIT 1");
    let mut store = store(&cluster);
    let records = [record("r1", &first, "pass"), record("r2", &other, "fail")];
    assert_eq!(store.upload("id-0", &records).unwrap(), 2);
    assert_eq!(
        store.upload("id-0", &records).unwrap(),
        0,
        "a resend adds nothing"
    );
    assert_eq!(cluster.psql("SELECT count(*) FROM records"), "2");
    assert_eq!(
        cluster.psql(&format!(
            "SELECT status, record_id FROM units WHERE id = '{first}'"
        )),
        "flashed|r1"
    );
    assert_eq!(
        cluster.psql(&format!("SELECT status FROM units WHERE id = '{other}'")),
        "claimed",
        "another station's unit is not this station's to confirm"
    );
    // Its station stopped: its unconfirmed units are spent, never given again.
    let spent = store.spend_unconfirmed("id-1", "test").unwrap();
    assert!(spent.contains(&other), "{spent:?}");
    assert_eq!(
        cluster.psql(&format!(
            "SELECT status, note FROM units WHERE id = '{other}'"
        )),
        "spent|test"
    );
}
