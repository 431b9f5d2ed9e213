//! The station thread: routes commands to sources, loaders and flash workers, forwards
//! what they report, and does the factory work (auto mode, production log) on results.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Select, Sender, unbounded};

use super::demo::{DemoSource, DemoTimings};
use super::factory::{Factory, Finished, LOG_RETRY, rows_left};
use super::line_link::LineReport;
use super::provision::{GivenRow, Provisioning};
use super::source::{DeviceSource, SourceEvent};
use super::worker::Payload;
use super::{
    Command, DemoCommand, Device, DeviceId, Environment, Event, LoadedImage, Outcome, Reader,
    check_file, worker,
};
use failure::{Code, Failure};

/// Called after each event is sent, so the UI wakes up (`egui::Context::request_repaint`).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Sends events to the UI and wakes it.
#[derive(Clone)]
pub(super) struct Outbox {
    events: Sender<Event>,
    wake: Wake,
}

impl Outbox {
    pub(super) fn send(&self, event: Event) {
        if self.events.send(event).is_ok() {
            (self.wake)();
        }
    }
}

/// The UI's end of a running station. Dropping `commands` stops the station thread.
pub struct Station {
    /// Where the UI sends commands to the station.
    pub commands: Sender<Command>,
    /// Where the UI receives the station's events.
    pub events: Receiver<Event>,
}

impl Station {
    /// Starts the station thread with `sources` (watching at once) in `environment`;
    /// demo boards, once started, get `demo` timings.
    pub fn spawn(
        sources: Vec<Arc<dyn DeviceSource>>,
        demo: DemoTimings,
        environment: Environment,
        wake: Wake,
    ) -> Station {
        let (commands, command_rx) = unbounded();
        let (events, event_rx) = unbounded();
        let (finished, finished_rx) = unbounded();
        let mut state = State {
            outbox: Outbox { events, wake },
            sources: Vec::new(),
            demo_timings: demo,
            environment,
            demo: None,
            jobs: HashMap::new(),
            factory: Factory::default(),
            finished,
            line: crossbeam_channel::never(),
        };
        for source in sources {
            state.add_source(source);
        }
        std::thread::Builder::new()
            .name("station".into())
            .spawn(move || state.run(&command_rx, &finished_rx))
            .expect("spawn the station thread");
        Station {
            commands,
            events: event_rx,
        }
    }
}

struct Watched {
    source: Arc<dyn DeviceSource>,
    events: Receiver<SourceEvent>,
}

struct Job {
    cancel: Arc<AtomicBool>,
    worker: JoinHandle<()>,
}

struct State {
    outbox: Outbox,
    sources: Vec<Watched>,
    demo_timings: DemoTimings,
    environment: Environment,
    demo: Option<Arc<DemoSource>>,
    jobs: HashMap<DeviceId, Job>,
    factory: Factory,
    /// Workers send their outcome here.
    finished: Sender<Finished>,
    /// The line's link reports here (never, without one).
    line: Receiver<LineReport>,
}

impl State {
    fn add_source(&mut self, source: Arc<dyn DeviceSource>) {
        let (tx, events) = unbounded();
        source.watch(tx);
        self.sources.push(Watched { source, events });
    }

    fn run(mut self, commands: &Receiver<Command>, finished: &Receiver<Finished>) {
        let mut retry_at: Option<Instant> = None;
        loop {
            // While the production log is paused, try it again every few seconds, however
            // busy the bus is.
            if retry_at.is_some_and(|at| Instant::now() >= at) {
                retry_at = None;
                if self.factory.retry(&self.outbox) {
                    self.auto_flash(self.factory.auto.waiting());
                }
            }
            if !self.factory.paused() {
                retry_at = None;
            } else if retry_at.is_none() {
                retry_at = Some(Instant::now() + LOG_RETRY);
            }
            let mut select = Select::new();
            select.recv(commands);
            select.recv(finished);
            select.recv(&self.line);
            for watched in &self.sources {
                select.recv(&watched.events);
            }
            let operation = match retry_at {
                None => select.select(),
                Some(at) => match select.select_deadline(at) {
                    Ok(operation) => operation,
                    Err(_) => continue,
                },
            };
            match operation.index() {
                0 => match operation.recv(commands) {
                    Ok(command) => self.handle(command),
                    Err(_) => return,
                },
                1 => {
                    let done = operation
                        .recv(finished)
                        .expect("the station holds a sender");
                    let paused = self.factory.paused();
                    self.factory.finished(done, &self.outbox);
                    if paused && !self.factory.paused() {
                        self.auto_flash(self.factory.auto.waiting());
                    }
                }
                2 => match operation.recv(&self.line) {
                    Ok(report) => {
                        if self.factory.line_report(report, &self.outbox) {
                            self.auto_flash(self.factory.auto.waiting());
                        }
                    }
                    Err(_) => self.line = crossbeam_channel::never(),
                },
                i => match operation.recv(&self.sources[i - 3].events) {
                    Ok(SourceEvent::Added(device)) => {
                        let auto = self.factory.auto.added(&device);
                        self.outbox.send(Event::DeviceAdded(device));
                        self.auto_flash(auto);
                    }
                    Ok(SourceEvent::Removed(id)) => {
                        self.factory.auto.removed(&id);
                        self.outbox.send(Event::DeviceRemoved(id));
                    }
                    // The watcher ended: its boards can still be opened, but nothing more comes.
                    Err(_) => self.sources[i - 3].events = crossbeam_channel::never(),
                },
            }
        }
    }

    /// Flashes boards auto mode picked with its image, unless the production log is
    /// paused, or per-board data comes from a line's store that cannot be reached: they
    /// wait (not marked flashed) until it works again. With per-board data and no rows
    /// left, auto mode picks no board (`RowsLeft` said so).
    fn auto_flash(&mut self, devices: impl IntoIterator<Item = Device>) {
        if self.factory.paused() || self.factory.line_paused() {
            return;
        }
        if let Some(image) = self.factory.auto.image().cloned() {
            for device in devices {
                // Left waiting (not marked flashed): new rows would flash it.
                if self.factory.rows_exhausted() {
                    return;
                }
                self.flash(device, image.clone());
            }
        }
    }

    /// Starts a worker flashing `image` to `device`, unless one is at it already.
    fn flash(&mut self, device: Device, image: Arc<LoadedImage>) {
        let id = device.id.clone();
        if self.jobs.get(&id).is_some_and(|j| !j.worker.is_finished()) {
            return;
        }
        let Some(watched) = self.sources.iter().find(|w| w.source.name() == id.source) else {
            return;
        };
        if !self.factory.may_flash(&self.outbox) {
            self.outbox.send(Event::JobFinished {
                device: id,
                outcome: Outcome::Fail(Failure::new(
                    Code::LogNotWritable,
                    "The production log cannot be written, so flashing is paused. Nothing was flashed.", // not for people: a failure's English message
                )),
            });
            return;
        }
        if self.factory.line_paused() {
            let why = (self.factory.line())
                .map(|line| line.store().to_owned())
                .unwrap_or_default();
            self.outbox.send(Event::JobFinished {
                device: id,
                outcome: Outcome::Fail(Failure::new(
                    Code::LineUnreachable,
                    format!(
                        "The line's database {why} cannot be reached, so no unit can be claimed. Nothing was flashed." // not for people: a failure's English message
                    ),
                )),
            });
            return;
        }
        let source = watched.source.clone();
        let payload = match self.factory.provisioning().cloned() {
            None => Payload::Ready {
                payload: image.clone(),
                unit: None,
            },
            // Claimed by the worker: a claim waits on the network.
            Some(provisioning) if provisioning.on_the_line() => Payload::Claim(provisioning),
            Some(provisioning) => match self.give_row(&provisioning, &device, &image) {
                Some((payload, given)) => Payload::Ready {
                    payload,
                    unit: Some(given),
                },
                None => return,
            },
        };
        self.factory.auto.started(&device);
        let cancel = Arc::new(AtomicBool::new(false));
        self.outbox.send(Event::JobStarted(id.clone()));
        if let Payload::Ready {
            unit: Some(given), ..
        } = &payload
        {
            self.outbox.send(Event::UnitGiven {
                device: id.clone(),
                unit: given.claim.id.clone(),
            });
            // After JobStarted: whoever waits for the rows to run out sees this board flashing.
            self.outbox.send(rows_left(&given.provisioning));
        }
        let job = worker::Job {
            source,
            device,
            image,
            payload,
            cancel: cancel.clone(),
            outbox: self.outbox.clone(),
            finished: self.finished.clone(),
            environment: self.environment.clone(),
        };
        let worker = spawn(&format!("flash {}", id.path), move || job.run()); // not for people: a thread's name
        self.jobs.insert(id, Job { cancel, worker });
    }

    /// Claims the next row for `device` from the journal (fsynced; the caller says
    /// `RowsLeft` once the board is started) and builds what it is sent: `image` with
    /// the row's NVS image. `None` when nothing may start, said to the UI as the board's
    /// `JobFinished`: no rows left or the journal cannot be written (nothing claimed),
    /// or the row's image cannot be built (that row is spent, and logged as the board's
    /// attempt).
    fn give_row(
        &mut self,
        provisioning: &Arc<Provisioning>,
        device: &Device,
        image: &Arc<LoadedImage>,
    ) -> Option<(Arc<LoadedImage>, GivenRow)> {
        let given = match provisioning.give(&device.id.path, &AtomicBool::new(false)) {
            Ok(given) => given,
            Err(error) => {
                self.outbox.send(refused(device, error));
                self.outbox.send(rows_left(provisioning));
                return None;
            }
        };
        match provisioning.board_image(image, &given) {
            Ok(payload) => Some((payload, given)),
            Err(error) => {
                let finished = Finished::spent(device.clone(), image.clone(), given, error);
                self.factory.finished(finished, &self.outbox);
                self.outbox.send(rows_left(provisioning));
                None
            }
        }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Configure(settings) => {
                let start = self.factory.configure(settings, &self.outbox);
                self.line = self
                    .factory
                    .line()
                    .map_or_else(crossbeam_channel::never, |line| line.reports());
                self.auto_flash(start);
            }
            Command::LoadImage { path, read } => {
                let outbox = self.outbox.clone();
                spawn("image-loader", move || load(path, read, &outbox));
            }
            Command::Flash { device, image } => self.flash(device, image),
            Command::Cancel(id) => {
                if let Some(job) = self.jobs.get(&id) {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            }
            Command::StartDemo => {
                self.demo();
            }
            Command::Demo(command) => {
                let demo = self.demo();
                match command {
                    DemoCommand::Plug(chip) => drop(demo.plug(chip)),
                    DemoCommand::Unplug(path) => demo.unplug(&path),
                    DemoCommand::DownloadMode(path) => demo.download_mode(&path),
                }
            }
        }
    }

    /// The demo bus, started on first use.
    fn demo(&mut self) -> Arc<DemoSource> {
        if let Some(demo) = &self.demo {
            return demo.clone();
        }
        let clock = self.environment.clock.clone();
        let demo = Arc::new(DemoSource::new(self.demo_timings, clock));
        self.add_source(demo.clone());
        self.demo = Some(demo.clone());
        self.outbox.send(Event::DemoStarted);
        demo
    }
}

fn spawn(name: &str, run: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(run)
        .expect("spawn a station thread")
}

/// A board refused before anything was claimed or sent: its `JobFinished`, saying why
/// (`error`) and that nothing was flashed.
pub(super) fn refused(device: &Device, error: Failure) -> Event {
    Event::JobFinished {
        device: device.id.clone(),
        outcome: Outcome::Fail(
            Failure::new(error.code(), format!("{error} Nothing was flashed.")).because(error), // not for people: a failure's English message
        ),
    }
}

/// Reads and checks a file, then reports it.
fn load(path: PathBuf, read: Reader, outbox: &Outbox) {
    let result = check_file(&path, read);
    outbox.send(Event::ImageLoaded { path, result });
}
