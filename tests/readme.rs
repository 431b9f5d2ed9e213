#![cfg(all(feature = "umockdev", target_os = "linux"))]
//! Every command of the README's "Command line" block runs, as written, in a folder laid
//! out as an ESP-IDF project's (`build/dfu.bin`, `build/flasher_args.json`); the ones
//! that need a board run with an emulated ESP32-S2 at port 1-1 plugged in (the umockdev
//! harness). The README's other commands are run by CI itself (`cargo run --release`,
//! `tests/run.sh`, the .deb) or by the window's tests (`--demo`, `--profile`).

mod common;

use std::path::Path;

use common::harness::{VECTOR_FILES, run};
use common::vector;

/// The lines of the fenced `sh` block after `heading` in the README.
fn commands_after(heading: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = &readme[readme.find(heading).expect("the heading")..];
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block");
    block.lines().map(str::to_owned).collect()
}

/// A folder as `idf.py dfu` leaves it: the dfu.bin and flasher_args.json with its files.
fn project(dir: &Path) {
    let build = dir.join("build");
    std::fs::create_dir_all(build.join("bin")).unwrap();
    std::fs::copy(vector("1/dfu.bin"), build.join("dfu.bin")).unwrap();
    for (name, _) in VECTOR_FILES {
        std::fs::copy(vector(&format!("1/{name}")), build.join("bin").join(name)).unwrap();
    }
    std::fs::write(
        build.join("flasher_args.json"),
        r#"{"flash_files": {"0x1000": "bin/1.bin", "0x8000": "bin/2.bin", "0x10000": "bin/3.bin"}}"#,
    )
    .unwrap();
}

#[test]
fn every_command_line_example_in_the_readme_runs() {
    let commands = commands_after("## Command line");
    assert!(commands.len() >= 7, "{commands:?}");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_dfu-station"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &commands {
        assert!(command.starts_with("dfu-station "), "{command}");
        let dir = tempfile::tempdir().unwrap();
        project(dir.path());
        // `cd` first: the examples use paths relative to the project.
        let script = format!("cd '{}' && PATH='{path}' {command}", dir.path().display());
        let needs_board = !["info", "pack", "completions", "flash --all"]
            .iter()
            .any(|c| command.starts_with(&format!("dfu-station {c}")));
        let board = if needs_board {
            vec!["--board", "s2@1-1:xfer=1024,erase=0"]
        } else {
            Vec::new()
        };
        let ran = run(&board, &["sh", "-c", &script]);
        assert_eq!(ran.code, 0, "`{command}` failed:\n{}", ran.output());
    }
}
