//! The packaging files agree with the code: one app id everywhere (desktop entry,
//! AppStream metainfo, macOS bundle, Windows uninstall key, the window's app id) and the
//! version from Cargo.toml, never typed into a packaging file.

use std::path::Path;

use dfu_station::APP_ID;
use firmware::Chip;
use sha2::{Digest, Sha256};
use usb::driver::{DRIVER_FOLDER, DeviceNode};

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[test]
fn the_desktop_entry_is_named_after_the_app_id() {
    let desktop = read(&format!("packaging/linux/{APP_ID}.desktop"));
    assert!(
        desktop.contains(&format!("\nStartupWMClass={APP_ID}\n")),
        "{desktop}"
    );
    let cargo = read("Cargo.toml");
    assert!(cargo.contains(&format!("\"packaging/linux/{APP_ID}.desktop\"")));
}

#[test]
fn the_metainfo_names_the_app_id_and_the_current_version_first() {
    let metainfo = read(&format!("packaging/linux/{APP_ID}.metainfo.xml"));
    assert!(metainfo.contains(&format!("<id>{APP_ID}</id>")));
    assert!(metainfo.contains(&format!(
        "<launchable type=\"desktop-id\">{APP_ID}.desktop</launchable>"
    )));
    let newest = metainfo
        .split("<release version=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next());
    assert_eq!(newest, Some(env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_macos_bundle_takes_its_version_from_cargo() {
    let plist = read("packaging/macos/Info.plist");
    assert!(plist.contains(&format!(
        "<key>CFBundleIdentifier</key><string>{APP_ID}</string>"
    )));
    assert!(plist.contains("<key>CFBundleShortVersionString</key><string>@VERSION@</string>"));
    assert!(plist.contains("<key>CFBundleVersion</key><string>@VERSION@</string>"));
    assert!(read("packaging/macos/make-app.sh").contains("packaging/version.sh"));
}

#[test]
fn the_windows_installer_is_given_the_version() {
    let nsi = read("packaging/windows/installer.nsi");
    assert!(nsi.contains(&format!("!define APP_ID \"{APP_ID}\"")));
    assert!(
        !nsi.contains("!define VERSION"),
        "the version is passed in, not typed"
    );
    assert!(nsi.contains("!error"));
    let workflow = read(".github/workflows/release.yml");
    assert!(workflow.contains("/DVERSION="));
}

/// The installer puts Espressif's ESP32-S2 WinUSB driver, unchanged (its signed catalogue
/// lists this hash), with its licence, into the folder where the driver doctor looks; the
/// INF's one hardware ID is the interface the doctor installs it on.
#[test]
fn the_windows_installer_ships_espressifs_driver_where_the_doctor_looks() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/windows/driver");
    let inf = std::fs::read(folder.join("esp32s2.inf")).unwrap();
    let sha256: String = Sha256::digest(&inf)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        sha256,
        "a5af7641880cba44cf6b385c06279988de7b9c45c60e2b0cf519da031fab2ca3"
    );
    let utf16: Vec<u16> = (inf[2..].chunks(2))
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    let text = String::from_utf16(&utf16).unwrap();
    let id = r"USB\VID_303A&PID_0002&MI_02";
    assert!(text.contains(&format!("USB_Install, {id}")), "{text}");
    let interface = DeviceNode {
        hardware_ids: vec![id.to_owned()],
        ..DeviceNode::default()
    };
    assert_eq!(interface.rom_dfu_chip(), Some(Chip::Esp32S2));
    let licence = read("packaging/windows/driver/LICENSE");
    assert!(licence.starts_with("Copyright 2024 Espressif") && licence.contains("Apache License"));

    let nsi = read("packaging/windows/installer.nsi");
    assert!(nsi.contains(&format!("SetOutPath \"$INSTDIR\\{DRIVER_FOLDER}\"")));
    for file in ["esp32s2.inf", "esp32s2.cat", "LICENSE"] {
        assert!(
            nsi.contains(&format!("\"{DRIVER_FOLDER}\\{file}\"")),
            "{file}"
        );
        assert!(nsi.contains(&format!("Delete \"$INSTDIR\\{DRIVER_FOLDER}\\{file}\"")));
    }
}

/// Unix: the release workflow runs the script with bash on Linux and macOS.
#[cfg(unix)]
#[test]
fn the_version_script_prints_cargos_version() {
    let out = std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/version.sh"))
        .output()
        .expect("bash runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env!("CARGO_PKG_VERSION")
    );
}
