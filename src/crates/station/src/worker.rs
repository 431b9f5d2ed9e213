//! One flash, on its own thread: runs the one flash path ([`super::flash`]), reports
//! progress (throttled) to the UI and the outcome to the station thread, which logs it.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::Sender;

use super::factory::{Finished, rows_left};
use super::flash::flash;
use super::provision::{GivenRow, Provisioning};
use super::source::DeviceSource;
use super::thread::{Outbox, refused};
use super::{Device, DeviceId, Environment, Event, JobProgress, LoadedImage, Outcome};
use dfu::{Clock, Observer, Phase, Progress};
use failure::{Code, Failure};

/// The shortest time between two progress events of one job with the same phase and part.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);

/// Everything one flash needs.
pub(super) struct Job {
    pub source: Arc<dyn DeviceSource>,
    pub device: Device,
    /// The image as loaded: what the log names.
    pub image: Arc<LoadedImage>,
    /// What is sent, or the unit to claim first.
    pub payload: Payload,
    pub cancel: Arc<AtomicBool>,
    pub outbox: Outbox,
    /// Where the outcome goes, with the board and image this job started with.
    pub finished: Sender<Finished>,
    /// The clock and the support report's history.
    pub environment: Environment,
}

/// What a job sends.
pub(super) enum Payload {
    /// This download: the image, or with per-board data the image plus the NVS image of
    /// the row given (by the station thread, from the journal).
    Ready {
        payload: Arc<LoadedImage>,
        unit: Option<GivenRow>,
    },
    /// A unit to claim from the line's store first, here: the claim waits on the network,
    /// which the station thread never does.
    Claim(Arc<Provisioning>),
}

impl Job {
    /// Flashes and reports; returns when the board passed or failed. A panic while
    /// flashing is a failure with code `internal-error`, reported and logged as any other.
    /// A unit to claim is claimed first: refused (none left, the store cannot be used),
    /// the board's result says so and nothing is recorded; given, it goes with the
    /// download, or is spent (and recorded) when its image cannot be built.
    pub fn run(self) {
        let clock = &*self.environment.clock;
        let started = clock.now();
        let (payload, unit) = match &self.payload {
            Payload::Ready { payload, unit } => (payload.clone(), unit.clone()),
            Payload::Claim(provisioning) => {
                let given = provisioning.give(&self.device.id.path, &self.cancel);
                self.outbox.send(rows_left(provisioning));
                let given = match given {
                    Ok(given) => given,
                    Err(error) => return self.outbox.send(refused(&self.device, error)),
                };
                self.outbox.send(Event::UnitGiven {
                    device: self.device.id.clone(),
                    unit: given.claim.id.clone(),
                });
                match provisioning.board_image(&self.image, &given) {
                    Ok(payload) => (payload, Some(given)),
                    Err(error) => {
                        let spent = Finished::spent(self.device, self.image, given, error);
                        let _ = self.finished.send(spent);
                        return;
                    }
                }
            }
        };
        let mut bytes = 0;
        let flashed = panic::catch_unwind(AssertUnwindSafe(|| {
            let mut reporter = Reporter {
                outbox: &self.outbox,
                device: &self.device.id,
                cancel: &self.cancel,
                clock,
                last: None,
                download_start: None,
                done: &mut bytes,
            };
            let source = &self.source;
            let path = &self.device.id.path;
            flash(
                &self.device,
                &payload,
                || source.open(path),
                &mut reporter,
                &self.environment,
            )
        }));
        let outcome = flashed.unwrap_or_else(|panic| internal_error(panic.as_ref()));
        let _ = self.finished.send(Finished {
            device: self.device,
            image: self.image,
            outcome,
            duration: clock.now().saturating_sub(started),
            bytes,
            unit,
        });
    }
}

/// The failure of a worker that panicked with `payload`.
fn internal_error(payload: &(dyn Any + Send)) -> Outcome {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .and_then(|message| message.lines().next())
        .unwrap_or("no message"); // not for people: part of a failure's English message
    Outcome::Fail(Failure::new(
        Code::InternalError,
        format!(
            "DFU Station hit an internal error while flashing ({what}). The board's flash may hold a partial image." // not for people: a failure's English message
        ),
    ))
}

/// Turns engine reports into [`Event::JobProgress`], at most every [`REPORT_INTERVAL`]
/// unless the phase or part changes.
struct Reporter<'a> {
    outbox: &'a Outbox,
    device: &'a DeviceId,
    cancel: &'a AtomicBool,
    /// The time the rate and the throttle are measured on.
    clock: &'a dyn Clock,
    /// When the last event was sent, with its phase and part address.
    last: Option<(Duration, Phase, Option<u32>)>,
    /// When the download's first byte was accepted.
    download_start: Option<(Duration, u64)>,
    /// Payload bytes accepted so far.
    done: &'a mut u64,
}

impl Observer for Reporter<'_> {
    fn progress(&mut self, p: Progress<'_>) {
        *self.done = p.done;
        let now = self.clock.now();
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
                bytes_per_second: rate,
                eta,
                ..JobProgress::at(&p)
            },
        });
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}
