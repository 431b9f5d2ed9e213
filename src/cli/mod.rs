//! The command-line front: a thin layer over the same library the app uses.

mod flash;
mod info;
mod list;
mod pack;
mod station;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: flashing failed.
pub const EXIT_FLASH_FAILED: u8 = 1;
/// Exit code: the input file or the command line is wrong.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code: no board matches (or USB is unavailable).
pub const EXIT_NO_BOARD: u8 = 3;
/// Exit code: the board cannot be opened for lack of permission or of a driver.
pub const EXIT_PERMISSION: u8 = 4;
/// Exit code: the production log cannot be written (nothing flashed, or records held).
pub const EXIT_LOG_NOT_WRITABLE: u8 = 5;

/// One terminal line without control characters (escape sequences, carriage returns,
/// line breaks... in a board's strings or a file's names), so nothing can redraw the
/// terminal or fake a line.
fn printable(line: &str) -> String {
    line.chars().filter(|c| !c.is_control()).collect()
}

/// Prints `text` on stdout, each of its lines [`printable`].
fn say(text: &str) {
    text.lines()
        .for_each(|line| println!("{}", printable(line)));
}

/// Prints `text` on stderr, each of its lines [`printable`].
fn warn(text: &str) {
    text.lines()
        .for_each(|line| eprintln!("{}", printable(line)));
}

#[derive(Debug, Parser)]
#[command(
    name = "dfu-station",
    version,
    about = "Flash ESP32-S2/S3 boards and any USB DFU 1.1 device"
)]
struct Cli {
    /// With no command: add emulated ESP32-S2/S3 boards, to try the app without hardware.
    #[arg(long)]
    demo: bool,
    /// With no command: open the window locked to this factory profile (default:
    /// dfu-station.toml next to the executable, if there is one).
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a DFU file (dfu.bin) and describe what it would write where.
    Info {
        /// The DFU file.
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Build an ESP dfu.bin from binaries at flash addresses (like ESP-IDF's mkdfu.py).
    Pack(pack::PackArgs),
    /// List the connected DFU interfaces, like `dfu-util -l`, or watch them come and go.
    List(list::ListArgs),
    /// Flash a DFU file to a board (selectors as dfu-util's), or to all (--all) in
    /// parallel; press RESET afterwards.
    Flash(flash::FlashArgs),
    /// Run a factory profile without a window: flash every fitting board as it is plugged
    /// in, log every attempt, one live line per board.
    Station(station::StationArgs),
}

/// Parses the command line, runs the command (or, with none, opens the window) and
/// returns its exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Info { file, json }) => info::run(&file, json),
        Some(Command::Pack(args)) => pack::run(&args),
        Some(Command::List(args)) => list::run(&args),
        Some(Command::Flash(args)) => flash::run(&args),
        Some(Command::Station(args)) => station::run(&args),
        None => {
            let profile = match crate::ui::StartProfile::find(cli.profile.as_deref()) {
                Ok(profile) => profile,
                Err(error) => {
                    eprintln!("dfu-station: {error}");
                    return ExitCode::from(EXIT_BAD_INPUT);
                }
            };
            let options = crate::ui::Options {
                demo: cli.demo,
                screenshot: std::env::var_os(crate::ui::SCREENSHOT_ENV).map(PathBuf::from),
                profile,
                ..Default::default()
            };
            match crate::ui::run(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("dfu-station: could not open the window: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(
            super::printable("serial \u{1b}[2J\u{1b}]0;pwned\u{7}ok\r\nPASS\u{9b}31m"),
            "serial [2J]0;pwnedokPASS31m"
        );
    }
}
