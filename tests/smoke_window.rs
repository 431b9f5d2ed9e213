//! The real binary opens its window under Xvfb with demo boards, lists them, saves a
//! screenshot of itself (DFU_STATION_SCREENSHOT) and quits, with the GPU renderer or,
//! where it cannot start, OpenGL; a bad profile is an error before any window.
#![cfg(all(feature = "gui", target_os = "linux"))]

use std::process::{Command, Output};

/// Runs the app with demo boards under Xvfb until it saved a screenshot of itself, with
/// `env` set; returns how it ended (stderr included) and the screenshot, checked to be
/// a drawn window.
fn screenshot_under_xvfb(env: &[(&str, &str)]) -> (Output, image::RgbaImage) {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("window.png");
    let output = Command::new("timeout")
        .args(["60", "xvfb-run", "-a", "-s", "-screen 0 1366x768x24"])
        .arg(env!("CARGO_BIN_EXE_dfu-station"))
        .arg("--demo")
        .env(dfu_station::ui::SCREENSHOT_ENV, &shot)
        // Settings of this run stay in the temporary directory.
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .env("DFU_STATION_LANG", "en")
        .envs(env.iter().copied())
        .output()
        .expect("xvfb-run (Debian package xvfb) runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}: {stderr}", output.status);
    let png = std::fs::read(&shot).expect("the screenshot was saved");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let image = image::load_from_memory(&png).unwrap().to_rgba8();
    assert!(image.width() >= 960 && image.height() >= 560);
    // Not one flat colour: something was drawn.
    let first = image.get_pixel(0, 0);
    assert!(image.pixels().any(|p| p != first));
    (output, image)
}

#[test]
fn the_window_saves_a_screenshot_of_itself_under_xvfb() {
    screenshot_under_xvfb(&[]);
}

#[test]
fn the_window_falls_back_to_opengl_where_the_gpu_renderer_cannot_start() {
    // No such GPU API on Linux: wgpu finds no adapter.
    let (output, _) = screenshot_under_xvfb(&[("WGPU_BACKEND", "metal")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the wgpu renderer could not open the window"),
        "{stderr}"
    );
}

/// In Chinese on a system whose fontconfig lists no font at all (fontique's enumeration
/// of the system's fonts panics there), the window starts anyway and draws its Chinese
/// with the bundled font.
#[test]
fn the_window_starts_in_chinese_on_a_system_without_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fonts.conf");
    std::fs::write(
        &config,
        "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    screenshot_under_xvfb(&[("DFU_STATION_LANG", "zh-CN"), ("FONTCONFIG_FILE", config)]);
}

#[test]
fn a_bad_profile_is_an_error_before_any_window() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("line3.toml");
    std::fs::write(&profile, "station = \"line 3\"\nimage = 7\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dfu-station"))
        .arg("--profile")
        .arg(&profile)
        // No display: the native dialog cannot show and must not hold the exit.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line3.toml"), "{stderr}");
}
