#![cfg(all(feature = "umockdev", feature = "gui", target_os = "linux"))]
//! The real binary under Xvfb and the umockdev harness with one emulated ESP32-S2 in
//! download mode: the window opens, lists the board through the real libusb, saves a
//! screenshot of itself and quits.

mod common;

use common::harness::run;

#[test]
fn the_window_lists_a_usb_board_and_saves_a_screenshot() {
    let home = tempfile::tempdir().unwrap();
    let shot = home.path().join("window.png");
    let screenshot = format!("{}={}", dfu_station::ui::SCREENSHOT_ENV, shot.display());
    let home_var = format!("HOME={}", home.path().display());
    let run = run(
        &["--board", "s2@1-1"],
        &[
            "env",
            "-u",
            "WAYLAND_DISPLAY",
            &screenshot,
            &home_var,
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1366x768x24",
            env!("CARGO_BIN_EXE_dfu-station"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.stdout.contains("1 board listed: ESP32-S2 at 1-1"),
        "{}",
        run.output()
    );
    let png = std::fs::read(&shot).expect("the screenshot was saved");
    assert!(png.len() > 1000 && png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let image = image::load_from_memory(&png).unwrap();
    assert!(image.width() >= 960 && image.height() >= 560);
}
