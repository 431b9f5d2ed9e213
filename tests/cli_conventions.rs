//! The habits users bring from dfu-util, espflash and probe-rs: `-D FILE`, shell
//! completions, a manual page, exit codes documented in `--help`.

use std::process::{Command, Output};

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

fn dfu_station(args: &[&str]) -> Output {
    // English, whatever the developer's locale: the tests read the English texts.
    Command::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn dash_capital_d_is_flash_as_in_dfu_util() {
    let dir = tempfile::tempdir().unwrap();
    let elf = dir.path().join("app.elf");
    std::fs::write(&elf, [b"\x7fELF".as_slice(), &[1u8; 200]].concat()).unwrap();
    let elf = elf.to_str().unwrap();
    for args in [
        vec!["-D", elf],
        vec!["-d", "303a:0002", "-D", elf],
        vec!["--download", elf, "-p", "1-1"],
    ] {
        let dfu_util_style = dfu_station(&args);
        let ours = dfu_station(&["flash", elf]);
        assert_eq!(dfu_util_style.status.code(), Some(2), "{args:?}");
        // The same refusal as `flash FILE`: the file is checked before any board.
        assert_eq!(dfu_util_style.stderr, ours.stderr, "{args:?}");
        assert!(String::from_utf8_lossy(&ours.stderr).contains("ELF file"));
    }
}

#[test]
fn help_lists_the_exit_codes_and_dfu_utils_spelling() {
    let help = dfu_station(&["--help"]);
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    for line in [
        "Exit codes:",
        "0  done",
        "1  flashing failed",
        "2  bad file or command line",
        "3  no board found",
        "4  the board cannot be opened",
        "-D dfu.bin",
    ] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[cfg(unix)]
#[test]
fn bash_sources_the_completion_script() {
    let script = dfu_station(&["completions", "bash"]);
    assert!(script.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dfu-station.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(r#"set -e; source "$1"; complete -p dfu-station"#)
        .arg("bash")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("dfu-station"), "{stdout}");
    for shell in ["zsh", "fish", "powershell"] {
        let script = dfu_station(&["completions", shell]);
        assert!(
            script.status.success() && !script.stdout.is_empty(),
            "{shell}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_manual_page_renders() {
    let page = dfu_station(&["man"]);
    assert!(page.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dfu-station.1");
    std::fs::write(&path, &page.stdout).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&path)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .expect("man (Debian package man-db) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for part in ["NAME", "SYNOPSIS", "dfu-station", "flash", "Exit codes"] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}
