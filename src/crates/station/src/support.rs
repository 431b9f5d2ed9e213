//! The support report: one text file a technician can send, with what an engineer needs
//! to see why a board did not flash: the app and system versions, every DFU device with
//! its full descriptors, the DFU conversation of the last flashes (in short form, see
//! [`Trace`]) and the session log. Nothing secret goes in: no image contents, no PIN, no
//! production log. The last flashes are kept in a small file of their own
//! ([`History`]), so `dfu-station report` can tell about a flash made before it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use dfu::trace::{Trace, line};
use usb::Usb;

/// How many flashes the report remembers.
pub const REMEMBERED: usize = 10;

/// One flash, as the report tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashStory {
    /// When it ended (UTC, RFC 3339).
    pub ended: String,
    /// The board: `303a:0002 at 1-1, serial 0`.
    pub board: String,
    /// The file's name and SHA-256 (never its contents).
    pub file: String,
    /// PASS, or the failure code and message.
    pub outcome: String,
    /// The DFU conversation, in short form.
    pub trace: Trace,
}

/// Where the last flashes are kept for the report: a small JSON file, or nowhere (the
/// default). The app and the command line keep them in the user's state folder
/// ([`History::in_state_folder`]); a test passes a folder of its own, or none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    file: Option<PathBuf>,
}

impl History {
    /// `~/.local/state/dfu-station/last-flashes.json` on Linux, the local application data
    /// folder elsewhere (nowhere when the system names no such folder).
    pub fn in_state_folder() -> History {
        let folder = dirs::state_dir().or_else(dirs::data_local_dir);
        History {
            file: folder.map(|f| f.join("dfu-station").join("last-flashes.json")),
        }
    }

    /// In `file`.
    pub fn at(file: PathBuf) -> History {
        History { file: Some(file) }
    }

    /// Nowhere: flashes are not remembered, and the report lists none.
    pub fn off() -> History {
        History { file: None }
    }

    /// The file, if flashes are remembered.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The flashes remembered so far, oldest first (none if the file is missing or
    /// unreadable).
    pub fn last_flashes(&self) -> Vec<FlashStory> {
        self.file
            .as_ref()
            .and_then(|file| std::fs::read(file).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Adds `story` to the remembered flashes (the oldest beyond [`REMEMBERED`] are
    /// dropped), through a temporary file, so a crash never leaves half a file. Nothing
    /// happens when the history is off.
    pub fn remember(&self, story: FlashStory) -> std::io::Result<()> {
        // Workers finish at the same time: one at a time reads, adds and writes the file.
        static WRITING: Mutex<()> = Mutex::new(());
        let Some(file) = &self.file else {
            return Ok(());
        };
        let _one_at_a_time = WRITING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut stories = self.last_flashes();
        stories.push(story);
        let excess = stories.len().saturating_sub(REMEMBERED);
        stories.drain(..excess);
        let folder = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let mut temp = tempfile::NamedTempFile::new_in(folder)?;
        serde_json::to_writer_pretty(&mut temp, &stories)?;
        temp.as_file().sync_all()?;
        temp.persist(file).map_err(|e| e.error)?;
        Ok(())
    }

    /// Remembers a finished flash of `board` with `file` for the report: its outcome and
    /// the trace its transports recorded. A flash that cannot be remembered is only
    /// logged: the report is a help, the production log is the record.
    pub fn keep(&self, board: String, file: String, outcome: String, trace: &Mutex<Trace>) {
        let trace = trace.lock().map(|t| t.clone()).unwrap_or_default().finish();
        let story = FlashStory {
            ended: crate::records::production_log::utc_now(),
            board,
            file,
            outcome,
            trace,
        };
        if let Err(error) = self.remember(story) {
            log::warn!("the flash is not kept for the support report: {error}");
        }
    }
}

/// The whole report, with the flashes `history` remembers and `session_log` (the window's
/// log lines; none from the CLI).
pub fn report(history: &History, session_log: &[String]) -> String {
    let mut out = String::new();
    let libusb = rusb::version();
    let _ = writeln!(out, "DFU Station support report"); // not for people: the support report, English for the engineer
    let _ = writeln!(out, "Version: {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        out,
        "System: {} {} ({})", // not for people: the support report
        std::env::consts::OS,
        std::env::consts::ARCH,
        os_name()
    );
    let _ = writeln!(
        out,
        "libusb: {}.{}.{}.{}", // not for people: the support report
        libusb.major(),
        libusb.minor(),
        libusb.micro(),
        libusb.nano()
    );
    let _ = writeln!(out, "\n== DFU devices =="); // not for people: the support report
    match Usb::new().and_then(|usb| usb.describe_dfu_devices()) {
        Ok(devices) if devices.is_empty() => {
            let _ = writeln!(out, "none");
        }
        Ok(devices) => devices.iter().for_each(|d| out.push_str(d)),
        Err(error) => {
            let _ = writeln!(out, "USB could not be read: {error}"); // not for people: the support report
        }
    }
    let flashes = history.last_flashes();
    let _ = writeln!(
        out,
        "\n== Last flashes ({}, oldest first) ==", // not for people: the support report
        flashes.len()
    );
    for story in &flashes {
        let _ = writeln!(
            out,
            "{}  {}  {}\n  {}",
            story.ended, story.board, story.file, story.outcome
        );
        for entry in &story.trace.entries {
            let _ = writeln!(out, "  {}", line(entry));
        }
        let _ = writeln!(
            out,
            "  ({} requests left out: blocks and polls that changed nothing)", // not for people: the support report
            story.trace.left_out
        );
    }
    let _ = writeln!(out, "\n== Session log =="); // not for people: the support report
    for line in session_log {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// The system's name and version, where it says.
fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| "version unknown".into()) // not for people: the support report
}
