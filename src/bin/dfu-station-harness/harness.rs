//! The harness itself (Linux: umockdev).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::Parser;
use dfu::emulator::umockdev::{BoardReport, BoardSpec, Harness, HarnessError, Timed, exit_code};
use serde::Serialize;

use super::HARNESS_FAILED;

/// Emulated ESP ROM boards over USB (umockdev) for the command after `--`.
#[derive(Parser)]
#[command(name = "dfu-station-harness", version)]
struct Args {
    /// A board: CHIP@PATH[:OPTIONS], e.g. s2@1-1, s3@1-2:dfu,xfer=1024,erase=100.
    /// Options: dfu|runtime, xfer=N, erase=MS (per 4 KiB sector), poll=MS, reenum=MS,
    /// flash=N[K|M], noaccess, unplugged (until plugged in); faults stall@N, error@N, hang@N, stuck@N,
    /// unplug@N|detach|erase|manifest, verify@manifest, start=error|dnload-idle. None: a bus
    /// without boards.
    #[arg(long = "board", value_name = "CHIP@PATH[:OPTIONS]")]
    boards: Vec<BoardSpec>,
    /// Pull the board at PATH out MS milliseconds after the command started.
    #[arg(long, value_name = "PATH@MS")]
    unplug: Vec<Timed>,
    /// Plug the board of PATH (back) in MS milliseconds after the command started.
    #[arg(long, value_name = "PATH@MS")]
    plug: Vec<Timed>,
    /// Create the control FIFO here (default: in the testbed's directory); the command
    /// finds it in $DFU_STATION_HARNESS_CONTROL. Lines `unplug PATH` and `plug PATH`
    /// written to it act at once.
    #[arg(long, value_name = "FIFO")]
    control: Option<PathBuf>,
    /// Write a JSON report (exit code, and per board path, mode, state, flash) here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write each board's flash to DIR/PATH.bin at the end.
    #[arg(long, value_name = "DIR")]
    flash_dir: Option<PathBuf>,
    /// Log devices added and removed on stderr, with the milliseconds since the command
    /// started.
    #[arg(long, short)]
    verbose: bool,
    /// The command to run (it inherits the testbed).
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

/// The JSON report.
#[derive(Serialize)]
struct Report {
    exit_code: i32,
    boards: Vec<BoardReport>,
}

/// Runs the harness with this process's arguments.
pub fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(message) => {
            eprintln!("dfu-station-harness: {message}");
            ExitCode::from(HARNESS_FAILED)
        }
    }
}

fn run(args: Args) -> Result<i32, HarnessError> {
    let mut harness = Harness::new(
        args.boards,
        args.unplug,
        args.plug,
        args.control,
        args.verbose,
    )?;
    let mut command = Command::new(&args.command[0]);
    command.args(&args.command[1..]);
    let code = exit_code(harness.run(&mut command)?);
    if let Some(dir) = &args.flash_dir {
        std::fs::create_dir_all(dir).map_err(|source| HarnessError::Io {
            path: dir.clone(),
            source,
        })?;
    }
    let boards = harness.report(args.flash_dir.as_deref())?;
    if let Some(file) = &args.report {
        let write = |source| HarnessError::Write {
            path: file.clone(),
            source,
        };
        // A path that is not UTF-8 cannot be written as JSON: InvalidData.
        let json = serde_json::to_string_pretty(&Report {
            exit_code: code,
            boards,
        })
        .map_err(|e| write(e.into()))?;
        std::fs::write(file, json + "\n").map_err(write)?;
    }
    Ok(code)
}
