#![cfg(all(feature = "umockdev", target_os = "linux"))]
//! Factory work end to end: the real `dfu-station` binary on emulated boards behind the
//! real libusb (`dfu-station-harness` under `umockdev-wrapper`): the headless station in
//! auto mode with a board plugged, left and re-plugged.
//!
//! One short flash at a time here, and boards are found by polling: under umockdev,
//! libusb used from several threads at once (two flashes, or a long flash and the
//! watcher) corrupts the client's heap. Parallel flashing is tested in-process
//! (tests/factory.rs, tests/factory_cli.rs).

mod common;

use std::path::{Path, PathBuf};

use common::harness::{run, sh};
use common::packed_image;
use sha2::{Digest, Sha256};
use station::files::Existing;
use station::profile::Profile;
use station::records::production_log::{Record, Verdict};

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

/// A profile "line 3" in auto mode for an ESP32-S2 image of `app`, logging to `logs`, saved
/// in `dir`.
fn save_profile(dir: &Path, app: Vec<u8>) -> (PathBuf, Profile) {
    let image = packed_image(dir, app);
    let bytes = std::fs::read(&image).unwrap();
    let profile = Profile {
        station: "line 3".into(),
        image,
        image_sha256: hex::encode(Sha256::digest(&bytes)),
        auto_flash: true,
        sound: false,
        log_folder: "logs".into(),
        pin_sha256: String::new(),
        slots: Vec::new(),
        provision: None,
        line: None,
    };
    let path = dir.join("line3.toml");
    profile.save(&path, Existing::Keep).unwrap();
    (path, profile)
}

#[test]
fn the_headless_station_flashes_each_plug_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = common::sample(4096, 3);
    let (profile_path, profile) = save_profile(dir.path(), app.clone());

    // 1-1 is flashed at once, then stays plugged (its DETACH re-enumeration is no new
    // board); 1-3 (ESP32-S3) is not for this file. Once 1-1 passed, it is pulled out
    // and plugged in again: a second attempt.
    let script = format!(
        "DFU_STATION_USB_POLL=1 {DFU_STATION} station --profile {profile} --exit-after 2 \
           > {log} & station=$!; wait_for {log} '1-1  ESP32-S2  PASS'; \
         bus unplug 1-1; sleep 1; bus plug 1-1; wait $station; code=$?; cat {log}; exit $code",
        profile = profile_path.display(),
        log = dir.path().join("station.log").display(),
    );
    let run = run(
        &["--board", "s2@1-1:reenum=200", "--board", "s3@1-3"],
        &sh(&script),
    );
    assert_eq!(run.code, 0, "{}", run.output());
    let records = common::parse_log(&dir.path().join("logs"));
    let paths: Vec<&str> = records.iter().map(|r| r.usb_path.as_str()).collect();
    assert_eq!(paths, ["1-1", "1-1"]);
    for record in &records {
        assert_eq!(record.result, Verdict::Pass, "{record:#?}");
        assert_eq!(record.station, "line 3");
        assert_eq!(record.chip, "ESP32-S2");
        assert_eq!(record.image_sha256, profile.image_sha256);
    }
    assert!(
        run.stdout.contains("Station line 3: auto mode"),
        "{}",
        run.output()
    );
    assert!(
        run.stdout.contains("1-1  ESP32-S2  PASS in"),
        "{}",
        run.output()
    );
    assert!(run.stdout.contains("Shift: 2 passed, 0 failed, 2 total"));
    assert!(!run.stdout.contains("1-3  ESP32-S3"), "{}", run.output());
    assert_eq!(run.flash("1-1")[0x10000..0x10000 + app.len()], app[..]);
}

#[test]
fn ctrl_c_with_records_held_exits_5_and_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let (profile_path, _) = save_profile(dir.path(), common::sample(4096, 4));
    let logs = dir.path().join("logs");

    // The first attempt is logged. The log folder goes away (a share unmounted) while
    // the re-plugged board erases: its record is held; Ctrl-C then ends the shift.
    let script = format!(
        "DFU_STATION_USB_POLL=1 {DFU_STATION} station --profile {profile} > {out} 2> {err} & \
           station=$!; wait_for {out} '1-1  ESP32-S2  PASS'; n=$(wc -l < {out}); \
         bus unplug 1-1; sleep 1; bus plug 1-1; \
         i=0; until tail -n +$((n + 1)) {out} | grep -q Erasing; do \
           i=$((i+1)); [ $i -gt 400 ] && exit 92; sleep 0.05; done; \
         rm -r {logs}; wait_for {out} 'Production log not writable'; \
         kill -INT $station; wait $station; code=$?; cat {out}; cat {err} >&2; exit $code",
        profile = profile_path.display(),
        out = dir.path().join("station.out").display(),
        err = dir.path().join("station.err").display(),
        logs = logs.display(),
    );
    let run = run(&["--board", "s2@1-1:reenum=200,erase=400"], &sh(&script));
    assert_eq!(run.code, 5, "{}", run.output());
    let mut lines = run
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("Production log"));
    let banner = lines.next().unwrap_or_default();
    assert!(
        banner.starts_with(&format!("Production log not writable: {}", logs.display()))
            && banner.ends_with("1 record is held until it can be written."),
        "{}",
        run.output()
    );
    let held: Vec<Record> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(held.len(), 1, "{}", run.output());
    assert_eq!(
        (held[0].usb_path.as_str(), held[0].result),
        ("1-1", Verdict::Pass)
    );
}

/// Like `flash --all`, the station fails (exit 1) when a board failed, and ends with the
/// shift's summary, also when stopped with Ctrl-C.
#[test]
fn the_station_exits_1_when_a_board_failed_and_sums_up_the_shift_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let (profile_path, _) = save_profile(dir.path(), common::sample(4096, 5));
    let after_two = format!(
        "DFU_STATION_USB_POLL=1 {DFU_STATION} station --profile {} --exit-after 2",
        profile_path.display()
    );
    let run_two = run(
        &["--board", "s2@1-1", "--board", "s2@1-2:error@2"],
        &sh(&after_two),
    );
    assert_eq!(run_two.code, 1, "{}", run_two.output());
    assert!(
        run_two
            .stdout
            .contains("Shift: 1 passed, 1 failed, 2 total"),
        "{}",
        run_two.output()
    );

    let interrupted = format!(
        "DFU_STATION_USB_POLL=1 {DFU_STATION} station --profile {profile} > {out} & \
           station=$!; wait_for {out} '1-1  ESP32-S2  PASS'; \
         kill -INT $station; wait $station; code=$?; cat {out}; exit $code",
        profile = profile_path.display(),
        out = dir.path().join("station.out").display(),
    );
    let stopped = run(&["--board", "s2@1-1"], &sh(&interrupted));
    assert_eq!(stopped.code, 0, "{}", stopped.output());
    assert!(
        stopped
            .stdout
            .contains("Shift: 1 passed, 0 failed, 1 total"),
        "{}",
        stopped.output()
    );
}

/// Ctrl-C during `flash --all` cuts no flash off unrecorded: the boards still flashing are
/// cancelled, each gets its record (cancelled), and the shift's summary follows.
#[test]
fn ctrl_c_during_flash_all_cancels_and_records_each_board() {
    let dir = tempfile::tempdir().unwrap();
    let image = packed_image(dir.path(), common::sample(256 * 1024, 6));
    let logs = dir.path().join("logs");
    let script = format!(
        "{DFU_STATION} flash --all {image} --log {logs} > {out} & flash=$!; \
         wait_for {out} Erasing; kill -INT $flash; wait $flash; code=$?; cat {out}; exit $code",
        image = image.display(),
        logs = logs.display(),
        out = dir.path().join("flash.out").display(),
    );
    let run = run(
        &["--board", "s2@1-1:erase=400", "--board", "s2@1-2:erase=400"],
        &sh(&script),
    );
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.stderr.contains("Stopping"), "{}", run.output());
    assert!(
        run.stdout.contains("Shift: 0 passed, 2 failed, 2 total"),
        "{}",
        run.output()
    );
    let records = common::parse_log(&logs);
    assert_eq!(records.len(), 2, "{records:#?}");
    assert!(
        records.iter().all(|r| r.result == Verdict::Cancelled),
        "{records:#?}"
    );
}
