//! The station: boards from [`DeviceSource`]s, image loading and one worker thread per
//! flash, behind typed messages. The UI sends [`Command`]s and receives [`Event`]s over
//! crossbeam channels ([`Station::spawn`]); nothing is shared with it but immutable
//! images. [`Registry`] folds the events into the rows the UI shows.

mod auto;
pub mod demo;
pub mod factory;
pub mod files;
pub mod log;
pub mod profile;
pub mod provision_journal;
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

pub use registry::{BoardState, Registry, Row};
pub use source::{BoxedTransport, Connection, DeviceSource, SourceEvent};
pub use thread::{Station, Wake};

use self::factory::Settings;
use self::log::{LogPause, Record};
use crate::dfu::{InterfaceMode, Phase, TransportError};
use crate::firmware::{Chip, ESPRESSIF_VID, FirmwareError, FirmwareImage};

/// Which board: its source and its USB port path there (`1-2`, as dfu-util shows it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId {
    pub source: &'static str,
    pub path: String,
}

/// A board on a bus, as it enumerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub vid: u16,
    pub pid: u16,
    /// Runtime (ESP download boot mode) or DFU mode.
    pub mode: InterfaceMode,
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

    /// The mode in words.
    pub fn mode_name(&self) -> &'static str {
        match self.mode {
            InterfaceMode::Runtime => "download boot",
            InterfaceMode::Dfu => "DFU mode",
        }
    }
}

/// A checked DFU file, with the bytes to flash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedImage {
    pub path: PathBuf,
    pub file: Vec<u8>,
    pub image: FirmwareImage,
}

impl LoadedImage {
    /// The file name, for titles.
    pub fn name(&self) -> String {
        file_name(&self.path)
    }

    /// Why this image must not go to `device`, if it must not.
    pub fn mismatch(&self, device: &Device) -> Option<String> {
        if self.image.fits_device(device.vid, device.pid) {
            return None;
        }
        let made_for = match self.image.chip() {
            Some(chip) => chip.name().to_owned(),
            None => format!(
                "{:04x}:{:04x}",
                self.image.suffix.id_vendor, self.image.suffix.id_product
            ),
        };
        Some(format!(
            "This file is made for {made_for}, but the board is {}.",
            device.chip_name()
        ))
    }
}

/// A file's name as shown to people.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// Why a file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageError {
    /// A stable name for logs (`firmware-bad-crc`, `file-unreadable`, ...).
    pub code: &'static str,
    pub message: String,
}

impl From<FirmwareError> for ImageError {
    fn from(error: FirmwareError) -> Self {
        ImageError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// Reads a file's bytes (on the station's loader thread).
pub type Reader = Box<dyn FnOnce() -> Result<Vec<u8>, String> + Send>;

/// Reads a file with `read` and checks it: what the station's loader thread does.
pub fn check_file(path: &Path, read: Reader) -> Result<Arc<LoadedImage>, ImageError> {
    let file = read().map_err(|error| ImageError {
        code: "file-unreadable",
        message: format!("The file could not be read: {error}."),
    })?;
    let image = FirmwareImage::describe(&file)?;
    Ok(Arc::new(LoadedImage {
        path: path.to_owned(),
        file,
        image,
    }))
}

/// Reads the file at `path` from disk.
fn path_reader(path: PathBuf) -> Reader {
    Box::new(move || files::read_firmware(&path))
}

/// A file dialog supplied by the front (the station knows no windowing toolkit): runs
/// on a thread of its own and gives the path picked, if one was.
pub type Picker = Box<dyn FnOnce() -> Option<PathBuf> + Send>;

/// Commands from the UI.
pub enum Command {
    /// Read and check a file: `read` gives its bytes.
    LoadImage { path: PathBuf, read: Reader },
    /// Show the file picker `pick` (ignored while one is open); a picked file is loaded.
    OpenDialog { pick: Picker },
    /// Show the file picker `pick`, titled `title` (ignored while one is open); the
    /// answer is [`Event::FilePicked`] with the same title.
    PickFile { title: &'static str, pick: Picker },
    /// Flash `image` to `device` (ignored while that board is flashing).
    Flash {
        device: Device,
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

/// Where a flash is, for the UI (sent at most ~10 times a second, and on every change of
/// phase or part).
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    pub phase: Phase,
    pub done: u64,
    pub total: u64,
    /// The part being erased or written (`app.bin.1`).
    pub part: Option<String>,
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

    /// Done, from 0 to 1.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64) as f32
        }
    }

    /// The phase in a few words: `Erasing app.bin.1 (up to 40 s)`, `Waiting for the board`.
    pub fn headline(&self) -> String {
        let part = self.part.as_deref().unwrap_or("the file index");
        match self.phase {
            Phase::Preparing => "Preparing".into(),
            Phase::Detaching => "Detaching".into(),
            Phase::WaitingForBoard => "Waiting for the board".into(),
            Phase::Erasing => match self.erase_limit {
                Some(limit) => format!("Erasing {part} (up to {} s)", limit.as_secs()),
                None => format!("Erasing {part}"),
            },
            Phase::Writing => format!("Writing {part}"),
            Phase::Manifesting => "Manifesting".into(),
            Phase::Done => "Done".into(),
        }
    }
}

/// How a flash ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The board accepted the firmware.
    Pass { elapsed: Duration },
    /// It did not: a stable code for logs, a sentence for people, and the USB error
    /// behind it, if one was (what tells "access denied" from "in use" for the help).
    Fail {
        code: &'static str,
        reason: String,
        cause: Option<TransportError>,
    },
}

/// Events for the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    DeviceAdded(Device),
    DeviceRemoved(DeviceId),
    /// A file was read and checked (or could not be).
    ImageLoaded {
        path: PathBuf,
        result: Result<Arc<LoadedImage>, ImageError>,
    },
    /// The file picker closed (a picked file follows as `ImageLoaded`).
    DialogClosed,
    /// The picker of [`Command::PickFile`] closed: the file picked, if one was.
    FilePicked {
        title: &'static str,
        path: Option<PathBuf>,
    },
    /// The demo bus is running.
    DemoStarted,
    JobStarted(DeviceId),
    JobProgress {
        device: DeviceId,
        progress: JobProgress,
    },
    JobFinished {
        device: DeviceId,
        outcome: Outcome,
    },
    /// The production log in `folder` works (opened, or written again after a pause); its
    /// last records, oldest first.
    LogOpened {
        folder: PathBuf,
        recent: Vec<Record>,
    },
    /// A record was appended to the production log (after its `JobFinished`).
    Logged(Record),
    /// The production log cannot be written (sent again when the error or the held
    /// records change): no flash starts, auto mode waits, until `LogOpened` says it works.
    LogPaused(LogPause),
    /// Result tones are on but cannot be played, and why (said once).
    SoundSilent(String),
}
