//! `dfu-station flash FILE [-d VID:PID[,VID:PID]] [-p PATH] [-S SERIAL] [-a ALT] [--json]`,
//! or `flash --all FILE [--log DIR]` (every fitting board in parallel, see `all_boards.rs`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::{EXIT_BAD_INPUT, EXIT_FLASH_FAILED, EXIT_NO_BOARD, EXIT_PERMISSION};
use dfu::{Observer, Phase, Progress, TransportError};
use failure::{Code, Failure};
use firmware::FirmwareImage;
use i18n::t;
use i18n::{Lang, with_lang};
use station::advice::explained;
use station::files::read_firmware;
use station::{self, Connection, Device, Environment, JobProgress, LoadedImage, Outcome};
use usb::{AltFilter, DfuModeWaiter, Pick, Selector, SelectorError, Usb, UsbError, chip_of};

/// The `flash` command's arguments.
#[derive(Debug, Args)]
pub struct FlashArgs {
    /// The DFU file (dfu.bin from `idf.py dfu`).
    file: PathBuf,
    /// Runtime VID:PID, optionally followed by the DFU-mode VID:PID (as dfu-util's -d).
    #[arg(short = 'd', long = "device", value_name = "VID:PID[,VID:PID]")]
    device: Option<String>,
    /// USB port path of the board, as `list` shows it (e.g. 1-1.4).
    #[arg(short = 'p', long)]
    path: Option<String>,
    /// Serial number, optionally followed by the DFU-mode serial.
    #[arg(short = 'S', long, value_name = "SERIAL[,SERIAL]")]
    serial: Option<String>,
    /// DFU-mode alt setting: its number or its name.
    #[arg(short = 'a', long)]
    alt: Option<String>,
    /// Print JSON-lines events (progress, then the result) instead of text.
    #[arg(long)]
    json: bool,
    /// Flash every connected board that fits the file, in parallel.
    #[arg(long, conflicts_with_all = ["device", "path", "serial", "alt", "json"])]
    all: bool,
    /// With --all: append a record per board to the production log in DIR (JSONL + CSV).
    #[arg(long, value_name = "DIR", requires = "all")]
    log: Option<PathBuf>,
    /// With --all: flash N emulated boards instead of USB ones (to try it, and to teach).
    #[arg(long, value_name = "N", requires = "all")]
    demo: Option<usize>,
    /// With --all: give each board the next row of the per-board data in PROFILE's
    /// [provision] section (its NVS image goes with the download); the row journal and
    /// the log go to --log DIR, else to the profile's log folder.
    #[arg(long, value_name = "PROFILE", requires = "all")]
    provision: Option<PathBuf>,
}

/// How the command ends when it did not flash: the exit code, the failure's code (for
/// `--json`) and what to print (what happened, then what to do).
struct Stop {
    exit: u8,
    code: Code,
    text: String,
}

impl Stop {
    /// Ends with `exit`, saying `failure` and what to do about it.
    fn new(exit: u8, failure: &Failure) -> Stop {
        Stop {
            exit,
            code: failure.code(),
            text: explained(failure),
        }
    }
}

/// The `flash` command: one board, or with `--all` every fitting board.
pub fn run(args: &FlashArgs) -> ExitCode {
    if args.all {
        return super::all_boards::flash_all(
            &args.file,
            args.log.as_deref(),
            args.demo,
            args.provision.as_deref(),
        );
    }
    let mut report = Report::new(args.json);
    if args.json {
        // JSON is read by scripts: its messages are English, as its codes are.
        let result = with_lang(Lang::En, || flash(args, &mut report));
        with_lang(Lang::En, || report.finish(result))
    } else {
        let result = flash(args, &mut report);
        report.finish(result)
    }
}

/// Reads the file and picks the board as the arguments say, then flashes it through the
/// station's one flash path.
fn flash(args: &FlashArgs, report: &mut Report) -> Result<String, Stop> {
    let file = read_firmware(&args.file).map_err(|e| {
        let what = t!("cli-cannot-read", what = e.to_string());
        Stop::new(EXIT_BAD_INPUT, &Failure::new(Code::FileUnreadable, what))
    })?;
    let image = FirmwareImage::describe(&file).map_err(|error| Stop {
        exit: EXIT_BAD_INPUT,
        code: error.code(),
        text: format!(
            "{}: {}",
            args.file.display(),
            super::refusal(&args.file, &error)
        ),
    })?;
    let selector = selector(args).map_err(|e| {
        let failure = Failure::from_error(Code::BadSelector, e);
        Stop::new(EXIT_BAD_INPUT, &failure)
    })?;

    let unavailable = |e: UsbError| Stop::new(EXIT_NO_BOARD, &e.into());
    let usb = Usb::new().map_err(unavailable)?;
    // With --path, only that port is looked at: other boards may be busy flashing.
    let targets = match &selector.path {
        Some(path) => usb.at_path(path),
        None => usb.list(),
    }
    .map_err(unavailable)?;
    let board = selector.pick(&targets).map_err(|pick| match pick {
        Pick::NoMatch { .. } => Stop::new(
            EXIT_NO_BOARD,
            &Failure::new(Code::NoBoard, pick.to_string()),
        ),
        Pick::Ambiguous(_) => Stop::new(
            EXIT_BAD_INPUT,
            &Failure::new(Code::AmbiguousBoard, pick.to_string()),
        ),
    })?;
    let loaded = LoadedImage {
        path: args.file.clone(),
        file,
        image,
    };
    let open = || {
        let (transport, interface) = usb.open(board).map_err(TransportError::from)?;
        let waiter = DfuModeWaiter::new(usb.clone(), board, &selector);
        Ok(Connection::new(transport, interface, waiter))
    };
    let device = Device::from(board);
    match station::flash::flash(&device, &loaded, open, report, &Environment::system()) {
        Outcome::Pass { .. } => Ok(t!(
            "cli-flashed-press-reset",
            file = args.file.display().to_string(),
            bytes = loaded.image.payload_len,
            board = board_name(board.vid, board.pid, &board.path)
        )),
        Outcome::Fail(failure) => Err(Stop::new(exit_code(&failure), &failure)),
    }
}

/// The exit code of a flash that failed: 4 when a permission or driver stopped it, 3 when
/// the board went away before it was opened.
fn exit_code(failure: &Failure) -> u8 {
    match (failure.code(), failure.cause::<TransportError>()) {
        (_, Some(TransportError::Access | TransportError::NotSupported)) => EXIT_PERMISSION,
        (Code::WrongChip, _) => EXIT_BAD_INPUT,
        (Code::OpenFailed, Some(TransportError::NoDevice)) => EXIT_NO_BOARD,
        _ => EXIT_FLASH_FAILED,
    }
}

/// dfu-util's selectors from the command line.
fn selector(args: &FlashArgs) -> Result<Selector, SelectorError> {
    let mut selector = Selector {
        path: args.path.clone(),
        alt: args.alt.as_deref().map(AltFilter::parse),
        ..Selector::default()
    };
    if let Some(device) = &args.device {
        selector.set_device(device)?;
    }
    if let Some(serial) = &args.serial {
        selector.set_serial(serial);
    }
    Ok(selector)
}

/// `ESP32-S2 [303a:0002] at 1-1`.
fn board_name(vid: u16, pid: u16, path: &str) -> String {
    let chip = chip_of(vid, pid).map_or(String::new(), |c| format!("{c} "));
    let board = format!("{chip}[{vid:04x}:{pid:04x}]");
    if path.is_empty() {
        board
    } else {
        t!("cli-board-at-path", board = board, path = path)
    }
}

/// How progress is shown: a bar on a terminal, plain lines otherwise, or JSON lines.
enum Style {
    Bar(ProgressBar),
    Plain,
    Json,
}

/// Shows progress; text styles print on phase or file changes and every 10%.
struct Report {
    style: Style,
    /// Phase, region name and tenth of the last line printed.
    last: Option<(Phase, Option<String>, u64)>,
}

impl Report {
    fn new(json: bool) -> Report {
        let style = if json {
            Style::Json
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{msg:32} [{bar:30}] {bytes}/{total_bytes}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            Style::Bar(bar)
        } else {
            Style::Plain
        };
        Report { style, last: None }
    }

    /// Prints the result and returns the exit code.
    fn finish(self, result: Result<String, Stop>) -> ExitCode {
        if let Style::Bar(bar) = &self.style {
            bar.finish_and_clear();
        }
        match (&self.style, result) {
            (Style::Json, Ok(message)) => {
                println!(
                    "{}",
                    json!({"event": "result", "result": "ok", "message": message})
                );
                ExitCode::SUCCESS
            }
            (Style::Json, Err(f)) => {
                println!(
                    "{}",
                    json!({"event": "result", "result": "error", "code": f.code,
                           "exit_code": f.exit, "message": f.text})
                );
                ExitCode::from(f.exit)
            }
            (_, Ok(message)) => {
                super::say(&message);
                ExitCode::SUCCESS
            }
            (_, Err(f)) => {
                super::warn(&f.text);
                ExitCode::from(f.exit)
            }
        }
    }
}

impl Observer for Report {
    fn progress(&mut self, p: Progress<'_>) {
        let region = p.region.map(|r| r.name.as_str());
        if let Style::Bar(bar) = &self.style {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
        let tenth = (p.done * 10).checked_div(p.total).unwrap_or(0);
        if self.last.as_ref().is_some_and(|(phase, name, t)| {
            (*phase, name.as_deref(), *t) == (p.phase, region, tenth)
        }) {
            return;
        }
        self.last = Some((p.phase, region.map(str::to_owned), tenth));
        // The window's words: `Writing app.bin, part 2 of 3`, in the reader's language.
        let what = JobProgress::at(&p).headline();
        match &self.style {
            Style::Bar(bar) => bar.set_message(super::printable(&what)),
            Style::Plain if p.total == 0 => super::say(&what),
            Style::Plain => super::say(&t!(
                "cli-flash-progress",
                what = what,
                percent = tenth * 10,
                done = p.done,
                total = p.total
            )),
            Style::Json => println!(
                "{}",
                json!({"event": "progress", "phase": phase_name(p.phase), "done": p.done,
                       "total": p.total, "region": region})
            ),
        }
    }
}

/// The phase as JSON names it.
fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Preparing => "preparing",
        Phase::Detaching => "detaching",
        Phase::WaitingForBoard => "waiting_for_board",
        Phase::Erasing => "erasing",
        Phase::Writing => "writing",
        Phase::Manifesting => "manifesting",
        Phase::Done => "done",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> FlashArgs {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: FlashArgs,
        }
        let argv = ["flash", "dfu.bin"].iter().chain(extra);
        <Wrapper as clap::Parser>::try_parse_from(argv)
            .unwrap()
            .args
    }

    #[test]
    fn command_line_selectors_become_a_selector() {
        let s = selector(&args(&[
            "-d",
            "303a:2,303a:9",
            "-p",
            "1-1.2",
            "-S",
            "0",
            "-a",
            "1",
        ]))
        .unwrap();
        assert_eq!(s.path.as_deref(), Some("1-1.2"));
        assert_eq!(s.runtime_serial.as_deref(), Some("0"));
        assert_eq!(s.dfu_serial.as_deref(), Some("0"));
        assert_eq!(s.alt, Some(AltFilter::Number(1)));
        assert_eq!(s.dfu_id.pid, Some(9));
        assert_eq!(selector(&args(&[])).unwrap(), Selector::default());
        assert!(selector(&args(&["-d", "esp32"])).is_err());
    }

    #[test]
    fn board_names() {
        assert_eq!(board_name(0x303a, 2, "1-1"), "ESP32-S2 [303a:0002] at 1-1");
        assert_eq!(board_name(0x1234, 0xffff, ""), "[1234:ffff]");
    }

    #[test]
    fn permission_and_driver_failures_exit_4() {
        use TransportError::{Access, NoDevice, NotSupported, Stall};
        let failed = |code, cause: Option<TransportError>| {
            let failure = Failure::new(code, "It failed.");
            exit_code(&match cause {
                Some(cause) => failure.because(cause),
                None => failure,
            })
        };
        assert_eq!(
            failed(Code::DfuNotBackAfterDetach, Some(Access)),
            EXIT_PERMISSION
        );
        assert_eq!(
            failed(Code::OpenFailed, Some(NotSupported)),
            EXIT_PERMISSION
        );
        assert_eq!(failed(Code::OpenFailed, Some(NoDevice)), EXIT_NO_BOARD);
        assert_eq!(
            failed(Code::DfuTransferFailed, Some(Stall)),
            EXIT_FLASH_FAILED
        );
        assert_eq!(failed(Code::DfuAppMode, None), EXIT_FLASH_FAILED);
        assert_eq!(failed(Code::WrongChip, None), EXIT_BAD_INPUT);
        let stop = Stop::new(
            EXIT_PERMISSION,
            &Failure::new(Code::OpenFailed, "Cannot open").because(Access),
        );
        if station::advice::Platform::current() == station::advice::Platform::Linux {
            assert!(stop.text.contains("70-dfu-station.rules"), "{}", stop.text);
        }
    }
}
