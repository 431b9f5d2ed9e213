//! The station: boards from [`DeviceSource`]s, image loading and one worker thread per
//! flash, behind typed messages. The UI sends [`Command`]s and receives [`Event`]s over
//! crossbeam channels ([`Station::spawn`]); nothing is shared with it but immutable
//! images. [`Registry`] folds the events into the rows the UI shows.
#![warn(missing_docs)]

pub mod advice;
mod auto;
pub mod demo;
pub mod factory;
pub mod files;
pub mod flash;
pub mod line_link;
pub mod profile;
pub mod provision;
pub mod records;
mod registry;
pub mod sound;
mod source;
pub mod support;
mod thread;
pub mod usb_source;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use registry::{BoardRow, BoardState, Registry};
pub use source::{BoxedTransport, Connection, DeviceSource, SourceEvent};
pub use thread::{Station, Wake};

use self::factory::Settings;
use self::line_link::LineState;
use self::records::production_log::{LogPause, Record};
use self::support::History;
use dfu::{Clock, InterfaceMode, Phase, Progress, SystemClock};
use failure::Failure;
use firmware::{Chip, ESPRESSIF_VID, FirmwareImage, Part, Region};

/// What the station takes from the world beyond the boards: the time its flashes and demo
/// boards run on, and where the support report's history of flashes is kept. The app and
/// the command line pass [`Environment::system`]; tests pass fake time and a history of
/// their own (or none), so they never touch the user's home folder.
#[derive(Clone)]
pub struct Environment {
    /// The clock of the engine's deadlines and waits, and of the demo boards.
    pub clock: Arc<dyn Clock>,
    /// Where the last flashes are remembered for the support report.
    pub history: History,
}

impl Environment {
    /// The system clock, and the history in the user's state folder.
    pub fn system() -> Environment {
        Environment {
            clock: Arc::new(SystemClock::default()),
            history: History::in_state_folder(),
        }
    }

    /// The system clock, and no history: nothing is remembered anywhere.
    pub fn without_history() -> Environment {
        Environment {
            clock: Arc::new(SystemClock::default()),
            history: History::off(),
        }
    }
}

/// Which board: its source and its USB port path there (`1-2`, as dfu-util shows it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId {
    /// The name of the source it is on (`usb`, `demo`).
    pub source: &'static str,
    /// Its USB port path on that source.
    pub path: String,
}

/// A board on a bus, as it enumerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Which board it is.
    pub id: DeviceId,
    /// Its USB vendor ID.
    pub vid: u16,
    /// Its USB product ID (for Espressif boards, the chip).
    pub pid: u16,
    /// Runtime (ESP download boot mode) or DFU mode.
    pub mode: InterfaceMode,
    /// Its USB serial number string (`UNKNOWN` when it has none).
    pub serial: String,
}

impl Device {
    /// The Espressif chip, if the IDs name one.
    pub fn chip(&self) -> Option<Chip> {
        (self.vid == ESPRESSIF_VID)
            .then(|| Chip::from_pid(self.pid))
            .flatten()
    }

    /// The chip's name, or `vid:pid` for other devices.
    pub fn chip_name(&self) -> String {
        match self.chip() {
            Some(chip) => chip.name().to_owned(),
            None => format!("{:04x}:{:04x}", self.vid, self.pid),
        }
    }

    /// The mode in words: one name, "download mode", whether the ROM shows its runtime
    /// interface or is already in DFU mode (a technician cannot tell them apart, and
    /// either flashes the same).
    pub fn mode_name(&self) -> String {
        i18n::t!("station-download-mode")
    }
}

/// A checked DFU file, with the bytes to flash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedImage {
    /// Where the file was read from.
    pub path: PathBuf,
    /// The whole file, suffix included.
    pub file: Vec<u8>,
    /// What the file holds, checked.
    pub image: FirmwareImage,
}

impl LoadedImage {
    /// The file name, for titles.
    pub fn name(&self) -> String {
        file_name(&self.path)
    }

    /// The chip (or `vid:pid`) the file is made for.
    pub fn made_for(&self) -> String {
        match self.image.chip() {
            Some(chip) => chip.name().to_owned(),
            None => format!(
                "{:04x}:{:04x}",
                self.image.suffix.id_vendor, self.image.suffix.id_product
            ),
        }
    }

    /// Whether this image may go to `device`.
    pub fn fits(&self, device: &Device) -> bool {
        self.image.fits_device(device.vid, device.pid)
    }

    /// Why this image must not go to `device`, if it must not.
    pub fn mismatch(&self, device: &Device) -> Option<String> {
        (!self.fits(device)).then(|| {
            format!(
                "This file is made for {}, but the board is {}.", // not for people: a failure's English message
                self.made_for(),
                device.chip_name()
            )
        })
    }
}

/// A file's name as shown to people.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// Reads a file's bytes (on the station's loader thread); its failure says why not.
pub type Reader = Box<dyn FnOnce() -> Result<Vec<u8>, Failure> + Send>;

/// Reads a file with `read` and checks it: what the station's loader thread does.
pub fn check_file(path: &Path, read: Reader) -> Result<Arc<LoadedImage>, Failure> {
    let file = read()?;
    let image = FirmwareImage::describe(&file)?;
    Ok(Arc::new(LoadedImage {
        path: path.to_owned(),
        file,
        image,
    }))
}

/// Reads the file at `path` from disk.
fn path_reader(path: PathBuf) -> Reader {
    Box::new(move || files::read_firmware(&path).map_err(Failure::from))
}

/// Commands from the UI.
pub enum Command {
    /// Read and check a file: `read` gives its bytes.
    LoadImage {
        /// The file, for its name in titles and the log.
        path: PathBuf,
        /// Reads its bytes, on the loader thread.
        read: Reader,
    },
    /// Flash `image` to `device` (ignored while that board is flashing).
    Flash {
        /// The board to flash.
        device: Device,
        /// The checked file to write to it.
        image: Arc<LoadedImage>,
    },
    /// Stop flashing this board before its next block.
    Cancel(DeviceId),
    /// Apply factory settings: station name, production log folder, auto mode, sound.
    Configure(Settings),
    /// Start the demo bus (once).
    StartDemo,
    /// Act on the demo bus.
    Demo(DemoCommand),
}

impl Command {
    /// Load the file at `path` from disk.
    pub fn load_path(path: PathBuf) -> Command {
        Command::LoadImage {
            read: path_reader(path.clone()),
            path,
        }
    }
}

/// What can be done to demo boards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoCommand {
    /// Plug in a new board.
    Plug(Chip),
    /// Pull out the board at this path.
    Unplug(String),
    /// Hold BOOT and press RESET on the board at this path.
    DownloadMode(String),
}

/// One part of one of the image's files, as the ESP ROM erases and writes it: a file
/// bigger than the image's part size is split into parts (`app.bin`, `app.bin.1`, ...).
/// People read "app.bin, part 2 of 3"; the archive's name (`app.bin.1`) is the engineer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The file it belongs to: `app.bin`.
    pub file: String,
    /// Its name in the archive: `app.bin.1`.
    pub name: String,
    /// Which part of the file it is, from 1.
    pub number: usize,
    /// How many parts the file has.
    pub count: usize,
}

impl FilePart {
    /// Part `number` (from 1) of `count` of `file`, named in the archive as mkdfu names
    /// it (`app.bin`, then `app.bin.1`, ...).
    pub fn new(file: &str, number: usize, count: usize) -> FilePart {
        let name = match number {
            0 | 1 => file.to_owned(),
            n => format!("{file}.{}", n - 1),
        };
        FilePart {
            file: file.to_owned(),
            name,
            number,
            count,
        }
    }

    /// `part` of `region`, as the engine reports it.
    pub fn of(region: &Region, part: &Part) -> FilePart {
        let index = (region.parts.iter())
            .position(|p| p.payload_offset == part.payload_offset)
            .unwrap_or(0);
        FilePart {
            file: region.name.clone(),
            name: part.name.clone(),
            number: index + 1,
            count: region.parts.len().max(1),
        }
    }

    /// The part in the reader's words: `app.bin` for a file in one part, else
    /// `app.bin, part 2 of 3`.
    pub fn words(&self) -> String {
        if self.count <= 1 {
            return self.file.clone();
        }
        i18n::t!(
            "station-part-of",
            file = self.file.as_str(),
            number = self.number,
            count = self.count
        )
    }
}

/// Where a flash is, for the UI (sent at most ~10 times a second, and on every change of
/// phase or part).
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    /// What the engine is doing.
    pub phase: Phase,
    /// Payload bytes the board has accepted.
    pub done: u64,
    /// Payload bytes in all (0 while detaching and waiting for the board).
    pub total: u64,
    /// The part of a file being erased or written (none: the file index).
    pub part: Option<FilePart>,
    /// Payload bytes per second since the download started.
    pub bytes_per_second: Option<f64>,
    /// Estimated time left.
    pub eta: Option<Duration>,
    /// While erasing: the longest the erase may take before the flash fails.
    pub erase_limit: Option<Duration>,
}

impl JobProgress {
    /// Before the first report.
    pub fn starting() -> JobProgress {
        JobProgress {
            phase: Phase::Preparing,
            done: 0,
            total: 0,
            part: None,
            bytes_per_second: None,
            eta: None,
            erase_limit: None,
        }
    }

    /// Where the engine's report `p` says a flash is: its phase, bytes, part and erase
    /// limit (no rate or time left: those take more than one report).
    pub fn at(p: &Progress<'_>) -> JobProgress {
        JobProgress {
            phase: p.phase,
            done: p.done,
            total: p.total,
            part: (p.region.zip(p.part)).map(|(region, part)| FilePart::of(region, part)),
            erase_limit: (p.part)
                .filter(|_| p.phase == Phase::Erasing)
                .map(Part::erase_limit),
            ..JobProgress::starting()
        }
    }

    /// Done, from 0 to 1.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64) as f32
        }
    }

    /// The phase in a few words: `Erasing app.bin, part 2 of 3 (up to 40 s)`, `Waiting for
    /// the board`; without a part, the file index is meant.
    pub fn headline(&self) -> String {
        let part = self.part.as_ref().map(FilePart::words);
        let part = part.as_deref();
        let limit = self.erase_limit.map(|limit| limit.as_secs());
        match (self.phase, part, limit) {
            (Phase::Preparing, ..) => i18n::t!("station-phase-preparing"),
            (Phase::Detaching, ..) => i18n::t!("station-phase-detaching"),
            (Phase::WaitingForBoard, ..) => i18n::t!("station-phase-waiting"),
            (Phase::Erasing, None, None) => i18n::t!("station-phase-erasing-index"),
            (Phase::Erasing, Some(part), None) => {
                i18n::t!("station-phase-erasing-part", part = part)
            }
            (Phase::Erasing, None, Some(seconds)) => {
                i18n::t!("station-phase-erasing-index-limit", seconds = seconds)
            }
            (Phase::Erasing, Some(part), Some(seconds)) => {
                i18n::t!(
                    "station-phase-erasing-part-limit",
                    part = part,
                    seconds = seconds
                )
            }
            (Phase::Writing, None, _) => i18n::t!("station-phase-writing-index"),
            (Phase::Writing, Some(part), _) => i18n::t!("station-phase-writing-part", part = part),
            (Phase::Manifesting, ..) => i18n::t!("station-phase-manifesting"),
            (Phase::Done, ..) => i18n::t!("station-phase-done"),
        }
    }
}

/// How a flash ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The board accepted the firmware.
    Pass {
        /// How long the flash took.
        elapsed: Duration,
    },
    /// It did not: the failure, with the USB error behind it if one was (what tells
    /// "access denied" from "in use" for the advice and the help).
    Fail(Failure),
}

impl Outcome {
    /// What to do now: after a PASS, start the new firmware; after a FAIL, the advice.
    pub fn next_step(&self) -> String {
        match self {
            Outcome::Pass { .. } => press_reset(),
            Outcome::Fail(failure) => advice::next_step(failure),
        }
    }
}

/// What to do after a PASS: the ESP ROM stays in download mode until the board restarts.
/// `Press RESET on the board to start the new firmware.`, in this thread's language.
pub fn press_reset() -> String {
    i18n::t!("station-press-reset")
}

/// Events for the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A board appeared on a device source.
    DeviceAdded(Device),
    /// A board left its source (unplugged, or gone to re-enumerate).
    DeviceRemoved(DeviceId),
    /// A file was read and checked (or could not be).
    ImageLoaded {
        /// The file that was read.
        path: PathBuf,
        /// The checked image, or why it cannot be used.
        result: Result<Arc<LoadedImage>, Failure>,
    },
    /// The demo bus is running.
    DemoStarted,
    /// A worker started flashing this board.
    JobStarted(DeviceId),
    /// How a flash is going.
    JobProgress {
        /// The board being flashed.
        device: DeviceId,
        /// Where its flash is.
        progress: JobProgress,
    },
    /// A flash ended.
    JobFinished {
        /// The board that was flashed.
        device: DeviceId,
        /// How the flash ended.
        outcome: Outcome,
    },
    /// The production log in `folder` works (opened, or written again after a pause); its
    /// last records, oldest first.
    LogOpened {
        /// The production log's folder.
        folder: PathBuf,
        /// Its last records, oldest first.
        recent: Vec<Record>,
    },
    /// A record was appended to the production log (after its `JobFinished`).
    Logged(Record),
    /// The production log cannot be written (sent again when the error or the held
    /// records change): no flash starts, auto mode waits, until `LogOpened` says it works.
    LogPaused(LogPause),
    /// Result tones are on but cannot be played, and why (said once).
    SoundSilent(String),
    /// Per-board data: rows of the values file no board has had yet (sent when settings
    /// bring per-board data and after each row given). At 0 the line stops: no flash
    /// starts and auto mode picks no board.
    RowsLeft {
        /// Rows no board has had.
        left: usize,
        /// Rows in the values file.
        rows: usize,
    },
    /// The board was given this unit (row) of the per-board data (sent right after its
    /// `JobStarted`); its NVS image goes with its download.
    UnitGiven {
        /// The board.
        device: DeviceId,
        /// The unit's id (the values file's first column).
        unit: String,
    },
    /// How the line's store stands (sent when it changes): reachable or not, the records
    /// waiting to be sent, the line's totals. While it cannot be reached with per-board
    /// data on the line, no flash starts and auto mode waits.
    Line(LineState),
    /// Units this station claimed from the line's store before it stopped, whose outcome
    /// was never recorded: spent, never given again.
    UnitsSpent(Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use i18n::{Lang, with_lang};

    /// The headline of a flash in `phase`, at `part` (none: the file index), with an
    /// erase limit of `limit` seconds.
    fn headline(phase: Phase, part: Option<(&str, usize, usize)>, limit: Option<u64>) -> String {
        JobProgress {
            phase,
            part: part.map(|(file, number, count)| FilePart::new(file, number, count)),
            erase_limit: limit.map(Duration::from_secs),
            ..JobProgress::starting()
        }
        .headline()
    }

    /// Every phase, with and without a part and an erase limit.
    fn headlines() -> Vec<String> {
        vec![
            headline(Phase::Preparing, None, None),
            headline(Phase::WaitingForBoard, None, None),
            headline(Phase::Erasing, None, None),
            headline(Phase::Erasing, None, Some(40)),
            headline(Phase::Erasing, Some(("app.bin", 1, 1)), Some(40)),
            headline(Phase::Erasing, Some(("app.bin", 2, 3)), Some(40)),
            headline(Phase::Writing, None, Some(40)),
            headline(Phase::Writing, Some(("app.bin", 1, 1)), None),
            headline(Phase::Writing, Some(("app.bin", 3, 3)), None),
            headline(Phase::Manifesting, None, None),
            press_reset(),
        ]
    }

    #[test]
    fn phases_read_in_english_as_before() {
        assert_eq!(
            with_lang(Lang::En, headlines),
            [
                "Preparing",
                "Waiting for the board",
                "Erasing the file index",
                "Erasing the file index (up to 40 s)",
                "Erasing app.bin (up to 40 s)",
                "Erasing app.bin, part 2 of 3 (up to 40 s)",
                "Writing the file index",
                "Writing app.bin",
                "Writing app.bin, part 3 of 3",
                "Manifesting",
                "Press RESET on the board to start the new firmware.",
            ]
        );
    }

    #[test]
    fn phases_read_in_chinese() {
        assert_eq!(
            with_lang(Lang::ZhCn, headlines),
            [
                "正在准备",
                "正在等待板子",
                "正在擦除文件索引",
                "正在擦除文件索引（最多 40 秒）",
                "正在擦除 app.bin（最多 40 秒）",
                "正在擦除 app.bin 第 2/3 段（最多 40 秒）",
                "正在写入文件索引",
                "正在写入 app.bin",
                "正在写入 app.bin 第 3/3 段",
                "正在收尾",
                "按板子上的 RESET 键，启动新固件。",
            ]
        );
    }
}
