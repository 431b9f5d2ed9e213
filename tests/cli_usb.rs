//! The USB commands of the real binary on a machine without boards (CI, or no USB at all).

use std::process::Command;

fn dfu_station(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dfu-station"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn vector() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/esp-idf/1/dfu.bin"
    )
    .to_owned()
}

#[test]
fn list_without_boards_exits_cleanly_and_says_why() {
    let (code, stdout, stderr) = dfu_station(&["list"]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("USB is not available") || stderr.contains("No DFU board found"),
        "{stderr}"
    );
}

#[test]
fn list_json_without_boards_is_an_empty_array() {
    let (code, stdout, _) = dfu_station(&["list", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn flash_refuses_a_bad_file_before_looking_for_boards() {
    let (code, _, stderr) =
        dfu_station(&["flash", concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("idf.py dfu"), "{stderr}");
    let (code, _, stderr) = dfu_station(&["flash", "/nonexistent/dfu.bin"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("Cannot read /nonexistent/dfu.bin"),
        "{stderr}"
    );
}

#[test]
fn flash_refuses_a_bad_selector() {
    let (code, _, stderr) = dfu_station(&["flash", &vector(), "-d", "esp32:s2"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a USB ID"), "{stderr}");
}

#[test]
fn flash_without_a_board_exits_3_and_says_what_to_do() {
    let (code, _, stderr) = dfu_station(&["flash", &vector()]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("download mode") || stderr.contains("USB is not available"),
        "{stderr}"
    );
}

#[test]
fn flash_json_reports_the_failure_as_a_result_event() {
    let (code, stdout, _) = dfu_station(&["flash", &vector(), "--json", "-p", "9-9"]);
    assert_eq!(code, 3);
    let event: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(event["event"], "result");
    assert_eq!(event["result"], "error");
    assert_eq!(event["exit_code"], 3);
    assert!(event["code"] == "no-board" || event["code"] == "usb-unavailable");
}
