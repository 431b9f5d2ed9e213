//! The real `dfu-station` binary on emulated boards (`flash --all --demo N`): boards
//! flashed in parallel with a live line each, and a SIGKILL in the middle of the flashes
//! that leaves a production log whose every line parses.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::packed_image;
use sha2::{Digest, Sha256};
use station::files::Existing;
use station::profile::Profile;
use station::records::production_log::{ProductionLog, Record, Verdict, utc_now};

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

/// `flash --all IMAGE --log LOGS --demo 4`.
fn flash_all(image: &Path, logs: &Path) -> Command {
    let mut command = Command::new(DFU_STATION);
    command.env("DFU_STATION_LANG", "en");
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

    // 1 MiB each: seconds of erasing and writing (two 512 KiB parts, each erased before
    // it is written); SIGKILL once a board erases the first part of the app.
    let dir_big = tempfile::tempdir().unwrap();
    let big = packed_image(dir_big.path(), common::sample(1 << 20, 6));
    let mut child = flash_all(&big, &logs)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = common::lines(child.stdout.take().unwrap());
    let mut seen = common::wait_for_line(&lines, "Erasing app.bin");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    seen.extend(common::rest(&lines));
    let stdout = seen.join("\n");
    // Ended by the SIGKILL, not by itself: it was still flashing.
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGKILL),
        "{stdout}"
    );
    assert!(!status.success(), "{stdout}");
    assert!(!stdout.contains("PASS"), "{stdout}");
    assert_eq!(
        common::parse_log(&logs).len(),
        4,
        "the killed attempts left no record"
    );

    // The next run appends after the survivors (a new attempt: a new time; the very same
    // record again would be taken for a retry already written).
    let next = Record {
        timestamp: utc_now(),
        ..records[0].clone()
    };
    ProductionLog::open(&logs).unwrap().append(&next).unwrap();
    assert_eq!(common::parse_log(&logs).len(), 5);
}

#[test]
fn flash_all_and_station_refuse_to_start_without_a_writable_log() {
    let dir = tempfile::tempdir().unwrap();
    let image = packed_image(dir.path(), common::sample(4096, 5));
    // A regular file where the log folder should be (root ignores permissions).
    let logs = dir.path().join("logs");
    std::fs::write(&logs, "").unwrap();
    let out = flash_all(&image, &logs).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(5), "{stdout}{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "Production log not writable: {}: File exists",
            logs.display()
        )),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "no board was touched: {stdout}");

    let profile = Profile {
        station: "line 3".into(),
        image: image.clone(),
        image_sha256: hex::encode(Sha256::digest(std::fs::read(&image).unwrap())),
        auto_flash: true,
        sound: false,
        log_folder: logs.join("inside-a-file"),
        pin_sha256: String::new(),
        slots: Vec::new(),
        provision: None,
        line: None,
    };
    let profile_path = dir.path().join("line3.toml");
    profile.save(&profile_path, Existing::Keep).unwrap();
    let out = Command::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .args(["station", "--profile"])
        .arg(&profile_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("Production log not writable: ") && stderr.contains("Not a directory"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn records_that_cannot_be_written_end_flash_all_with_exit_5_and_json_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let big = packed_image(dir.path(), common::sample(1 << 20, 6));
    let mut child = flash_all(&big, &logs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The log opened; once a board writes, the folder goes away (a share unmounted).
    let lines = common::lines(child.stdout.take().unwrap());
    let seen = common::wait_for_line(&lines, "Writing").join("\n");
    std::fs::remove_dir_all(&logs).unwrap();
    let rest = common::rest(&lines).join("\n");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{seen}{rest}{stderr}");
    assert!(
        rest.contains("Shift: 4 passed, 0 failed, 4 total"),
        "{rest}"
    );
    let mut lines = stderr.lines();
    let banner = lines.next().unwrap();
    assert!(
        banner.starts_with(&format!("Production log not writable: {}", logs.display()))
            && banner.ends_with("4 records are held until they can be written."),
        "{stderr}"
    );
    let held: Vec<Record> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut paths: Vec<&str> = held.iter().map(|r| r.usb_path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["1-1", "1-2", "1-3", "1-4"]);
    assert!(held.iter().all(|r| r.result == Verdict::Pass));
}

#[test]
fn pack_never_replaces_a_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.bin");
    std::fs::write(&app, common::sample(4096, 1)).unwrap();
    let out = dir.path().join("dfu.bin");
    std::fs::write(&out, "keep me").unwrap();
    let pack = |force: bool| {
        let mut command = Command::new(DFU_STATION);
        command.env("DFU_STATION_LANG", "en");
        command.args(["pack", "--pid", "2", "-o"]).arg(&out);
        if force {
            command.arg("--force");
        }
        command.arg("0x10000").arg(&app).output().unwrap()
    };
    let refused = pack(false);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("exists already: give --force to replace it"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    assert_eq!(pack(true).status.code(), Some(0));
    assert_eq!(
        &std::fs::read(&out).unwrap()[..4],
        b"0707",
        "a CPIO archive now"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_or_a_non_utf8_name_never_hangs_or_panics_the_command_line() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("dfu.bin");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for command in ["info", "flash"] {
        let out = Command::new(DFU_STATION)
            .env("DFU_STATION_LANG", "en")
            .arg(command)
            .arg(&fifo)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("is a FIFO, not a regular file"), "{stderr}");
    }
    let odd = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"\xff\xfe-dfu.bin"));
    std::fs::write(&odd, common::sample(100, 1)).unwrap();
    let out = Command::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .arg("info")
        .arg(&odd)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "invalid, not a panic");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("-dfu.bin: INVALID"), "{stderr}");
}
