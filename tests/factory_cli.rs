//! The real `dfu-station` binary on emulated boards (`flash --all --demo N`): boards
//! flashed in parallel with a live line each, and a SIGKILL in the middle of the flashes
//! that leaves a production log whose every line parses.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::packed_image;
use dfu_station::station::log::{ProductionLog, Verdict};

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
    let mut records = common::parse_log(&logs);
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
        common::parse_log(&logs).len(),
        4,
        "the killed attempts left no record"
    );

    // The next run appends after the survivors.
    ProductionLog::open(&logs)
        .unwrap()
        .append(&records[0])
        .unwrap();
    assert_eq!(common::parse_log(&logs).len(), 5);
}
