//! The window carries the app icon (`_NET_WM_ICON`) and a window manager shows it: the
//! real binary under Xvfb with openbox (tests/scripts/window-icon.sh).
#![cfg(all(feature = "gui", target_os = "linux"))]

use std::process::Command;

#[test]
fn the_window_has_the_app_icon() {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("screen.png");
    let output = Command::new("timeout")
        .args(["90", "xvfb-run", "-a", "-s", "-screen 0 1366x768x24"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/scripts/window-icon.sh"
        ))
        .arg(env!("CARGO_BIN_EXE_dfu-station"))
        .arg(&shot)
        .env("HOME", dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("xvfb-run (Debian package xvfb) runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("_NET_WM_ICON=256,256"), "{stdout}");
    let png = std::fs::read(&shot).expect("a screenshot of the screen");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
}
