#![cfg(all(feature = "umockdev", target_os = "linux"))]
//! End to end through the real libusb: the real `dfu-station` binary against emulated
//! ESP ROM boards served by `dfu-station-harness` under `umockdev-wrapper`, side by side
//! with `dfu-util` on the same boards. Needs `umockdev` and `dfu-util` installed (a
//! missing tool fails these tests); run with `cargo test --features umockdev`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::harness::{Run, VECTOR_FILES, assert_vector_flashed, payload, run, sh};
use common::packed_image;
use common::vector;
use firmware::{Chip, FlashFile, PackOptions, pack};
use serde_json::Value;

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

/// `dfu-station flash IMAGE EXTRA...` as a harness command.
fn flash<'a>(image: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut command = vec![DFU_STATION, "flash", image.to_str().unwrap()];
    command.extend(extra);
    command
}

/// ESP-IDF's vector 1 (64-byte blocks on the ROM: kept short) packed for `chip` in `dir`.
fn vector_image(dir: &Path, chip: Chip) -> PathBuf {
    let files: Vec<FlashFile> = VECTOR_FILES
        .iter()
        .map(|&(name, address)| FlashFile {
            address: address as u32,
            name: name.into(),
            data: std::fs::read(vector(&format!("1/{name}"))).unwrap(),
        })
        .collect();
    let options = PackOptions {
        pid: chip.pid(),
        ..PackOptions::default()
    };
    let path = dir.join("dfu.bin");
    std::fs::write(&path, pack(&files, &options).unwrap()).unwrap();
    path
}

/// The identity fields of a `dfu-util -l` line (ours may end with the chip name).
fn fields(line: &str) -> BTreeMap<String, String> {
    let (kind, rest) = line
        .strip_prefix("Found ")
        .and_then(|l| l.split_once(": ["))
        .unwrap_or_else(|| panic!("not a listing line: {line}"));
    let (id, rest) = rest.split_once("] ").unwrap();
    let mut fields = BTreeMap::from([("kind".into(), kind.into()), ("id".into(), id.into())]);
    let mut rest = rest;
    while let Some((key, value)) = rest.split_once('=') {
        let (value, tail) = match value.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap(),
            None => value.split_once(',').unwrap_or((value, "")),
        };
        fields.insert(key.into(), value.into());
        rest = tail.trim_start_matches(',').trim_start();
        if key == "serial" {
            break;
        }
    }
    fields
}

/// The listing lines of `output`, parsed and sorted by path and alt setting.
fn listing(output: &str) -> Vec<BTreeMap<String, String>> {
    let mut found: Vec<_> = output
        .lines()
        .filter(|l| l.starts_with("Found "))
        .map(fields)
        .collect();
    found.sort_by(|a, b| (&a["path"], &a["alt"]).cmp(&(&b["path"], &b["alt"])));
    found
}

#[test]
fn list_shows_what_dfu_util_shows_field_by_field() {
    let script =
        format!("{DFU_STATION} list; echo ===; dfu-util -l; echo ===; {DFU_STATION} list --json");
    let run = run(
        &["--board", "s2@1-1", "--board", "s3@1-2:dfu"],
        &["sh", "-c", &script],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    let parts: Vec<&str> = run.stdout.split("===\n").collect();
    let (ours, theirs) = (listing(parts[0]), listing(parts[1]));
    assert_eq!(ours.len(), 2, "{}", run.output());
    assert_eq!(ours[0].len(), 10, "{:?}", ours[0]);
    assert_eq!(ours, theirs);
    assert!(parts[0].contains(r#"path="1-1", alt=0, name="UNKNOWN", serial="0" ESP32-S2"#));

    // The JSON listing carries the same identity.
    let json: Vec<Value> = serde_json::from_str(parts[2]).unwrap();
    let mut from_json: Vec<BTreeMap<String, String>> = json
        .iter()
        .map(|t| {
            let kind = if t["mode"] == "dfu" { "DFU" } else { "Runtime" };
            let number = |k: &str| t[k].as_u64().unwrap();
            let text = |k: &str| t[k].as_str().unwrap().to_owned();
            BTreeMap::from([
                ("kind".into(), kind.into()),
                (
                    "id".into(),
                    format!("{:04x}:{:04x}", number("vid"), number("pid")),
                ),
                ("ver".into(), format!("{:04x}", number("bcd_device"))),
                ("devnum".into(), number("devnum").to_string()),
                ("cfg".into(), number("cfg").to_string()),
                ("intf".into(), number("intf").to_string()),
                ("path".into(), text("path")),
                ("alt".into(), number("alt").to_string()),
                ("name".into(), text("name")),
                ("serial".into(), text("serial")),
            ])
        })
        .collect();
    from_json.sort_by(|a, b| (&a["path"], &a["alt"]).cmp(&(&b["path"], &b["alt"])));
    assert_eq!(from_json, theirs);
}

#[test]
fn a_bus_without_boards_says_what_to_do() {
    let script = format!(
        "{DFU_STATION} list; echo \"list $?\"; {DFU_STATION} list --json; echo \"json $?\"; \
         {DFU_STATION} flash {image}; echo \"flash $?\"",
        image = vector("1/dfu.bin").display()
    );
    let run = run(&[], &["sh", "-c", &script]);
    let no_board = "No DFU board found.\nPut the board in download mode: hold BOOT, press \
                    and release RESET, then release BOOT.";
    assert_eq!(run.stderr.matches(no_board).count(), 2, "{}", run.output());
    let codes: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with(['[', ']']))
        .collect();
    assert_eq!(codes, ["list 0", "json 0", "flash 3"], "{}", run.output());
    assert!(run.stdout.contains("[]"), "{}", run.output());
}

/// A download-boot board: DETACH, wait for the DFU-mode board at the same path (no
/// fixed 5 s sleep), then the vector in the ROM's 64-byte blocks.
fn flashes_a_runtime_board(chip: Chip, spec: &str) {
    let dir = tempfile::tempdir().unwrap();
    let image = vector_image(dir.path(), chip);
    let run = run(&["--board", spec], &flash(&image, &[]));
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(run.stdout.contains("Detaching"), "{}", run.output());
    assert!(run.stdout.contains(&format!("Flashed {}", image.display())));
    assert!(run.stdout.contains(&format!("to {} [303a:", chip.name())));
    // Back in DFU mode with a new device number (how much quicker than dfu-util's 5 s
    // sleep is for tests/bench/usb_vs_dfu_util.sh to say, not a timed test).
    assert_eq!(run.board("1-1")["mode"], "dfu");
    assert_eq!(run.board("1-1")["devnum"], 2);
    assert_eq!(run.board("1-1")["state"], "DfuIdle");
    assert_vector_flashed(&run, "1-1");
}

#[test]
fn flashes_a_download_boot_esp32_s2() {
    flashes_a_runtime_board(Chip::Esp32S2, "s2@1-1");
}

#[test]
fn flashes_a_download_boot_esp32_s3() {
    flashes_a_runtime_board(Chip::Esp32S3, "s3@1-1");
}

#[test]
fn path_chooses_one_of_two_boards() {
    let image = vector("1/dfu.bin");
    let boards = ["--board", "s2@1-1:dfu", "--board", "s2@1-2:dfu"];
    let run = run(&boards, &flash(&image, &["-p", "1-2"]));
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(run.stdout.contains("at 1-2."), "{}", run.stdout);
    assert_vector_flashed(&run, "1-2");
    assert_eq!(run.board("1-1")["programmed"], serde_json::json!([]));

    // Without -p the choice is the user's: exit 2, naming both.
    let ambiguous = common::harness::run(&boards, &flash(&image, &[]));
    assert_eq!(ambiguous.code, 2, "{}", ambiguous.output());
    assert!(
        ambiguous.stderr.contains("1-1") && ambiguous.stderr.contains("1-2"),
        "{}",
        ambiguous.stderr
    );
}

#[test]
fn flashing_one_board_through_detach_sends_nothing_to_the_others() {
    // An erasing board answers nothing for seconds: choosing, opening and finding
    // 1-1 again after DETACH must not open or ask the boards next to it.
    let image = vector("1/dfu.bin");
    let boards = [
        "--board",
        "s2@1-1:reenum=300",
        "--board",
        "s2@1-2",
        "--board",
        "s2@1-3:dfu",
    ];
    let run = run(&boards, &flash(&image, &["-p", "1-1"]));
    assert_eq!(run.code, 0, "{}", run.output());
    assert_vector_flashed(&run, "1-1");
    assert!(run.board("1-1")["requests"].as_u64().unwrap() > 0);
    for other in ["1-2", "1-3"] {
        assert_eq!(run.board(other)["requests"], 0, "{other}: {}", run.output());
    }
}

#[test]
fn unplug_in_the_middle_of_a_download_fails_clearly_without_hanging() {
    let image = vector("1/dfu.bin");
    // At a block, not at a time: a loaded machine must not move the unplug before the
    // download starts or after it ends.
    let run = run(&["--board", "s2@1-1:dfu,unplug@40"], &flash(&image, &[]));
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stderr.contains("(block 40)") && run.stderr.contains("the device is gone"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Check the cable"), "{}", run.stderr);
    // No hang: ends long before the harness's own limit, even on a loaded machine.
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
    assert_eq!(run.board("1-1")["devnum"], Value::Null);
}

#[test]
fn a_node_the_user_may_not_open_exits_4_with_the_udev_rule() {
    let image = vector("1/dfu.bin");
    let script = format!("{DFU_STATION} list; {} ", flash(&image, &[]).join(" "));
    let run = run(&["--board", "s2@1-1:noaccess"], &["sh", "-c", &script]);
    assert_eq!(run.code, 4, "{}", run.output());
    // Listed all the same (strings unreadable), with a warning; then flash refuses.
    assert!(run.stdout.contains(r#"path="1-1""#), "{}", run.stdout);
    let warning = "Cannot open DFU device 303a:0002 at path 1-1: permission denied";
    assert_eq!(run.stderr.matches(warning).count(), 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", TAG+="uaccess""#)
            && run
                .stderr
                .contains("/etc/udev/rules.d/70-dfu-station.rules")
            && run.stderr.contains("udevadm control --reload"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_erase_longer_than_five_seconds_succeeds_where_dfu_util_times_out() {
    let dir = tempfile::tempdir().unwrap();
    // One 4 KiB sector: a single 9 s erase while the ROM holds the first DNLOAD (well
    // past dfu-util's 5 s, even if its timer fires late on a loaded machine).
    let sector = common::sample(4096, 7);
    let image = packed_image(dir.path(), sector.clone());
    let board = ["--board", "s2@1-1:dfu,erase=9000"];
    let dfu_util = ["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()];
    let (ours, theirs) = std::thread::scope(|s| {
        let theirs = s.spawn(|| run(&board, &dfu_util));
        (run(&board, &flash(&image, &[])), theirs.join().unwrap())
    });
    assert_eq!(ours.code, 0, "{}", ours.output());
    assert!(ours.elapsed >= Duration::from_secs(9), "{:?}", ours.elapsed);
    assert!(ours.flash("1-1")[0x10000..0x11000] == sector[..]);
    assert_eq!(theirs.code, 74, "{}", theirs.output());
    assert!(
        theirs.stderr.contains("LIBUSB_ERROR_TIMEOUT"),
        "{}",
        theirs.stderr
    );
}

#[test]
fn dfu_util_and_we_store_the_same_flash_image() {
    let dir = tempfile::tempdir().unwrap();
    let image = packed_image(dir.path(), payload());
    let board = ["--board", "s2@1-1:dfu,xfer=1024,erase=0"];
    let dfu_util = ["dfu-util", "-d", "303a:0002", "-D", image.to_str().unwrap()];
    let (ours, theirs) = std::thread::scope(|s| {
        let theirs = s.spawn(|| run(&board, &dfu_util));
        (run(&board, &flash(&image, &[])), theirs.join().unwrap())
    });
    assert_eq!(ours.code, 0, "{}", ours.output());
    assert_eq!(theirs.code, 0, "{}", theirs.output());
    let flash = ours.flash("1-1");
    assert!(flash[0x10000..0x10000 + (1 << 20)] == payload()[..]);
    assert!(flash == theirs.flash("1-1"), "the flash images differ");
    assert_eq!(
        ours.board("1-1")["flash_sha256"],
        theirs.board("1-1")["flash_sha256"]
    );
}

/// The `list --watch` lines of `run` with the device numbers they name, e.g.
/// `("Added", "1-1", "3")`.
fn watch_events(run: &Run) -> Vec<(String, String, String)> {
    run.stdout
        .lines()
        .map(|line| {
            let (event, rest) = line.split_once(": ").unwrap();
            let f = fields(rest);
            (event.to_owned(), f["path"].clone(), f["devnum"].clone())
        })
        .collect()
}

/// `list --watch` in the background on 1-1 (runtime) and 1-2 (DFU mode): once it printed
/// each of `listed`, 1-1 is pulled out; once it printed `removed`, 1-1 is plugged back
/// in; once it printed `back`, it is stopped and its output printed.
fn watch_unplug_replug(
    env: &str,
    options: &str,
    listed: [&str; 2],
    removed: &str,
    back: &str,
) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "{env} {DFU_STATION} list --watch {options} > {log} & watch=$!; \
         wait_for {log} '{}'; wait_for {log} '{}'; bus unplug 1-1; \
         wait_for {log} '{removed}'; bus plug 1-1; wait_for {log} '{back}'; \
         stop $watch; cat {log}",
        listed[0],
        listed[1],
        log = dir.path().join("watch.log").display(),
    );
    run(
        &["--board", "s2@1-1", "--board", "s3@1-2:dfu"],
        &sh(&script),
    )
}

#[test]
fn list_watch_reports_plug_and_unplug_through_hotplug() {
    let run = watch_unplug_replug(
        "",
        "",
        [r#"Added: .*path="1-1""#, r#"Added: .*path="1-2""#],
        "Removed: ",
        r#"Added: .*devnum=3, .*path="1-1""#,
    );
    assert_eq!(run.code, 0, "{}", run.output());
    let mut events = watch_events(&run);
    // The boards already there come first, in bus order.
    events[..2].sort();
    let event = |e: &str, path: &str, devnum: &str| (e.into(), path.into(), devnum.into());
    assert_eq!(
        events,
        [
            event("Added", "1-1", "1"),
            event("Added", "1-2", "2"),
            event("Removed", "1-1", "1"),
            event("Added", "1-1", "3"),
        ],
        "{}",
        run.output()
    );
}

/// Windows' path, forced on Linux: a scan every second, diffed against the last.
#[test]
fn list_watch_reports_plug_and_unplug_by_polling() {
    let run = watch_unplug_replug(
        "DFU_STATION_USB_POLL=1",
        "--json",
        [r#""path":"1-1""#, r#""path":"1-2""#],
        r#""event":"removed""#,
        r#""devnum":3,"#,
    );
    assert_eq!(run.code, 0, "{}", run.output());
    let mut events: Vec<(String, String, u64)> = run
        .stdout
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let text = |k: &str| v[k].as_str().unwrap().to_owned();
            let (mode, chip) = if text("path") == "1-1" {
                ("runtime", "ESP32-S2")
            } else {
                ("dfu", "ESP32-S3")
            };
            assert_eq!((text("mode").as_str(), text("chip").as_str()), (mode, chip));
            (text("event"), text("path"), v["devnum"].as_u64().unwrap())
        })
        .collect();
    events[..2].sort();
    let event = |e: &str, path: &str, devnum| (e.into(), path.into(), devnum);
    assert_eq!(
        events,
        [
            event("added", "1-1", 1),
            event("added", "1-2", 2),
            event("removed", "1-1", 1),
            event("added", "1-1", 3),
        ],
        "{}",
        run.output()
    );
}

#[test]
fn control_characters_in_a_board_serial_never_reach_the_terminal() {
    // A serial that would clear the screen, retitle the terminal and fake a new line.
    let serial = "\u{1b}[2J\u{1b}]0;owned\u{7}X\rPASS";
    let board = format!("s2@1-1:serial={serial}");
    let script = format!("{DFU_STATION} list; echo ===; {DFU_STATION} list --json");
    let run = run(&["--board", &board], &["sh", "-c", &script]);
    assert_eq!(run.code, 0, "{}", run.output());
    let (text, json) = run.stdout.split_once("===\n").unwrap();
    assert!(
        text.contains(r#"serial="[2J]0;ownedXPASS" ESP32-S2"#),
        "{text:?}"
    );
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    // The board did send them (JSON escapes them, and keeps them).
    let json: Vec<Value> = serde_json::from_str(json).unwrap();
    assert_eq!(json[0]["serial"], serial);
}
