//! Factory work on the station thread: the settings, auto mode, the production log and
//! the result sound. Every record is built from the board and image its job started
//! with, so a result can never land on another board's record.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::auto::AutoFlash;
use super::demo::DEMO;
use super::log::{ProductionLog, Record, Verdict, read_recent, utc_now};
use super::sound::Sound;
use super::thread::Outbox;
use super::{Device, Event, LoadedImage, Outcome};
use crate::firmware::esp::hex;

/// How many records the UI's production log shows.
pub const RECENT_RECORDS: usize = 100;

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
}

/// How a flash ended, from its worker: the board and image as the job started.
pub(super) struct Finished {
    pub device: Device,
    pub image: Arc<LoadedImage>,
    pub outcome: Outcome,
    pub duration: Duration,
    /// Payload bytes the board accepted.
    pub bytes: u64,
}

/// The log record of an attempt at `station`.
pub(super) fn record(station: &str, finished: &Finished) -> Record {
    let (result, error_code, error_message) = match &finished.outcome {
        Outcome::Pass { .. } => (Verdict::Pass, None, None),
        Outcome::Fail { code, reason, .. } => {
            let verdict = if *code == "dfu-cancelled" {
                Verdict::Cancelled
            } else {
                Verdict::Fail
            };
            (verdict, Some(code.to_string()), Some(reason.clone()))
        }
    };
    Record {
        timestamp: utc_now(),
        station: station.to_owned(),
        usb_path: finished.device.id.path.clone(),
        serial: finished.device.serial.clone(),
        chip: finished.device.chip_name(),
        image_name: finished.image.name(),
        image_sha256: hex(&finished.image.image.sha256),
        result,
        error_code,
        error_message,
        duration_ms: finished.duration.as_millis() as u64,
        bytes: finished.bytes,
    }
}

/// The station thread's factory state.
#[derive(Default)]
pub(super) struct Factory {
    settings: Settings,
    log: Option<ProductionLog>,
    sound: Option<Sound>,
    pub auto: AutoFlash,
}

impl Factory {
    /// Applies new settings; returns the boards auto mode flashes now.
    pub fn configure(&mut self, settings: Settings, outbox: &Outbox) -> Vec<Device> {
        if settings.log_folder != self.settings.log_folder {
            self.log = settings
                .log_folder
                .as_deref()
                .and_then(|folder| match ProductionLog::open(folder) {
                    Ok(log) => {
                        let recent = read_recent(folder, RECENT_RECORDS).unwrap_or_default();
                        outbox.send(Event::LogOpened {
                            folder: folder.to_owned(),
                            recent,
                        });
                        Some(log)
                    }
                    Err(error) => {
                        outbox.send(Event::LogFailed(format!(
                            "The production log cannot be opened in {}: {error}",
                            folder.display()
                        )));
                        None
                    }
                });
        }
        if settings.sound && self.sound.is_none() {
            let outbox = outbox.clone();
            self.sound = Some(Sound::new(Box::new(move |why| {
                outbox.send(Event::SoundSilent(why))
            })));
        }
        let start = if settings.auto.as_ref() != self.auto.image() {
            self.auto.set_image(settings.auto.clone())
        } else {
            Vec::new()
        };
        self.settings = settings;
        start
    }

    /// Logs a finished flash, plays its tone and tells the UI. The record is on disk
    /// before `JobFinished` goes out, so whoever sees the result may exit at once.
    /// Demo boards ([`DEMO`]) are never logged.
    pub fn finished(&mut self, finished: Finished, outbox: &Outbox) {
        let pass = matches!(finished.outcome, Outcome::Pass { .. });
        if self.settings.sound
            && let Some(sound) = &self.sound
        {
            sound.play(pass);
        }
        let record = record(&self.settings.station, &finished);
        let log = self
            .log
            .as_mut()
            .filter(|_| finished.device.id.source != DEMO);
        let logged = log.map(|log| {
            log.append(&record).map_err(|error| {
                format!(
                    "A record could not be written to {}: {error}",
                    log.folder().display()
                )
            })
        });
        outbox.send(Event::JobFinished {
            device: finished.device.id,
            outcome: finished.outcome,
        });
        match logged {
            Some(Ok(())) => outbox.send(Event::Logged(record)),
            Some(Err(message)) => outbox.send(Event::LogFailed(message)),
            None => {}
        }
    }
}

/// The shift's counts since the first flash started.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shift {
    pub passed: u32,
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
