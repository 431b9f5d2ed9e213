//! Many boards at once through the station (the app's own code): `dfu-station flash
//! --all FILE` flashes every fitting board on the bus in parallel; `dfu-station station
//! --profile P` runs auto mode without a window. Both show a live line per board and can
//! write the production log.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use crossbeam_channel::Receiver;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::{EXIT_BAD_INPUT, EXIT_FLASH_FAILED, EXIT_LOG_NOT_WRITABLE, EXIT_NO_BOARD};
use dfu::Status;
use dfu::emulator::{Fault, RomConfig};
use failure::{Code, Failure};
use firmware::Chip;
use i18n::t;
use line::LineError;
use station::advice::{download_mode, next_step};
use station::demo::{DemoSource, DemoTimings};
use station::factory::Settings;
use station::files::read_firmware;
use station::line_link::LineLink;
use station::profile::Profile;
use station::provision::{Provisioning, RowSource};
use station::records::production_log::{LogPause, ProductionLog};
use station::usb_source::UsbSource;
use station::{
    BoardRow, BoardState, Command, Device, DeviceId, DeviceSource, Environment, Event, LoadedImage,
    Outcome, Registry, Station, check_file, file_name,
};

/// The longest a station waits, once its shift ends, for the line's store to take the
/// records still waiting (they stay in the local log, sent at the next start).
const SEND_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct StationArgs {
    /// The factory profile (TOML); default: dfu-station.toml next to the executable.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Stop after this many flash attempts (default: run until Ctrl-C).
    #[arg(long, value_name = "N")]
    exit_after: Option<u32>,
    /// Flash N emulated boards instead of USB ones, logged and counted as real ones (to
    /// try a profile, to teach, and for tests).
    #[arg(long, value_name = "N")]
    demo: Option<usize>,
    /// With --demo: the emulated board at PATH fails at data block BLOCK (the ROM reports
    /// errVERIFY), to show a failure. May be given again.
    #[arg(long, value_name = "PATH@BLOCK", requires = "demo", value_parser = demo_fault)]
    demo_fail: Vec<(String, u32)>,
}

/// `--demo-fail`'s value parser, `PATH@BLOCK` (a String error: clap prints it after the
/// argument's name, as `pack`'s `parse_chip` says).
fn demo_fault(text: &str) -> Result<(String, u32), String> {
    text.split_once('@')
        .and_then(|(path, block)| Some((path.to_owned(), block.parse().ok()?)))
        .ok_or_else(|| t!("cli-not-a-demo-fault", text = text))
}

/// A station on `source` with no window to wake: the command line reads its events.
fn headless_station(source: Arc<dyn DeviceSource>, environment: Environment) -> Station {
    Station::spawn(
        vec![source],
        DemoTimings::default(),
        environment,
        Arc::new(|| {}),
    )
}

/// `station`: auto mode with the profile's image, log and name until Ctrl-C (or
/// `--exit-after N` attempts).
pub fn run(args: &StationArgs) -> ExitCode {
    let Some(path) = Profile::find(args.profile.as_deref()) else {
        let file = station::profile::PROFILE_NEXT_TO_EXE;
        eprintln!("{}", t!("cli-no-profile", file = file));
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let profile = match Profile::load(&path) {
        Ok(profile) => profile,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if let Err(exit) = log_writable(Some(&profile.log_folder)) {
        return exit;
    }
    let opened = match profile.open() {
        Ok(opened) => opened,
        Err(error) => return refuse_provisioning(&error),
    };
    if let Some(provisioning) = &opened.provision
        && let Err(exit) = rows_to_give(provisioning)
    {
        return exit;
    }
    let environment = Environment::system();
    let source: Arc<dyn DeviceSource> = match args.demo {
        Some(count) => Arc::new(emulated_boards(
            count,
            &opened.image,
            &args.demo_fail,
            &environment,
        )),
        None => match UsbSource::new() {
            Ok(source) => Arc::new(source),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::from(EXIT_NO_BOARD);
            }
        },
    };
    let station = headless_station(source, environment);
    let started = t!(
        "cli-station-started",
        station = profile.station.as_str(),
        file = opened.image.name(),
        sha256 = opened.image.image.short_sha256(),
        folder = profile.log_folder.display().to_string()
    );
    println!("{started}");
    say_line(opened.line.as_ref());
    let settings = Settings {
        station: profile.station.clone(),
        log_folder: Some(profile.log_folder.clone()),
        auto: Some(opened.image),
        sound: profile.sound,
        provision: opened.provision,
        line: opened.line.clone(),
    };
    let _ = station.commands.send(Command::Configure(settings));
    let interrupted = interrupts();
    let limit = args.exit_after.unwrap_or(u32::MAX);
    let followed = follow(&station, &interrupted, &[], |registry| {
        registry.shift().total() >= limit || out_of_rows(registry)
    });
    // The shift's summary, also after Ctrl-C; a failed board fails the run (exit 1).
    followed.summarize();
    send_waiting_records(opened.line.as_deref());
    let code = if followed.registry.shift().failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FLASH_FAILED)
    };
    followed.exit(code)
}

/// `count` emulated boards for `image`'s chip on a bus of their own, those at the paths of
/// `faults` failing at their block.
fn emulated_boards(
    count: usize,
    image: &LoadedImage,
    faults: &[(String, u32)],
    environment: &Environment,
) -> DemoSource {
    let timings = DemoTimings::default();
    let demo = DemoSource::emulated(timings, environment.clock.clone());
    let chip = image.image.chip().unwrap_or(Chip::Esp32S2);
    for port in 1..=count {
        let mut config = RomConfig::new(chip);
        config.erase_time_per_sector = timings.erase_time_per_sector;
        config.reenumeration_delay = timings.reenumeration_delay;
        let path = format!("1-{port}");
        config.faults = (faults.iter())
            .filter(|(at, _)| *at == path)
            .map(|(_, block)| Fault::ErrorAt {
                block: *block,
                status: Status::ErrVerify,
            })
            .collect();
        demo.plug_config(config);
    }
    demo
}

/// Says where the records also go, when the profile has a line's store.
fn say_line(line: Option<&Arc<LineLink>>) {
    if let Some(line) = line {
        println!("{}", t!("cli-line-records-go-to", store = line.store()));
    }
}

/// Waits (at most [`SEND_WAIT`]) for the line's link to send the records still waiting;
/// says how many stay in the local log (sent at the next start) if some do.
fn send_waiting_records(line: Option<&LineLink>) {
    let Some(line) = line else { return };
    let deadline = Instant::now() + SEND_WAIT;
    loop {
        let (waiting, reachable) = line.flush();
        if waiting == 0 {
            return;
        }
        if !reachable || Instant::now() >= deadline {
            let store = line.store();
            super::warn(&t!("cli-line-records-wait", count = waiting, store = store));
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The command line's refusal of per-board data or a line's store that cannot be used:
/// the message, the code and the advice; exit 5 when the journal or the log folder
/// cannot be written, 6 when the line's database cannot be used, else 2.
fn refuse_provisioning(error: &Failure) -> ExitCode {
    eprintln!("{} [{}]\n{}", error, error.code(), next_step(error));
    if let Some(line) = error.cause::<LineError>() {
        return ExitCode::from(super::line::exit_code(line));
    }
    match error.code() {
        Code::JournalNotWritable | Code::LogNotWritable => ExitCode::from(EXIT_LOG_NOT_WRITABLE),
        _ => ExitCode::from(EXIT_BAD_INPUT),
    }
}

/// Says what per-board data the line gives; refuses to start (exit 2) when no row is
/// left, before any board is touched.
fn rows_to_give(provisioning: &Provisioning) -> Result<(), ExitCode> {
    let partition = provisioning.partition();
    let (left, rows) = (provisioning.rows_left(), provisioning.rows());
    let (offset, size) = (
        format!("{:#x}", partition.offset),
        format!("{:#x}", partition.size),
    );
    let partition = partition.name.as_str();
    let (giving, none_left) = match provisioning.source() {
        RowSource::File { values, journal } => {
            let values = values.display().to_string();
            let giving = t!(
                "cli-board-data-to-give",
                values = values.as_str(),
                partition = partition,
                offset = offset,
                size = size,
                left = left,
                rows = rows,
                journal = journal.display().to_string()
            );
            let none = t!(
                "cli-no-rows-left-nothing-flashed",
                rows = rows,
                values = values
            );
            (giving, none)
        }
        RowSource::Line { store } => {
            let config = provisioning.section().config.display().to_string();
            let giving = t!(
                "cli-line-board-data-to-give",
                store = store,
                config = config,
                partition = partition,
                offset = offset,
                size = size,
                left = left,
                rows = rows
            );
            let none = t!(
                "cli-line-no-units-left-nothing-flashed",
                rows = rows,
                store = store
            );
            (giving, none)
        }
    };
    println!("{giving}");
    if left == 0 {
        return Err(refuse_provisioning(&Failure::new(
            Code::NoRowsLeft,
            none_left,
        )));
    }
    Ok(())
}

/// Whether per-board data ran out and no board is flashing any more: the line stops.
fn out_of_rows(registry: &Registry) -> bool {
    registry.rows_left().is_some_and(|(left, _)| left == 0)
        && !registry.rows().iter().any(BoardRow::flashing)
}

/// Refuses to start (exit 5, the path and the OS error) when the production log in
/// `folder` cannot be written: no board is touched then.
fn log_writable(folder: Option<&Path>) -> Result<(), ExitCode> {
    match folder.map(ProductionLog::open) {
        Some(Err(error)) => {
            super::warn(&t!(
                "cli-log-not-writable-nothing-flashed",
                error = error.to_string()
            ));
            Err(ExitCode::from(EXIT_LOG_NOT_WRITABLE))
        }
        _ => Ok(()),
    }
}

/// `flash --all FILE`: every board on the bus (or `demo` emulated ones) that fits the
/// file, in parallel; exit 0 when all passed, 1 when one failed, 3 when none fits.
/// With `provision` (a profile), each board gets the next row of its `[provision]` data;
/// the journal and the log go to `log`, else the profile's log folder.
pub fn flash_all(
    file: &Path,
    log: Option<&Path>,
    demo: Option<usize>,
    provision: Option<&Path>,
) -> ExitCode {
    let image = match read_firmware(file) {
        Ok(bytes) => check_file(file, Box::new(move || Ok(bytes))),
        Err(error) => {
            eprintln!("{}", t!("cli-cannot-read", what = error.to_string()));
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let image: Arc<LoadedImage> = match image {
        Ok(image) => image,
        Err(error) => {
            eprintln!("{}: {error}\n{}", file.display(), next_step(&error));
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let profile = match provision.map(provision_profile).transpose() {
        Ok(profile) => profile,
        Err(exit) => return exit,
    };
    let log: Option<PathBuf> = match &profile {
        Some(profile) => Some(log.map_or_else(|| profile.log_folder.clone(), Path::to_owned)),
        None => log.map(Path::to_owned),
    };
    if let Err(exit) = log_writable(log.as_deref()) {
        return exit;
    }
    let (provisioning, line) = match (&profile, &log) {
        (Some(profile), Some(folder)) => match profile.provisioning(image.clone(), folder) {
            Ok(opened) => (opened.provision, opened.line),
            Err(error) => return refuse_provisioning(&error),
        },
        _ => (None, None),
    };
    if let Some(provisioning) = &provisioning
        && let Err(exit) = rows_to_give(provisioning)
    {
        return exit;
    }
    say_line(line.as_ref());
    let environment = Environment::system();
    let (source, devices): (Arc<dyn DeviceSource>, Vec<Device>) = match demo {
        Some(count) => {
            let demo = emulated_boards(count, &image, &[], &environment);
            let devices = demo.devices();
            (Arc::new(demo), devices)
        }
        None => match UsbSource::new() {
            Ok(source) => {
                let devices = source.devices().unwrap_or_default();
                (Arc::new(source), devices)
            }
            Err(error) => {
                eprintln!("{}", station::advice::explain_usb(&error));
                return ExitCode::from(EXIT_NO_BOARD);
            }
        },
    };
    let (fitting, others): (Vec<_>, Vec<_>) = devices
        .into_iter()
        .partition(|d| image.mismatch(d).is_none());
    for device in &others {
        let skipped = t!(
            "cli-board-skipped",
            path = device.id.path.as_str(),
            chip = device.chip_name()
        );
        println!("{skipped}");
    }
    if fitting.is_empty() {
        let none = t!("cli-no-board-for-file", file = file_name(file));
        eprintln!("{none}\n{}", download_mode());
        return ExitCode::from(EXIT_NO_BOARD);
    }
    let station = headless_station(source, environment);
    let settings = Settings {
        station: profile.map_or_else(hostname, |profile| profile.station),
        log_folder: log,
        provision: provisioning,
        line: line.clone(),
        ..Settings::default()
    };
    let _ = station.commands.send(Command::Configure(settings));
    let count = fitting.len() as u32;
    for device in &fitting {
        let (device, image) = (device.clone(), image.clone());
        let _ = station.commands.send(Command::Flash { device, image });
    }
    let interrupted = interrupts();
    let followed = follow(&station, &interrupted, &fitting, |registry| {
        registry.shift().total() >= count
    });
    followed.summarize();
    send_waiting_records(line.as_deref());
    let lost = count.saturating_sub(followed.registry.shift().total());
    if lost > 0 {
        eprintln!("{}", t!("cli-boards-without-result", count = lost));
        return followed.exit(ExitCode::from(EXIT_FLASH_FAILED));
    }
    let code = if followed.registry.shift().failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FLASH_FAILED)
    };
    followed.exit(code)
}

/// The profile at `path`, for its `[provision]` section (and its `[line]` store); said
/// on stderr (exit 2) when it cannot be read or has no such section.
fn provision_profile(path: &Path) -> Result<Profile, ExitCode> {
    let profile = Profile::load(path).map_err(|error| {
        eprintln!("{error}");
        ExitCode::from(EXIT_BAD_INPUT)
    })?;
    if profile.provision.is_none() {
        let path = path.display().to_string();
        eprintln!("{}", t!("cli-profile-without-board-data", path = path));
        return Err(ExitCode::from(EXIT_BAD_INPUT));
    }
    Ok(profile)
}

/// The machine's name, as a station name for `flash --all` records: the system's host
/// name on every system (on Linux the kernel's, which /etc/hostname sets; on Windows the
/// computer's DNS host name), "cli" if it has none.
fn hostname() -> String {
    let name = gethostname::gethostname();
    let name = name.to_string_lossy().trim().to_owned();
    if name.is_empty() { "cli".into() } else { name }
}

/// What the station did while followed.
struct Followed {
    registry: Registry,
    /// Why the production log could not be written at the end, if it could not.
    pause: Option<LogPause>,
    /// The shift's line as last printed (after a result).
    shift_said: Option<String>,
}

impl Followed {
    /// Prints the shift's summary, unless the last result's line said it already (an
    /// interrupted run, or a board refused, ends on other news).
    fn summarize(&self) {
        let summary = shift_line(&self.registry);
        if self.shift_said.as_ref() != Some(&summary) {
            println!("{summary}");
        }
    }

    /// `code`, unless the production log could not be written: then exit 5, after the
    /// records not written yet, as JSON lines on stderr (nothing is lost).
    fn exit(self, code: ExitCode) -> ExitCode {
        let Some(pause) = self.pause else {
            return code;
        };
        super::warn(&pause.banner());
        for record in &pause.held {
            eprintln!(
                "{}",
                serde_json::to_string(record).expect("a record serialises")
            );
        }
        ExitCode::from(EXIT_LOG_NOT_WRITABLE)
    }
}

/// Ctrl-C, caught: the shift ends with every record written (or printed), never with a
/// flash cut off unrecorded (see [`follow`]).
fn interrupts() -> Receiver<()> {
    let (interrupt, interrupted) = crossbeam_channel::bounded(1);
    if let Err(error) = ctrlc::set_handler(move || {
        let _ = interrupt.try_send(());
    }) {
        eprintln!("{}", t!("cli-ctrl-c-not-caught", error = error.to_string()));
    }
    interrupted
}

/// Shows the station's events as live lines until `done` holds or `interrupted` says so.
/// `asked` are the boards the command sent to flash: they have their lines even when a
/// result (a refusal) comes before the watcher says they arrived.
/// Interrupted while boards flash, it cancels them and waits for their results, so each
/// is recorded (as cancelled); interrupted again, it stops at once.
fn follow(
    station: &Station,
    interrupted: &Receiver<()>,
    asked: &[Device],
    done: impl Fn(&Registry) -> bool,
) -> Followed {
    let mut lines = Lines::new();
    let mut followed = Followed {
        registry: Registry::default(),
        pause: None,
        shift_said: None,
    };
    for device in asked {
        followed.registry.apply(&Event::DeviceAdded(device.clone()));
    }
    let mut stopping = false;
    while !done(&followed.registry) {
        if stopping {
            let flashing: Vec<DeviceId> = (followed.registry.rows().iter())
                .filter(|row| row.flashing())
                .map(|row| row.device.id.clone())
                .collect();
            if flashing.is_empty() {
                break;
            }
            for id in flashing {
                let _ = station.commands.send(Command::Cancel(id));
            }
        }
        let event = crossbeam_channel::select! {
            recv(station.events) -> event => event,
            recv(interrupted) -> _ => {
                if stopping {
                    break;
                }
                stopping = true;
                super::warn(&t!("cli-stopping"));
                continue;
            }
        };
        let Ok(event) = event else {
            break;
        };
        followed.registry.apply(&event);
        match &event {
            Event::LogPaused(pause) => followed.pause = Some(pause.clone()),
            Event::LogOpened { .. } => followed.pause = None,
            _ => {}
        }
        lines.show(&event, &followed.registry);
    }
    followed.shift_said = lines.shift_said;
    followed
}

/// One live line per board: a bar on a terminal, else a line per phase and result.
struct Lines {
    bars: Option<(MultiProgress, HashMap<DeviceId, ProgressBar>)>,
    /// The last headline printed per board (plain output).
    last: HashMap<DeviceId, String>,
    /// Whether the line's store answered, as last said.
    line_reachable: Option<bool>,
    /// The shift's line as last printed.
    shift_said: Option<String>,
    /// Whether "no rows left" was said (once: each board's claim counts the rows again).
    no_rows_said: bool,
}

impl Lines {
    fn new() -> Lines {
        let bars = std::io::stdout()
            .is_terminal()
            .then(|| (MultiProgress::new(), HashMap::new()));
        Lines {
            bars,
            last: HashMap::new(),
            line_reachable: None,
            no_rows_said: false,
            shift_said: None,
        }
    }

    fn show(&mut self, event: &Event, registry: &Registry) {
        let (id, line) = match event {
            Event::JobStarted(id) | Event::JobProgress { device: id, .. } => {
                let Some(row) = registry.row(id) else { return };
                (id, describe(row))
            }
            Event::JobFinished { device, .. } => {
                let Some(row) = registry.row(device) else {
                    return;
                };
                let line = describe(row);
                self.finish(device, &line);
                let shift = shift_line(registry);
                self.print(&shift);
                self.shift_said = Some(shift);
                return;
            }
            Event::LogPaused(pause) => return self.print(&pause.banner()),
            Event::LogOpened { folder, .. } => {
                let folder = folder.display().to_string();
                return self.print(&t!("cli-log-opened", folder = folder));
            }
            Event::SoundSilent(why) => {
                return self.print(&t!("cli-no-result-tones", reason = why.to_string()));
            }
            Event::RowsLeft { left, rows } => {
                let said = std::mem::replace(&mut self.no_rows_said, *left == 0);
                if *left == 0 && !said {
                    self.print(&t!("cli-no-rows-left-line-stops", rows = *rows));
                }
                return;
            }
            Event::Line(state) => {
                let was = self.line_reachable.replace(state.reachable);
                return match (was, state.reachable) {
                    (Some(true) | None, false) => {
                        self.print(&state.banner(registry.rows_left().is_some()))
                    }
                    (Some(false), true) => self.print(&t!(
                        "cli-line-back",
                        store = state.store.as_str(),
                        waiting = state.waiting
                    )),
                    _ => {}
                };
            }
            Event::UnitsSpent(units) => {
                return self.print(&t!(
                    "station-line-units-spent",
                    count = units.len(),
                    units = units.join(", ")
                ));
            }
            _ => return,
        };
        match &mut self.bars {
            Some((multi, bars)) => {
                let bar = bars.entry(id.clone()).or_insert_with(|| {
                    let style = ProgressStyle::with_template("{msg}").expect("valid template");
                    multi.add(ProgressBar::new_spinner().with_style(style))
                });
                bar.set_message(super::printable(&line));
            }
            None => {
                // Plain output: a line when the phase or part changes, not per percent.
                let headline = line.split(" · ").next().unwrap_or_default().to_owned();
                if self.last.get(id) != Some(&headline) {
                    super::say(&line);
                    self.last.insert(id.clone(), headline);
                }
            }
        }
    }

    fn finish(&mut self, id: &DeviceId, line: &str) {
        self.last.remove(id);
        match self.bars.as_mut().and_then(|(_, bars)| bars.remove(id)) {
            Some(bar) => bar.finish_with_message(super::printable(line)),
            None => super::say(line),
        }
    }

    fn print(&self, line: &str) {
        match &self.bars {
            Some((multi, _)) => drop(multi.println(super::printable(line))),
            None => super::say(line),
        }
    }
}

/// `1-2  ESP32-S2  Writing app.bin 42%`, `1-2  ESP32-S2  unit SN004  PASS in 3.1 s`.
fn describe(row: &BoardRow) -> String {
    let mut board = format!("{}  {}", row.device.id.path, row.device.chip_name());
    if let Some(unit) = &row.unit {
        board = t!("cli-board-unit", board = board, unit = unit.as_str());
    }
    let words = row.state.words();
    match &row.state {
        BoardState::Done(Outcome::Pass { elapsed }) => t!(
            "cli-board-passed-in",
            board = board,
            words = words,
            seconds = i18n::decimal(elapsed.as_secs_f64(), 1)
        ),
        BoardState::Done(Outcome::Fail(failure)) => {
            format!("{board}  {words} [{}]: {failure}", failure.code())
        }
        BoardState::Idle | BoardState::Flashing(_) => format!("{board}  {words}"),
    }
}

/// `Shift: 5 passed, 1 failed, 6 total, 212 boards/hour, 4 rows left`.
fn shift_line(registry: &Registry) -> String {
    let shift = registry.shift();
    // Either number may be missing: "none" picks the message's variant without it.
    let rate = shift
        .per_hour(Instant::now())
        .map_or(i18n::Arg::from("none"), |r| r.round().into());
    let rows = registry
        .rows_left()
        .map_or(i18n::Arg::from("none"), |(left, _)| left.into());
    t!(
        "cli-shift",
        passed = shift.passed,
        failed = shift.failed,
        total = shift.total(),
        rate = rate,
        rows = rows
    )
}

#[cfg(test)]
mod tests {
    /// Records name the machine on every system, not "cli" (it once read /etc/hostname,
    /// which Windows and macOS do not have).
    #[test]
    fn hostname_is_the_systems() {
        let name = super::hostname();
        assert!(!name.is_empty());
        assert_eq!(name, gethostname::gethostname().to_string_lossy().trim());
    }
}
