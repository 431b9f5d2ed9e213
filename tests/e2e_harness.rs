#![cfg(all(feature = "umockdev", target_os = "linux"))]
//! End to end through the real libusb: the system's `dfu-util` against emulated ESP ROM
//! boards served by `dfu-station-harness` under `umockdev-wrapper` (one testbed per
//! test). Needs `umockdev` and `dfu-util` installed; run with
//! `cargo test --features umockdev --test e2e_harness`.

mod common;

use std::time::Duration;

use common::harness::{assert_vector_flashed, payload, run, sh};
use common::packed_image;
use common::vector;
use serde_json::Value;

#[test]
fn dfu_util_lists_boards_like_real_roms() {
    let run = run(
        &["--board", "s2@1-1", "--board", "s3@1-2:dfu"],
        &["dfu-util", "-l"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(
        r#"Found Runtime: [303a:0002] ver=0723, devnum=1, cfg=1, intf=2, path="1-1", alt=0, name="UNKNOWN", serial="0""#
    ), "{}", run.stdout);
    assert!(run.stdout.contains(
        r#"Found DFU: [303a:0009] ver=0723, devnum=2, cfg=1, intf=0, path="1-2", alt=0, name="UNKNOWN", serial="0""#
    ), "{}", run.stdout);
    assert_eq!(run.report["exit_code"], 0);
    assert_eq!(run.board("1-1")["mode"], "runtime");
    assert_eq!(run.board("1-2")["chip"], "ESP32-S3");
}

#[test]
fn dfu_util_downloads_the_esp_idf_vector_to_a_dfu_mode_board() {
    let image = vector("1/dfu.bin");
    let run = run(
        &["--board", "s2@1-1:dfu"],
        &["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Done!"), "{}", run.stdout);
    assert_vector_flashed(&run, "1-1");
    assert_eq!(run.board("1-1")["state"], "DfuIdle");
}

#[test]
fn dfu_util_detaches_a_runtime_board_and_downloads_after_reenumeration() {
    let image = vector("1/dfu.bin");
    let run = run(
        &["--board", "s2@1-1"],
        &["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Device will detach and reattach..."));
    // dfu-util sleeps 5 s after DETACH; the board came back in DFU mode, numbered anew.
    assert!(run.elapsed >= Duration::from_secs(5));
    assert_eq!(run.board("1-1")["mode"], "dfu");
    assert_eq!(run.board("1-1")["devnum"], 2);
    assert_vector_flashed(&run, "1-1");
}

#[test]
fn an_erase_longer_than_five_seconds_times_dfu_util_out() {
    let image = vector("1/dfu.bin");
    let run = run(
        &["--board", "s2@1-1:dfu,erase=9000"],
        &["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()],
    );
    assert_eq!(run.code, 74, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("Error during download (LIBUSB_ERROR_TIMEOUT)"),
        "{}",
        run.stderr
    );
    // The timeout (dfu-util's fixed 5 s) struck before the 9 s erase ended (so late a
    // timer cannot be, even on a loaded machine).
    assert_eq!(run.board("1-1")["devnum"], 1);
}

#[test]
fn a_node_the_user_may_not_open_gives_libusb_error_access() {
    let run = run(
        &["--board", "s2@1-1:noaccess", "--board", "s2@1-2"],
        &["dfu-util", "-l"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("Cannot open DFU device 303a:0002 found on devnum 1 (LIBUSB_ERROR_ACCESS)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains(r#"path="1-2""#), "{}", run.stdout);
}

#[test]
fn unplug_and_replug_are_seen_by_the_next_listing() {
    let run = run(
        &[
            "--board",
            "s2@1-1:dfu",
            "--unplug",
            "1-1@100",
            "--plug",
            "1-1@4000",
        ],
        // List until the board is gone, then until it is back: no timing assumptions
        // beyond the 3.9 s it stays out.
        &[
            "sh",
            "-c",
            "while dfu-util -l 2>/dev/null | grep -q '^Found'; do sleep 0.1; done; echo GONE; \
             until dfu-util -l 2>/dev/null | grep '^Found'; do sleep 0.1; done",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (before, after) = run.stdout.split_once("GONE").expect("the board left");
    assert!(!before.contains("Found"), "{}", run.stdout);
    // Back powered on in its start mode (DFU) with a new device number.
    let found: Vec<&str> = after.lines().filter(|l| l.starts_with("Found")).collect();
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert!(found[0].contains("Found DFU: [303a:0002]") && found[0].contains("devnum=2"));
}

#[test]
fn unplug_in_the_middle_of_a_download_gives_no_device() {
    let dir = tempfile::tempdir().unwrap();
    let image = packed_image(dir.path(), payload());
    let run = run(
        &[
            // At a block, not at a time: a loaded machine must not move the unplug
            // before the download starts or after it ends.
            "--board",
            "s2@1-1:dfu,xfer=1024,erase=0,unplug@300",
        ],
        &["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()],
    );
    assert_eq!(run.code, 74, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("LIBUSB_ERROR_NO_DEVICE"),
        "{}",
        run.stderr
    );
    assert_eq!(run.board("1-1")["devnum"], Value::Null);
}

/// 1 MiB at wTransferSize 1024 with the default 25 ms erase per sector: two 512 KiB
/// parts, each erase (3.2 s) under dfu-util's 5 s timeout.
#[test]
fn dfu_util_downloads_one_mib_at_transfer_size_1024() {
    let dir = tempfile::tempdir().unwrap();
    let image = packed_image(dir.path(), payload());
    let run = run(
        &["--board", "s2@1-1:dfu,xfer=1024"],
        &["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    eprintln!(
        "1 MiB at wTransferSize 1024 through the harness: {:?}",
        run.elapsed
    );
    assert!(run.flash("1-1")[0x10000..0x10000 + (1 << 20)] == payload()[..]);
}

/// Two processes on one board, as usbfs clients of the same device node: `list --watch`
/// opens the board for its strings on every scan (polling: once a second, while the
/// flash runs) and at its re-enumeration after DETACH, while `flash` holds its own
/// handle with transfers in flight. Each must only ever reap its own URBs (a URB of the
/// other process would be written into memory it does not own).
#[test]
fn list_watch_and_flash_share_a_board_without_mixing_urbs() {
    let dfu_station = env!("CARGO_BIN_EXE_dfu-station");
    let dir = tempfile::tempdir().unwrap();
    let image = packed_image(dir.path(), payload()[..256 << 10].to_vec());
    // The flash starts once the watcher has listed the board, and the watcher is stopped
    // once it has seen the board back in DFU mode.
    let script = format!(
        "DFU_STATION_USB_POLL=1 {dfu_station} list --watch > {log} & watch=$!; \
         wait_for {log} 'Added: '; \
         {dfu_station} flash {image} || exit $?; \
         wait_for {log} 'Added: .*devnum=2'; stop $watch; cat {log}",
        image = image.display(),
        log = dir.path().join("watch.log").display(),
    );
    let run = run(&["--board", "s2@1-1:xfer=1024,erase=5"], &sh(&script));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Flashed"), "{}", run.stdout);
    // The watcher saw the board leave for DFU mode and come back, mid-flash.
    let events: Vec<(&str, bool)> = (run.stdout.lines())
        .filter_map(|line| line.split_once(": Found "))
        .map(|(event, rest)| (event, rest.contains("devnum=2")))
        .collect();
    assert_eq!(
        events,
        [("Added", false), ("Removed", false), ("Added", true)],
        "{}",
        run.stdout
    );
    assert_eq!(run.board("1-1")["mode"], "dfu");
    assert!(run.flash("1-1")[0x10000..0x10000 + (256 << 10)] == payload()[..256 << 10]);
}

/// A dfu-util killed in the middle of a download leaves a URB in flight (the first
/// erase answers after 3 s); the next client of the same device must neither get it
/// nor hang: `dfu-util -l` lists the board before and after that URB falls due (the
/// first listing may miss the serial: the board is still erasing).
#[test]
fn a_client_killed_mid_download_leaves_nothing_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let image = vector("1/dfu.bin");
    let script = format!(
        "stdbuf -o0 dfu-util -d 303a:0002 -D {image} > {log} & pid=$!; \
         wait_for {log} Download; sleep 0.5; kill -9 $pid; wait $pid; \
         timeout 20 dfu-util -l || exit 90; sleep 3; timeout 20 dfu-util -l || exit 91",
        image = image.display(),
        log = dir.path().join("dfu-util.log").display(),
    );
    let run = run(&["--board", "s2@1-1:dfu,erase=3000"], &sh(&script));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let found = run
        .stdout
        .matches(r#"Found DFU: [303a:0002] ver=0723, devnum=1"#);
    assert_eq!(found.count(), 2, "{}", run.stdout);
    // Killed in the middle: the board never got back to idle.
    assert_ne!(run.board("1-1")["state"], "DfuIdle", "{}", run.report);
}
