//! The USB commands of the real binary where USB cannot start (libusb really fails, see
//! `common::no_usb`), and the checks made before any board is looked for. A bus without
//! boards is tested in `e2e_cli.rs`, on the umockdev harness.

mod common;

use std::process::Command;

#[cfg(target_os = "linux")]
use common::no_usb::without_usb;

/// Runs `command` with `args`: its exit code, stdout and stderr.
fn run(command: &mut Command, args: &[&str]) -> (i32, String, String) {
    let out = command.args(args).output().expect("runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dfu_station() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dfu-station"));
    // English, whatever the developer's locale: the tests read the English texts.
    command.env("DFU_STATION_LANG", "en");
    command
}

fn vector() -> String {
    common::vector("1/dfu.bin").to_str().unwrap().to_owned()
}

#[cfg(target_os = "linux")]
const USB_UNAVAILABLE: &str = "USB is not available on this computer (libusb could not start:";

#[cfg(target_os = "linux")]
#[test]
fn list_without_usb_exits_3_and_says_why() {
    for args in [&["list"][..], &["list", "--json"], &["list", "--watch"]] {
        let (code, stdout, stderr) = run(without_usb(&mut dfu_station()), args);
        assert_eq!(code, 3, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.starts_with(USB_UNAVAILABLE), "{args:?}: {stderr}");
        assert!(
            stderr.contains("Everything else keeps working."),
            "{stderr}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn flash_without_usb_exits_3_and_says_why() {
    let (code, _, stderr) = run(without_usb(&mut dfu_station()), &["flash", &vector()]);
    assert_eq!(code, 3);
    assert!(stderr.contains(USB_UNAVAILABLE), "{stderr}");

    let (code, stdout, _) = run(
        without_usb(&mut dfu_station()),
        &["flash", &vector(), "--json"],
    );
    assert_eq!(code, 3);
    let event: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(event["event"], "result");
    assert_eq!(event["result"], "error");
    assert_eq!(event["exit_code"], 3);
    assert_eq!(event["code"], "usb-unavailable");
}

#[test]
fn flash_refuses_a_bad_file_before_looking_for_boards() {
    let (code, _, stderr) = run(
        &mut dfu_station(),
        &["flash", concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("idf.py dfu"), "{stderr}");
    let (code, _, stderr) = run(&mut dfu_station(), &["flash", "/nonexistent/dfu.bin"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("Cannot read /nonexistent/dfu.bin"),
        "{stderr}"
    );
}

#[test]
fn flash_refuses_a_bad_selector() {
    let (code, _, stderr) = run(&mut dfu_station(), &["flash", &vector(), "-d", "esp32:s2"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a USB ID"), "{stderr}");
}
