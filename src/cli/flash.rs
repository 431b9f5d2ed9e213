//! `dfu-station flash FILE [-d VID:PID[,VID:PID]] [-p PATH] [-S SERIAL] [-a ALT] [--json]`,
//! or `flash --all FILE [--log DIR]` (every fitting board in parallel, see `station.rs`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::list::cannot_open;
use super::{EXIT_BAD_INPUT, EXIT_FLASH_FAILED, EXIT_NO_BOARD, EXIT_PERMISSION};
use crate::dfu::trace::{Trace, Traced, TracedReenumerate};
use crate::dfu::{
    Deadlines, DfuError, Engine, Observer, Payload, Phase, Progress, SystemClock, TransportError,
};
use crate::firmware::FirmwareImage;
use crate::firmware::esp::hex;
use crate::station::files::read_firmware;
use crate::station::support::keep;
use crate::usb::{
    AltFilter, DfuModeWaiter, DfuTarget, Pick, Platform, Selector, Usb, UsbError, advice, chip_of,
};

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
}

/// Why flashing did not happen or did not work: the exit code, a stable name, the message.
struct Failure {
    exit: u8,
    code: &'static str,
    message: String,
}

impl Failure {
    fn new(exit: u8, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            exit,
            code,
            message: message.into(),
        }
    }
}

pub fn run(args: &FlashArgs) -> ExitCode {
    if args.all {
        return super::station::flash_all(&args.file, args.log.as_deref(), args.demo);
    }
    let mut report = Report::new(args.json);
    let result = flash(args, &mut report);
    report.finish(result)
}

fn flash(args: &FlashArgs, report: &mut Report) -> Result<String, Failure> {
    let file = read_firmware(&args.file).map_err(|e| {
        Failure::new(
            EXIT_BAD_INPUT,
            "cannot-read-file",
            format!("Cannot read {e}"),
        )
    })?;
    let image = FirmwareImage::describe(&file).map_err(|error| {
        Failure::new(
            EXIT_BAD_INPUT,
            error.code(),
            format!(
                "{}: {}",
                args.file.display(),
                super::refusal(&args.file, &error)
            ),
        )
    })?;
    let selector = selector(args).map_err(|e| Failure::new(EXIT_BAD_INPUT, "bad-selector", e))?;

    let usb =
        Usb::new().map_err(|e| Failure::new(EXIT_NO_BOARD, "usb-unavailable", e.to_string()))?;
    // With --path, only that port is looked at: other boards may be busy flashing.
    let targets = match &selector.path {
        Some(path) => usb.at_path(path),
        None => usb.list(),
    }
    .map_err(|e| Failure::new(EXIT_NO_BOARD, "usb-unavailable", e.to_string()))?;
    let board = selector.pick(&targets).map_err(|pick| match pick {
        Pick::NoMatch { .. } => Failure::new(EXIT_NO_BOARD, "no-board", pick.to_string()),
        Pick::Ambiguous(_) => Failure::new(EXIT_BAD_INPUT, "ambiguous-board", pick.to_string()),
    })?;
    check_fits(&image, &args.file, board)?;

    let (transport, interface) = usb.open(board).map_err(|error| {
        let exit = match &error {
            e if e.is_permission_or_driver() => EXIT_PERMISSION,
            UsbError::Device(TransportError::NoDevice) => EXIT_NO_BOARD,
            _ => EXIT_FLASH_FAILED,
        };
        Failure::new(exit, "usb-open-failed", cannot_open(board, &error))
    })?;
    let mut waiter = DfuModeWaiter::new(usb.clone(), board, &selector);
    let clock = SystemClock::default();
    // The conversation, for `dfu-station report` (and -v): it follows the board through
    // DETACH.
    let trace = Arc::new(Mutex::new(Trace::default()));
    let result = Engine::new(&clock, Deadlines::default(), report)
        .flash(
            Traced::new(transport, trace.clone()),
            interface,
            &mut TracedReenumerate::new(&mut waiter, trace.clone()),
            Payload::image(&image, &file),
        )
        .map_err(engine_failure);
    keep(
        format!(
            "{}, serial {}",
            board_name(board.vid, board.pid, &board.path),
            board.serial
        ),
        format!("{} (SHA-256 {})", args.file.display(), hex(&image.sha256)),
        match &result {
            Ok(()) => "PASS".into(),
            Err(failure) => format!("FAIL {}: {}", failure.code, failure.message),
        },
        &trace,
    );
    result?;
    Ok(format!(
        "Flashed {} ({} bytes) to {}. Press RESET on the board to start the new firmware: \
         the ESP ROM stays in download mode until then.",
        args.file.display(),
        image.payload_len,
        board_name(board.vid, board.pid, &board.path)
    ))
}

/// dfu-util's selectors from the command line.
fn selector(args: &FlashArgs) -> Result<Selector, String> {
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

/// Refuses a file built for another chip or device (PID 0xFFFF fits every chip).
fn check_fits(image: &FirmwareImage, file: &Path, board: &DfuTarget) -> Result<(), Failure> {
    if image.fits_device(board.vid, board.pid) {
        return Ok(());
    }
    let s = &image.suffix;
    Err(Failure::new(
        EXIT_BAD_INPUT,
        "wrong-board",
        format!(
            "{} is built for {}, not for the board {}. Build the firmware for this board's \
             chip (idf.py set-target, then idf.py dfu) or choose another board with -p.",
            file.display(),
            board_name(s.id_vendor, s.id_product, ""),
            board_name(board.vid, board.pid, &board.path)
        ),
    ))
}

/// `ESP32-S2 [303a:0002] at 1-1`.
fn board_name(vid: u16, pid: u16, path: &str) -> String {
    let chip = chip_of(vid, pid).map_or(String::new(), |c| format!("{c} "));
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    format!("{chip}[{vid:04x}:{pid:04x}]{at}")
}

/// Exit 4 and the permission or driver advice when that is what stopped the download.
fn engine_failure(error: DfuError) -> Failure {
    let transport = match &error {
        DfuError::Transfer { error, .. } | DfuError::NotBackAfterDetach { error, .. } => {
            Some(error)
        }
        _ => None,
    };
    let exit = match transport {
        Some(TransportError::Access | TransportError::NotSupported) => EXIT_PERMISSION,
        _ => EXIT_FLASH_FAILED,
    };
    let message = match transport.and_then(|e| advice(e, Platform::current())) {
        Some(advice) => format!("{error}\n{advice}"),
        None => error.to_string(),
    };
    Failure::new(exit, error.code(), message)
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
    fn finish(self, result: Result<String, Failure>) -> ExitCode {
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
                           "exit_code": f.exit, "message": f.message})
                );
                ExitCode::from(f.exit)
            }
            (_, Ok(message)) => {
                super::say(&message);
                ExitCode::SUCCESS
            }
            (_, Err(f)) => {
                super::warn(&f.message);
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
        let what = match region {
            Some(name) => format!("{} {name}", p.phase.description()),
            None => p.phase.description().to_owned(),
        };
        match &self.style {
            Style::Bar(bar) => bar.set_message(super::printable(&what)),
            Style::Plain if p.total == 0 => super::say(&what),
            Style::Plain => super::say(&format!(
                "{what}: {}% ({} of {} bytes)",
                tenth * 10,
                p.done,
                p.total
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
    fn access_failures_exit_4_with_advice() {
        let error = DfuError::NotBackAfterDetach {
            error: TransportError::Access,
            timeout: Deadlines::default().reenumeration,
        };
        let failure = engine_failure(error);
        assert_eq!(failure.exit, EXIT_PERMISSION);
        assert_eq!(failure.code, "dfu-not-back-after-detach");
        if Platform::current() == Platform::Linux {
            assert!(
                failure.message.contains("70-dfu-station.rules"),
                "{}",
                failure.message
            );
        }
        let gone = engine_failure(DfuError::AppMode {
            state: crate::dfu::State::AppIdle,
        });
        assert_eq!(gone.exit, EXIT_FLASH_FAILED);
    }
}
