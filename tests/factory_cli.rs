//! The real `dfu-station` binary on emulated boards (`flash --all --demo N`): boards
//! flashed in parallel with a live line each, and a SIGKILL in the middle of the flashes
//! that leaves a production log whose every line parses.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::packed_image;
use dfu_station::station::log::{CSV_NAME, JSONL_NAME, ProductionLog, Record, Verdict};

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

/// `flash --all IMAGE --log LOGS --demo 4`.
fn flash_all(image: &Path, logs: &Path) -> Command {
    let mut command = Command::new(DFU_STATION);
    command
        .args(["flash", "--all"])
        .arg(image)
        .arg("--log")
        .arg(logs)
        .args(["--demo", "4"]);
    command
}

/// Every line of the JSONL log parsed (one that does not parse fails the test), and the
/// CSV's rows the same.
fn parse_log(folder: &Path) -> Vec<Record> {
    let jsonl = std::fs::read_to_string(folder.join(JSONL_NAME)).unwrap();
    let records: Vec<Record> = jsonl
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect();
    let csv = std::fs::read_to_string(folder.join(CSV_NAME)).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|row| row.unwrap_or_else(|e| panic!("{e}: {csv}")))
        .collect();
    assert!(rows.iter().all(|row| row.len() == 12), "{csv}");
    let csv_paths: Vec<&str> = rows.iter().map(|row| &row[2]).collect();
    let jsonl_paths: Vec<&str> = records.iter().map(|r| r.usb_path.as_str()).collect();
    assert_eq!(csv_paths, jsonl_paths);
    records
}

#[test]
fn flash_all_then_sigkill_mid_flash_leaves_a_log_whose_every_line_parses() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let small = packed_image(dir.path(), common::sample(4096, 5));
    let out = flash_all(&small, &logs).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for port in 1..=4 {
        assert!(
            stdout.contains(&format!("1-{port}  ESP32-S2  PASS in")),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("Shift: 4 passed, 0 failed, 4 total"),
        "{stdout}"
    );
    let mut records = parse_log(&logs);
    records.sort_by(|a, b| a.usb_path.cmp(&b.usb_path));
    let paths: Vec<&str> = records.iter().map(|r| r.usb_path.as_str()).collect();
    assert_eq!(paths, ["1-1", "1-2", "1-3", "1-4"]);
    assert!(records.iter().all(|r| r.result == Verdict::Pass));

    // 1 MiB each: seconds of erasing and writing; SIGKILL in the middle.
    let dir_big = tempfile::tempdir().unwrap();
    let big = packed_image(dir_big.path(), common::sample(1 << 20, 6));
    let mut child = flash_all(&big, &logs)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert!(child.try_wait().unwrap().is_none(), "still flashing");
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("PASS"), "{stdout}");
    assert_eq!(
        parse_log(&logs).len(),
        4,
        "the killed attempts left no record"
    );

    // The next run appends after the survivors.
    ProductionLog::open(&logs)
        .unwrap()
        .append(&records[0])
        .unwrap();
    assert_eq!(parse_log(&logs).len(), 5);
}
