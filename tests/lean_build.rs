//! The build without the window (`--no-default-features`): the command line works, and
//! starting it without a command says how to get the window instead of failing silently.
#![cfg(not(feature = "gui"))]

use std::process::Command;

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

#[test]
fn without_a_command_it_says_how_to_get_the_window() {
    let out = Command::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("this build has no window"), "{stderr}");
    assert!(stderr.contains("cargo build --release"), "{stderr}");
    // The commands it does have follow.
    assert!(String::from_utf8_lossy(&out.stdout).contains("flash"));
}

#[test]
fn the_commands_work_as_in_the_full_build() {
    let vector = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/esp-idf/1/dfu.bin"
    );
    let out = Command::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .args(["info", vector, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["chip"], "ESP32-S2");
}
