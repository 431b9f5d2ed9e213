//! One flash, on its own thread: opens the board, runs the engine, reports progress
//! (throttled) to the UI and the outcome to the station thread, which logs it.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use super::demo::DEMO;
use super::factory::Finished;
use super::source::DeviceSource;
use super::support::keep;
use super::thread::Outbox;
use super::{Device, DeviceId, Event, JobProgress, LoadedImage, Outcome};
use crate::dfu::trace::{Trace, Traced, TracedReenumerate};
use crate::dfu::{Deadlines, Engine, Observer, Payload, Phase, Progress, SystemClock};
use crate::firmware::esp::hex;

/// The shortest time between two progress events of one job with the same phase and part.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);

/// Everything one flash needs.
pub(super) struct Job {
    pub source: Arc<dyn DeviceSource>,
    pub device: Device,
    pub image: Arc<LoadedImage>,
    pub cancel: Arc<AtomicBool>,
    pub outbox: Outbox,
    /// Where the outcome goes, with the board and image this job started with.
    pub finished: Sender<Finished>,
}

impl Job {
    /// Flashes and reports; returns when the board passed or failed. A panic while
    /// flashing is a failure with code `internal-error`, reported and logged as any other.
    pub fn run(self) {
        let started = Instant::now();
        let mut bytes = 0;
        let flashed = panic::catch_unwind(AssertUnwindSafe(|| self.flash(&mut bytes)));
        let outcome = match flashed {
            Ok(Ok(())) => Outcome::Pass {
                elapsed: started.elapsed(),
            },
            Ok(Err(fail)) => fail,
            Err(panic) => internal_error(panic.as_ref()),
        };
        let _ = self.finished.send(Finished {
            device: self.device,
            image: self.image,
            outcome,
            duration: started.elapsed(),
            bytes,
        });
    }

    /// Flashes; `bytes` counts the payload bytes the board accepted.
    fn flash(&self, bytes: &mut u64) -> Result<(), Outcome> {
        if let Some(reason) = self.image.mismatch(&self.device) {
            return Err(Outcome::Fail {
                code: "wrong-chip",
                reason: format!("{reason} Nothing was flashed."),
                cause: None,
            });
        }
        let connection = self.source.open(&self.device.id.path).map_err(|error| Outcome::Fail {
            code: "open-failed",
            reason: format!(
                "The board could not be opened: {error}. Check the cable and that no other program uses the board, then flash again."
            ),
            cause: Some(error),
        })?;
        // The conversation, for the support report: it follows the board through DETACH.
        let trace = Arc::new(Mutex::new(Trace::default()));
        let mut reenumerate = connection.reenumerate;
        let mut reporter = Reporter {
            outbox: &self.outbox,
            device: &self.device.id,
            cancel: &self.cancel,
            last: None,
            download_start: None,
            done: bytes,
        };
        let result = Engine::new(&SystemClock::default(), Deadlines::default(), &mut reporter)
            .flash(
                Traced::new(connection.transport, trace.clone()),
                connection.interface,
                &mut TracedReenumerate::new(&mut *reenumerate, trace.clone()),
                Payload::image(&self.image.image, &self.image.file),
            )
            .map_err(|error| Outcome::Fail {
                code: error.code(),
                reason: error.to_string(),
                cause: error.transport_error().cloned(),
            });
        if self.device.id.source != DEMO {
            let outcome = match &result {
                Err(Outcome::Fail { code, reason, .. }) => format!("FAIL {code}: {reason}"),
                _ => "PASS".to_owned(),
            };
            let board = format!(
                "{} at {}, serial {}",
                self.device.chip_name(),
                self.device.id.path,
                self.device.serial
            );
            let file = format!(
                "{} (SHA-256 {})",
                self.image.name(),
                hex(&self.image.image.sha256)
            );
            keep(board, file, outcome, &trace);
        }
        result
    }
}

/// The failure of a worker that panicked with `payload`.
fn internal_error(payload: &(dyn Any + Send)) -> Outcome {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .and_then(|message| message.lines().next())
        .unwrap_or("no message");
    Outcome::Fail {
        code: "internal-error",
        reason: format!(
            "DFU Station hit an internal error while flashing ({what}). The board's flash may hold a partial image: flash it again, and report this error."
        ),
        cause: None,
    }
}

/// Turns engine reports into [`Event::JobProgress`], at most every [`REPORT_INTERVAL`]
/// unless the phase or part changes.
struct Reporter<'a> {
    outbox: &'a Outbox,
    device: &'a DeviceId,
    cancel: &'a AtomicBool,
    /// When the last event was sent, with its phase and part address.
    last: Option<(Instant, Phase, Option<u32>)>,
    /// When the download's first byte was accepted.
    download_start: Option<(Instant, u64)>,
    /// Payload bytes accepted so far.
    done: &'a mut u64,
}

impl Observer for Reporter<'_> {
    fn progress(&mut self, p: Progress<'_>) {
        *self.done = p.done;
        let now = Instant::now();
        let part_address = p.part.map(|part| part.address);
        if let Some((at, phase, part)) = self.last
            && phase == p.phase
            && part == part_address
            && now - at < REPORT_INTERVAL
        {
            return;
        }
        self.last = Some((now, p.phase, part_address));
        if p.total > 0 && self.download_start.is_none() {
            self.download_start = Some((now, p.done));
        }
        let rate = self.download_start.and_then(|(at, from)| {
            let seconds = (now - at).as_secs_f64();
            (seconds >= 0.5 && p.done > from).then(|| (p.done - from) as f64 / seconds)
        });
        let eta = rate.map(|r| Duration::from_secs_f64(p.total.saturating_sub(p.done) as f64 / r));
        self.outbox.send(Event::JobProgress {
            device: self.device.clone(),
            progress: JobProgress {
                phase: p.phase,
                done: p.done,
                total: p.total,
                part: p.part.map(|part| part.name.clone()),
                bytes_per_second: rate,
                eta,
                erase_limit: p
                    .part
                    .filter(|_| p.phase == Phase::Erasing)
                    .map(|part| part.erase_limit()),
            },
        });
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}
