//! The command-line front: a thin layer over the same library the app uses.

mod all_boards;
mod flash;
mod info;
mod line;
mod list;
mod pack;
mod provision;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use station::advice::explained;

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
/// Exit code: the line's database cannot be used (cannot be reached, refuses the
/// password or access, has no schema or another version of it); nothing written.
pub const EXIT_LINE: u8 = 6;

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

/// What `--help` says after the options: dfu-util's spelling and the exit codes.
const AFTER_HELP: &str = "\
dfu-util's spelling works too: `dfu-station -d 303a:0002 -D dfu.bin` is
`dfu-station flash dfu.bin -d 303a:0002`.

Exit codes:
  0  done (flashed, listed, written)
  1  flashing failed (or a board failed in `flash --all` / `station`)
  2  bad file or command line
  3  no board found, or USB unavailable
  4  the board cannot be opened: no permission (Linux udev rule) or no driver (Windows)
  5  the production log cannot be written (nothing flashed, or records not written yet)
  6  the line's database cannot be used: not reached, password or access refused, or
     another schema version (nothing flashed or written)";

#[derive(Debug, Parser)]
#[command(
    name = "dfu-station",
    version,
    about = "Flash ESP32-S2/S3 boards and USB DFU 1.1 devices (download; not DfuSe)",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Say more on stderr, for a support request: -v each DFU state change and error,
    /// -vv every request. `RUST_LOG` (e.g. `RUST_LOG=dfu_station=trace`) overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
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
    Station(all_boards::StationArgs),
    /// Per-board NVS data: write an NVS image (`nvs`), check a values file (`check`).
    Provision(provision::ProvisionArgs),
    /// A factory line's store in PostgreSQL: create its schema (`init`), load units
    /// (`import`), see the line and its stations (`status`).
    Line(line::LineArgs),
    /// Write a support report (versions, every DFU device's descriptors, the last
    /// flashes' DFU requests and states) to send to whoever helps you. No firmware in it.
    Report {
        /// Where to write it (a new file: an existing one is left alone).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Print a completion script for a shell, e.g.
    /// `dfu-station completions bash > ~/.local/share/bash-completion/completions/dfu-station`.
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `dfu-station man > dfu-station.1`.
    #[command(hide = true)]
    Man,
}

/// Sends the app's, the engine's and the USB layer's log (the `log` facade) to stderr:
/// nothing by default, more with each `-v`, or what `RUST_LOG` says.
fn start_logging(verbose: u8) {
    let level = match verbose {
        0 => "off",
        1 => "dfu_station=debug",
        _ => "dfu_station=trace",
    };
    env_logger::Builder::new()
        .parse_filters(level)
        .parse_env(env_logger::Env::default())
        .format_target(false)
        .init();
}

/// dfu-util's spelling: `dfu-station [-d VID:PID] -D FILE [...]` is `dfu-station flash FILE
/// [-d VID:PID] [...]`. Arguments with a subcommand, or without `-D`, stay as they are.
fn dfu_util_spelling(args: Vec<OsString>) -> Vec<OsString> {
    let command = Cli::command();
    let names: Vec<&str> = command
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .collect();
    let has_command = args
        .iter()
        .skip(1)
        .any(|a| names.iter().any(|name| a == name));
    let download = args.iter().position(|a| a == "-D" || a == "--download");
    let (Some(at), false) = (download, has_command) else {
        return args;
    };
    let Some(file) = args.get(at + 1) else {
        return args;
    };
    let mut flash = vec![args[0].clone(), "flash".into(), file.clone()];
    flash.extend(args[1..at].iter().cloned());
    flash.extend(args[at + 2..].iter().cloned());
    flash
}

/// Why `path` was not written, after the command's name: it exists already (without
/// `--force`), or the system's error.
fn not_written(path: &std::path::Path, error: &std::io::Error) -> String {
    let path = path.display().to_string();
    if error.kind() == std::io::ErrorKind::AlreadyExists {
        i18n::t!("cli-exists-already", path = path)
    } else {
        i18n::t!("cli-cannot-write", path = path, error = error.to_string())
    }
}

/// Why a file is refused, and for a file that a build leaves beside the dfu.bin (an app
/// image, an ELF file), the exact command that makes a dfu.bin from it.
fn refusal(path: &std::path::Path, error: &firmware::FirmwareError) -> String {
    let shown = path.to_string_lossy();
    let explained = explained(&error.clone().into());
    match error.remedy(&shown) {
        Some(command) => format!(
            "{explained}\n{}",
            i18n::t!("cli-make-dfu-bin-with", command = command)
        ),
        None => explained,
    }
}

/// Parses the command line, runs the command (or, with none, opens the window) and
/// returns its exit code. The language is chosen first (`DFU_STATION_LANG`, else the
/// system's locale), so that everything said to people is in it; `--help` stays English.
pub fn run() -> ExitCode {
    i18n::set(i18n::detect(None));
    let cli = Cli::parse_from(dfu_util_spelling(std::env::args_os().collect()));
    start_logging(cli.verbose);
    match cli.command {
        Some(Command::Info { file, json }) => info::run(&file, json),
        Some(Command::Pack(args)) => pack::run(&args),
        Some(Command::List(args)) => list::run(&args),
        Some(Command::Flash(args)) => flash::run(&args),
        Some(Command::Station(args)) => all_boards::run(&args),
        Some(Command::Provision(args)) => provision::run(&args),
        Some(Command::Line(args)) => line::run(&args),
        Some(Command::Report { output }) => {
            let history = station::support::History::in_state_folder();
            let report = station::support::report(&history, &[]);
            let existing = station::files::Existing::Keep;
            match station::files::write_atomically(&output, report.as_bytes(), existing) {
                Ok(()) => {
                    let path = output.display().to_string();
                    println!("{}", i18n::t!("cli-report-written", path = path));
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    let path = output.display().to_string();
                    let why = i18n::t!("cli-cannot-write", path = path, error = error.to_string());
                    eprintln!("report: {why}"); // not for people: the command's name before its message
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            }
        }
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "dfu-station", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Some(Command::Man) => {
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    let why = i18n::t!("cli-cannot-write-manual", error = error.to_string());
                    eprintln!("dfu-station: {why}"); // not for people: the program's name before its message
                    ExitCode::FAILURE
                }
            }
        }
        None => window(cli.demo, cli.profile),
    }
}

/// With no command: opens the window (a bad profile, or no window at all, is also shown
/// in a native dialog).
#[cfg(feature = "gui")]
fn window(demo: bool, profile: Option<PathBuf>) -> ExitCode {
    match crate::ui::open_window(profile.as_deref(), demo) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dfu-station: {error}"); // not for people: the program's name before its message
            match error {
                crate::ui::StartError::Profile(_) => ExitCode::from(EXIT_BAD_INPUT),
                crate::ui::StartError::Window(_) => ExitCode::FAILURE,
            }
        }
    }
}

/// With no command in a build without the window: says how to get one.
#[cfg(not(feature = "gui"))]
fn window(_demo: bool, _profile: Option<PathBuf>) -> ExitCode {
    eprintln!("dfu-station: {}", i18n::t!("cli-no-window-in-this-build")); // not for people: the program's name before its message
    eprintln!();
    let _ = Cli::command().print_help();
    ExitCode::from(EXIT_BAD_INPUT)
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use clap::CommandFactory;

    use super::{Cli, dfu_util_spelling};

    #[test]
    fn dfu_util_spelling_leaves_every_subcommand_alone() {
        let spelled = |args: &[&str]| -> Vec<String> {
            let args = args.iter().map(OsString::from).collect();
            dfu_util_spelling(args)
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            spelled(&["dfu-station", "-d", "303a:0002", "-D", "dfu.bin"]),
            ["dfu-station", "flash", "dfu.bin", "-d", "303a:0002"]
        );
        for command in Cli::command().get_subcommands() {
            let args = ["dfu-station", command.get_name(), "-D", "x"];
            assert_eq!(spelled(&args), args, "{}", command.get_name());
        }
        assert!(Cli::command().find_subcommand("provision").is_some());
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(
            super::printable("serial \u{1b}[2J\u{1b}]0;pwned\u{7}ok\r\nPASS\u{9b}31m"),
            "serial [2J]0;pwnedokPASS31m"
        );
    }
}
