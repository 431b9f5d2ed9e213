//! The rules of docs/ARCHITECTURE.md that a machine can check, on the sources as text: the
//! layers' dependencies point down only, the file and DFU layers do no I/O, library code
//! says why it failed with a type (no `Result<_, String>`), no code starts libusb's global
//! context, the message catalogue and the code agree both ways, and no test writes to a
//! fixed folder of the machine.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::source::{MARKER, catalogue_keys, code, literals, rust_files};

/// Each layer's crate (its folder under `src/crates/`) and the layers it may use; a crate
/// not listed may use none. The app (the root package) may use them all.
const MAY_USE: &[(&str, &[&str])] = &[
    ("failure", &[]),
    ("i18n", &[]),
    ("firmware", &["failure"]),
    ("dfu", &["failure", "firmware"]),
    ("usb", &["failure", "firmware", "dfu"]),
    ("line", &["failure", "firmware"]),
    (
        "station",
        &["failure", "i18n", "firmware", "dfu", "usb", "line"],
    ),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The layers a crate's manifest depends on: its `[dependencies]` that are layers.
fn layers_used(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    let layers: BTreeSet<&str> = MAY_USE.iter().map(|(layer, _)| *layer).collect();
    let mut used = BTreeSet::new();
    let tables = [manifest.get("dependencies")].into_iter().chain(
        manifest
            .get("target")
            .and_then(|t| t.as_table())
            .into_iter()
            .flat_map(|targets| targets.values().map(|t| t.get("dependencies"))),
    );
    for table in tables.flatten().filter_map(|t| t.as_table()) {
        used.extend(
            table
                .keys()
                .filter(|name| layers.contains(name.as_str()))
                .cloned(),
        );
    }
    used
}

/// Code without its comments (`//` to the end of the line): what it does, not what it
/// says about itself. A `//` inside a string ends the line early; the checks below look
/// for names, which strings do not hold.
fn without_comments(code: &str) -> String {
    code.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let crates = root().join("src/crates");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let folder = entry.unwrap().path();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        found.insert(name.clone());
        let allowed = MAY_USE
            .iter()
            .find(|(layer, _)| *layer == name)
            .unwrap_or_else(|| panic!("src/crates/{name} is no layer of MAY_USE: add it"))
            .1;
        for used in layers_used(&folder.join("Cargo.toml")) {
            assert!(
                allowed.contains(&used.as_str()),
                "src/crates/{name} depends on {used}, which is not below it (docs/ARCHITECTURE.md)"
            );
        }
        // A path to a layer that is not a dependency fails the build; a path to one
        // through `crate::` cannot exist. What is left is a layer named in text.
        for file in rust_files(&folder.join("src")) {
            let code = code(&file);
            for layer in MAY_USE.iter().map(|(layer, _)| *layer) {
                let upward = layer != name && !allowed.contains(&layer);
                assert!(
                    !(upward && code.contains(&format!("use {layer}::"))),
                    "{} uses {layer}, which is not below it",
                    file.display()
                );
            }
        }
    }
    let listed: BTreeSet<String> = MAY_USE.iter().map(|(l, _)| l.to_string()).collect();
    assert_eq!(found, listed, "MAY_USE lists the crates under src/crates/");
}

#[test]
fn inside_a_crate_the_parts_keep_their_order() {
    // The window may start from the command line, never the other way round.
    for file in rust_files(&root().join("src/ui")) {
        assert!(
            !code(&file).contains("crate::cli"),
            "{} uses the command line",
            file.display()
        );
    }
    // The engine is tested against the emulator; it never uses it.
    for file in rust_files(&root().join("src/crates/dfu/src")) {
        if file.components().any(|c| c.as_os_str() == "emulator") {
            continue;
        }
        assert!(
            !code(&file).contains("crate::emulator"),
            "{} uses the emulator",
            file.display()
        );
    }
}

#[test]
fn the_file_and_dfu_layers_do_no_io() {
    const IO: &[&str] = &[
        "std::fs",
        "std::net",
        "std::process",
        // The real clock sleeps (`SystemClock`); nothing here starts a thread.
        "thread::spawn",
        "thread::Builder",
        "std::io::stdin",
        "std::io::stdout",
        "std::env",
        "rusb",
    ];
    let mut files = rust_files(&root().join("src/crates/firmware/src"));
    files.extend(
        rust_files(&root().join("src/crates/dfu/src"))
            .into_iter()
            .filter(|f| !f.components().any(|c| c.as_os_str() == "emulator")),
    );
    assert!(files.len() > 10, "{files:?}");
    for file in files {
        let code = without_comments(&code(&file));
        for io in IO {
            assert!(!code.contains(io), "{} uses {io}", file.display());
        }
    }
}

#[test]
fn the_dfu_engine_speaks_no_chip_or_platform() {
    for file in rust_files(&root().join("src/crates/dfu/src")) {
        if file.components().any(|c| c.as_os_str() == "emulator") {
            continue;
        }
        let code = without_comments(&code(&file)).to_lowercase();
        let words: BTreeSet<&str> = code.split(|c: char| !c.is_alphanumeric()).collect();
        for word in words {
            let named = word.starts_with("esp32")
                || ["espressif", "winusb", "zadig", "udev", "windows", "macos"].contains(&word);
            assert!(!named, "{} says {word}", file.display());
        }
    }
}

#[test]
fn no_code_starts_the_libusb_context_nobody_serves() {
    // rusb starts its global context for these (`rusb::has_hotplug()` among them); nobody
    // handles its events, so libusb queues every board's arrival and departure there, each
    // holding the board's device, for as long as the app runs. Use `usb::Usb`'s context.
    const GLOBAL: &[&str] = &[
        "GlobalContext",
        "has_capability",
        "has_hotplug",
        "has_hid_access",
        "supports_detach_kernel_driver",
        "rusb::devices",
        "open_device_with_vid_pid",
        "set_log_level",
    ];
    let files = rust_files(&root().join("src"));
    assert!(files.len() > 50, "{files:?}");
    for file in files {
        let code = without_comments(&code(&file));
        for name in GLOBAL {
            assert!(!code.contains(name), "{} uses {name}", file.display());
        }
    }
}

#[test]
fn library_code_says_why_it_failed_with_a_type() {
    let mut found = Vec::new();
    for file in rust_files(&root().join("src/crates")) {
        for (number, line) in code(&file).lines().enumerate() {
            if line.contains(", String>") && line.contains("Result<") {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Result<_, String> loses what failed; use a typed error:\n{}",
        found.join("\n")
    );
}

/// The string literals of the code (not its tests) that read as catalogue keys: the first
/// argument of `t!(`, a key, or lowercase words joined by `-` whose first is one the
/// catalogue's keys start with (on a line not marked as not for people, where such a
/// word is an id, not a key).
fn keys_in_code(keys: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let families: BTreeSet<&str> = keys.iter().filter_map(|k| k.split('-').next()).collect();
    let mut found = BTreeSet::new();
    for file in rust_files(&root().join("src")) {
        for line in code(&file).lines() {
            let line_code = line.split("//").next().unwrap_or_default();
            for (at, _) in line_code.match_indices("t!(\"") {
                // `t!(`, not the end of `format!(` or `print!(`.
                let before = line_code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                if let Some((key, _)) = line_code[at + 4..].split_once('"') {
                    found.insert((key.to_owned(), file.display().to_string()));
                }
            }
            for literal in literals(line) {
                let kebab = literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                let family = literal.split('-').next().unwrap_or_default();
                let key_like =
                    literal.contains('-') && families.contains(family) && !line.contains(MARKER);
                if kebab && (key_like || keys.contains(&literal)) {
                    found.insert((literal, file.display().to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn every_catalogue_key_is_used_and_every_key_used_is_in_the_catalogue() {
    let keys = catalogue_keys();
    assert!(keys.len() > 400, "{} keys", keys.len());
    let used = keys_in_code(&keys);
    let missing: Vec<_> = used
        .iter()
        .filter(|(key, _)| !keys.contains(key))
        .map(|(key, file)| format!("{file}: \"{key}\""))
        .collect();
    assert!(
        missing.is_empty(),
        "keys the code uses that the catalogue lacks (they would show raw):\n{}",
        missing.join("\n")
    );
    let named: BTreeSet<&String> = used.iter().map(|(key, _)| key).collect();
    let unused: Vec<_> = keys.iter().filter(|k| !named.contains(k)).collect();
    assert!(unused.is_empty(), "keys no code uses: {unused:?}");
}

#[test]
fn no_test_writes_to_a_fixed_folder_of_the_machine() {
    let mut found = Vec::new();
    let this = Path::new(file!()).file_name().unwrap().to_owned();
    for file in rust_files(&root().join("tests")) {
        if file.file_name() == Some(&this) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.contains("\"/tmp") || line.contains("=/tmp") {
                found.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "tests use fixed /tmp paths (use tempfile): {found:?}"
    );
}
