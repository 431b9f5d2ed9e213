//! Runs a command under `dfu-station-harness` (emulated boards behind the real libusb),
//! one testbed per run, and reads back its report and the boards' flash.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

const HARNESS: &str = env!("CARGO_BIN_EXE_dfu-station-harness");
/// No run may take longer than this (a hang fails the test instead of blocking it).
const RUN_LIMIT_SECS: &str = "120";

/// The files of ESP-IDF's `tools/test_mkdfu` vector 1 and their flash addresses.
pub const VECTOR_FILES: [(&str, usize); 3] =
    [("1.bin", 0x1000), ("2.bin", 0x8000), ("3.bin", 0x10000)];

/// A finished run: the command's exit code and output, the harness report, the flash.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub report: Value,
    pub elapsed: Duration,
    dir: TempDir,
}

impl Run {
    /// The report of the board at `path`.
    pub fn board(&self, path: &str) -> &Value {
        let boards = self.report["boards"].as_array().expect("boards");
        boards
            .iter()
            .find(|b| b["path"] == path)
            .unwrap_or_else(|| panic!("no board {path} in {:#}", self.report))
    }

    /// The flash of the board at `path` after the run.
    pub fn flash(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(format!("{path}.bin"))).expect("flash file")
    }

    /// Output for assertion messages.
    pub fn output(&self) -> String {
        format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr)
    }
}

/// Panics, saying what to install, unless `program` is on PATH: a missing tool must fail
/// the end-to-end tests, never skip them.
fn require(program: &str) {
    let path = std::env::var_os("PATH").unwrap_or_default();
    assert!(
        program.contains('/') || std::env::split_paths(&path).any(|d| d.join(program).is_file()),
        "{program} is not installed: run `bash tests/run.sh --deps` \
         (Debian packages umockdev libumockdev-dev dfu-util)"
    );
}

/// `sh -c SCRIPT` for the harness, with steps that sequence on what the programs print
/// rather than on time (a loaded machine may run any of them late):
/// - `wait_for FILE PATTERN`: until a line of FILE matches the grep PATTERN (exits 91
///   after 20 s);
/// - `bus unplug|plug PATH`: pulls a board out or plugs it in through the control FIFO;
/// - `stop PID`: ends a background `list --watch` (exits 90 if it had already ended).
pub fn sh(script: &str) -> [String; 3] {
    let steps = r#"
wait_for() {
  i=0
  until grep -q -- "$2" "$1" 2>/dev/null; do
    i=$((i+1)); [ $i -gt 400 ] && { echo "no '$2' in $1 after 20 s" >&2; cat "$1" >&2; exit 91; }
    sleep 0.05
  done
}
bus() { echo "$1 $2" > "$DFU_STATION_HARNESS_CONTROL"; }
stop() { kill "$1"; wait "$1"; [ $? -eq 143 ] || exit 90; }
"#;
    ["sh".into(), "-c".into(), format!("{steps}{script}")]
}

/// Runs `command` under the harness with `harness_args`.
pub fn run(harness_args: &[&str], command: &[impl AsRef<str>]) -> Run {
    require("umockdev-wrapper");
    require(command[0].as_ref());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let started = Instant::now();
    let output = Command::new("timeout")
        .args([RUN_LIMIT_SECS, "umockdev-wrapper", HARNESS])
        // The tests read the English texts, whatever the developer's locale.
        .env("DFU_STATION_LANG", "en")
        .args(harness_args)
        .arg("--report")
        .arg(&report)
        .arg("--flash-dir")
        .arg(dir.path())
        .arg("--")
        .args(command.iter().map(|part| part.as_ref()))
        .output()
        .expect("run timeout");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).replace('\r', "\n");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("no report ({e}); stdout:\n{stdout}\nstderr:\n{stderr}"));
    Run {
        code: output.status.code().unwrap_or(-1),
        report: serde_json::from_str(&report).unwrap(),
        stdout,
        stderr,
        elapsed,
        dir,
    }
}

/// Asserts that vector 1's files, and nothing else, are in the flash of the board at `path`.
pub fn assert_vector_flashed(run: &Run, path: &str) {
    let flash = run.flash(path);
    for (name, address) in VECTOR_FILES {
        let data = std::fs::read(super::vector(&format!("1/{name}"))).unwrap();
        assert!(
            flash[address..address + data.len()] == data[..],
            "{name} is not at {address:#x}"
        );
    }
    assert_eq!(
        run.board(path)["programmed"],
        serde_json::json!([[0x1000, 0x1000], [0x8000, 0x1000], [0x10000, 0x1000]])
    );
}

/// 1 MiB of deterministic bytes, not all alike.
pub fn payload() -> Vec<u8> {
    super::sample(1 << 20, 0x4F6C_DD1D)
}
