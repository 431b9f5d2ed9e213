//! The packaging files agree with the code: one app id everywhere (desktop entry,
//! AppStream metainfo, macOS bundle, Windows uninstall key, the window's app id) and the
//! version from Cargo.toml, never typed into a packaging file.

use std::path::Path;

use dfu_station::APP_ID;

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
