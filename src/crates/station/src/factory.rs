//! Factory work on the station thread: the settings, auto mode, the production log and
//! the result sound. Every record is built from the board and image its job started
//! with, so a result can never land on another board's record.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::auto::AutoFlash;
use super::demo::DEMO;
use super::line_link::{LineLink, LineReport, LineState};
use super::provision::{GivenRow, Provisioning};
use super::sound::Sound;
use super::thread::Outbox;
use super::{Device, Event, LoadedImage, Outcome};
use crate::records::production_log::{
    LogError, LogPause, ProductionLog, Record, Verdict, new_record_id, read_recent, utc_now,
};
use failure::{Code, Failure};

/// How many records the UI's production log shows.
pub const RECENT_RECORDS: usize = 100;

/// How often the station tries again to write a production log that failed.
pub const LOG_RETRY: Duration = Duration::from_secs(2);

/// The factory settings, applied by the station thread ([`super::Command::Configure`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// The station's name, written to every record.
    pub station: String,
    /// Where the production log goes; `None`: no log.
    pub log_folder: Option<PathBuf>,
    /// Auto mode, on with this image: every fitting board is flashed as it appears.
    pub auto: Option<Arc<LoadedImage>>,
    /// A short tone per result.
    pub sound: bool,
    /// Per-board data: each board flashed gets the next row's NVS image with its download.
    pub provision: Option<Arc<Provisioning>>,
    /// The line's store: every record written to the log is also sent there (the log is
    /// its outbox, so `log_folder` must be the folder the link was started on).
    pub line: Option<Arc<LineLink>>,
}

/// How a flash ended, from its worker: the board and image as the job started.
pub(super) struct Finished {
    pub device: Device,
    pub image: Arc<LoadedImage>,
    pub outcome: Outcome,
    pub duration: Duration,
    /// Payload bytes the board accepted.
    pub bytes: u64,
    /// The per-board data row the board was given, if any.
    pub unit: Option<GivenRow>,
}

impl Finished {
    /// A board given `given` whose download could not even be built (`error`): nothing
    /// was flashed, and the row is spent (the record says so).
    pub fn spent(
        device: Device,
        image: Arc<LoadedImage>,
        given: GivenRow,
        error: Failure,
    ) -> Finished {
        let reason = format!(
            "{error} Nothing was flashed; unit {} is spent.", // not for people: a failure's English message
            given.claim.id
        );
        Finished {
            device,
            image,
            outcome: Outcome::Fail(Failure::new(error.code(), reason).because(error)),
            duration: Duration::ZERO,
            bytes: 0,
            unit: Some(given),
        }
    }
}

/// The log record of an attempt at `station`.
pub(super) fn record(station: &str, finished: &Finished) -> Record {
    let (result, error_code, error_message) = match &finished.outcome {
        Outcome::Pass { .. } => (Verdict::Pass, None, None),
        Outcome::Fail(failure) => {
            let verdict = if failure.code() == Code::DfuCancelled {
                Verdict::Cancelled
            } else {
                Verdict::Fail
            };
            (verdict, Some(failure.code()), Some(failure.to_string()))
        }
    };
    Record {
        timestamp: utc_now(),
        station: station.to_owned(),
        usb_path: finished.device.id.path.clone(),
        serial: finished.device.serial.clone(),
        chip: finished.device.chip_name(),
        image_name: finished.image.name(),
        image_sha256: hex::encode(finished.image.image.sha256),
        result,
        error_code,
        error_message,
        duration_ms: finished.duration.as_millis() as u64,
        bytes: finished.bytes,
        unit_id: finished.unit.as_ref().map(|given| given.claim.id.clone()),
        record_id: Some(new_record_id()),
    }
}

/// The production log of the chosen folder, with the records it could not write yet.
struct LogSink {
    folder: PathBuf,
    /// `None` until the folder was made and the files opened once.
    log: Option<ProductionLog>,
    /// Records not written yet, oldest first.
    held: VecDeque<Record>,
    /// Why the log cannot be written, as last sent to the UI.
    paused: Option<LogPause>,
    /// The JSONL file's length after the last record written: every record before it is
    /// in both files (what the line's link may send).
    end: Option<u64>,
}

impl LogSink {
    /// Opens the log (the first time), checks it and writes the held records in order;
    /// stops at the first failure, keeping that record and those after it.
    fn write_held(&mut self) -> Result<(), LogError> {
        let log = match &self.log {
            Some(log) => log,
            None => self.log.insert(ProductionLog::open(&self.folder)?),
        };
        self.end = Some(log.check()?);
        while let Some(record) = self.held.front() {
            self.end = Some(log.append(record)?);
            self.held.pop_front();
        }
        Ok(())
    }
}

/// The station thread's factory state.
#[derive(Default)]
pub(super) struct Factory {
    settings: Settings,
    log: Option<LogSink>,
    sound: Option<Sound>,
    pub auto: AutoFlash,
    /// How the line's store stands, as its link last said.
    line: Option<LineState>,
}

impl Factory {
    /// Applies new settings; returns the boards auto mode flashes now.
    pub fn configure(&mut self, settings: Settings, outbox: &Outbox) -> Vec<Device> {
        if settings.log_folder != self.settings.log_folder {
            self.log = match (&settings.log_folder, self.log.take()) {
                (Some(folder), old) => Some(LogSink {
                    folder: folder.clone(),
                    log: None,
                    held: old.map(|sink| sink.held).unwrap_or_default(),
                    paused: None,
                    end: None,
                }),
                // Records are never dropped: without a folder, they wait for the old one.
                (None, Some(old)) if !old.held.is_empty() => Some(old),
                (None, _) => None,
            };
        }
        let resumed = settings.log_folder != self.settings.log_folder && self.retry(outbox);
        if settings.sound && self.sound.is_none() {
            let outbox = outbox.clone();
            self.sound = Some(Sound::new(Box::new(move |why| {
                outbox.send(Event::SoundSilent(why))
            })));
        }
        if settings.provision != self.settings.provision
            && let Some(provisioning) = &settings.provision
        {
            outbox.send(rows_left(provisioning));
        }
        if settings.line != self.settings.line {
            self.line = None;
        }
        let start = if settings.auto.as_ref() != self.auto.image() {
            self.auto.set_image(settings.auto.clone())
        } else if resumed {
            self.auto.waiting()
        } else {
            Vec::new()
        };
        self.settings = settings;
        self.tell_line();
        start
    }

    /// The line's link, if the settings bring one.
    pub fn line(&self) -> Option<&Arc<LineLink>> {
        self.settings.line.as_ref()
    }

    /// Whether boards given rows from the line's store must wait: it cannot be reached.
    pub fn line_paused(&self) -> bool {
        self.provisioning().is_some_and(|p| p.on_the_line())
            && self.line.as_ref().is_some_and(|state| !state.reachable)
    }

    /// Takes a report of the line's link; says it to the UI. Returns true when boards
    /// given rows from the store may start again.
    pub fn line_report(&mut self, report: LineReport, outbox: &Outbox) -> bool {
        match report {
            LineReport::State(state) => {
                let paused = self.line_paused();
                self.line = Some(state.clone());
                outbox.send(Event::Line(state));
                if let Some(provisioning) = self.provisioning().filter(|p| p.on_the_line()) {
                    outbox.send(rows_left(provisioning));
                }
                paused && !self.line_paused()
            }
            LineReport::Spent(units) => {
                outbox.send(Event::UnitsSpent(units));
                false
            }
        }
    }

    /// Tells the line's link how far the log has whole records.
    fn tell_line(&self) {
        if let (Some(line), Some(end)) =
            (&self.settings.line, self.log.as_ref().and_then(|s| s.end))
        {
            line.committed(end);
        }
    }

    /// The per-board data, if the settings bring it.
    pub fn provisioning(&self) -> Option<&Arc<Provisioning>> {
        self.settings.provision.as_ref()
    }

    /// Whether per-board data is on and every row has been given: the line stops.
    pub fn rows_exhausted(&self) -> bool {
        self.provisioning().is_some_and(|p| p.rows_left() == 0)
    }

    /// Whether no flash may start because the production log cannot be written.
    pub fn paused(&self) -> bool {
        self.log.as_ref().is_some_and(|sink| sink.paused.is_some())
    }

    /// Whether a flash may start now: the log, if there is one, opens for appending.
    pub fn may_flash(&mut self, outbox: &Outbox) -> bool {
        if let Some(sink) = &mut self.log
            && sink.paused.is_none()
            && let Err(error) = sink.write_held()
        {
            self.pause(error, outbox);
        }
        !self.paused()
    }

    /// Tries the log again (at start, on a new folder, every [`LOG_RETRY`] while paused):
    /// says `LogOpened` once it works, `LogPaused` when its error or held records change.
    /// Returns true when it works again (or for the first time).
    pub fn retry(&mut self, outbox: &Outbox) -> bool {
        let Some(sink) = &mut self.log else {
            return false;
        };
        let resumed = sink.log.is_none() || sink.paused.is_some();
        match sink.write_held() {
            Ok(()) if resumed => {
                sink.paused = None;
                outbox.send(Event::LogOpened {
                    recent: read_recent(&sink.folder, RECENT_RECORDS).unwrap_or_default(),
                    folder: sink.folder.clone(),
                });
                self.tell_line();
                true
            }
            Ok(()) => {
                self.tell_line();
                false
            }
            Err(error) => {
                self.pause(error, outbox);
                false
            }
        }
    }

    fn pause(&mut self, error: LogError, outbox: &Outbox) {
        let Some(sink) = &mut self.log else { return };
        let pause = LogPause {
            error: error.to_string(),
            held: sink.held.iter().cloned().collect(),
        };
        if sink.paused.as_ref() != Some(&pause) {
            sink.paused = Some(pause.clone());
            outbox.send(Event::LogPaused(pause));
        }
    }

    /// Logs a finished flash, plays its tone and tells the UI. The record is on disk, or
    /// held and the line paused, before `JobFinished` goes out, so whoever sees the
    /// result may exit at once and knows what is not written. Demo boards ([`DEMO`]) are
    /// never logged.
    /// A board given a row has the row finished in the journal first (done after a PASS,
    /// spent otherwise); when that cannot be written, the board fails with
    /// `journal-not-writable` (the row stays spent).
    pub fn finished(&mut self, mut finished: Finished, outbox: &Outbox) {
        if let Some(given) = &finished.unit {
            let passed = matches!(finished.outcome, Outcome::Pass { .. });
            if let Err(error) = given.provisioning.finish(given, passed) {
                finished.outcome = Outcome::Fail(
                    Failure::new(
                        error.code(),
                        format!(
                            "The outcome of unit {} could not be recorded: {error}. The unit is spent; set the board aside.", // not for people: a failure's English message
                            given.claim.id
                        ),
                    )
                    .because(error),
                );
            }
        }
        let pass = matches!(finished.outcome, Outcome::Pass { .. });
        if self.settings.sound
            && let Some(sound) = &self.sound
        {
            sound.play(pass);
        }
        let record = record(&self.settings.station, &finished);
        let writing = self
            .log
            .as_mut()
            .filter(|_| finished.device.id.source != DEMO)
            .map(|sink| {
                sink.held.push_back(record.clone());
                sink.paused.is_none()
            });
        self.retry(outbox);
        outbox.send(Event::JobFinished {
            device: finished.device.id,
            outcome: finished.outcome,
        });
        if writing == Some(true) && !self.paused() {
            outbox.send(Event::Logged(record));
        }
    }
}

/// The rows-left event of `provisioning`.
pub(super) fn rows_left(provisioning: &Provisioning) -> Event {
    Event::RowsLeft {
        left: provisioning.rows_left(),
        rows: provisioning.rows(),
    }
}

/// The shift's counts since the first flash started.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shift {
    /// Flashes that passed.
    pub passed: u32,
    /// Flashes that failed or were cancelled.
    pub failed: u32,
    /// When the first flash started.
    pub started: Option<Instant>,
}

impl Shift {
    /// Passed and failed.
    pub fn total(&self) -> u32 {
        self.passed + self.failed
    }

    /// Boards finished per hour since the first flash started, once there is a result
    /// and a minute has passed (before that the pace says nothing).
    pub fn per_hour(&self, now: Instant) -> Option<f64> {
        let elapsed = now.saturating_duration_since(self.started?);
        (self.total() > 0 && elapsed >= Duration::from_secs(60))
            .then(|| f64::from(self.total()) * 3600.0 / elapsed.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boards_per_hour_after_the_first_minute() {
        let start = Instant::now();
        let shift = Shift {
            passed: 9,
            failed: 1,
            started: Some(start),
        };
        assert_eq!(shift.per_hour(start + Duration::from_secs(30)), None);
        assert_eq!(
            shift.per_hour(start + Duration::from_secs(120)),
            Some(300.0)
        );
        assert_eq!(Shift::default().per_hour(start), None);
    }
}
