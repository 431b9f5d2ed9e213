//! Factory work in-process: the real station with emulated boards (fast timings) flashing
//! in parallel, auto mode, and the production log each attempt lands in.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfu::SystemClock;
use dfu::emulator::{Fault, RomConfig, When};
use dfu::{Status, TransportError};
use firmware::{Chip, FlashFile, PackOptions, pack};
use station::demo::{DEMO, DemoSource, DemoTimings};
use station::factory::Settings;
use station::records::production_log::{CSV_NAME, LogPause, Record, Verdict, read_recent};
use station::{
    BoardState, Command, Connection, DemoCommand, Device, DeviceId, DeviceSource, Environment,
    Event, LoadedImage, Outcome, Registry, Station, check_file,
};

const APP_ADDRESS: usize = 0x10000;

/// An ESP32-S2 dfu.bin with 16 KiB of app at 0x10000, and the app.
fn image() -> (Arc<LoadedImage>, Vec<u8>) {
    let app = common::sample(16 << 10, 7);
    let file = pack(
        &[FlashFile {
            address: APP_ADDRESS as u32,
            name: "app.bin".into(),
            data: app.clone(),
        }],
        &PackOptions::default(),
    )
    .unwrap();
    let image = check_file(Path::new("/line3/app-dfu.bin"), Box::new(move || Ok(file))).unwrap();
    (image, app)
}

/// A quick ESP32-S2 with `faults`.
fn rom(faults: Vec<Fault>) -> RomConfig {
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.erase_time_per_sector = Duration::from_millis(5);
    config.reenumeration_delay = Duration::from_millis(100);
    config.faults = faults;
    config
}

/// The station over `demo`, logging to `folder` as station "line 3".
struct Bench {
    station: Station,
    registry: Registry,
    records: Vec<Record>,
    /// Why the log cannot be written, while it cannot.
    paused: Option<LogPause>,
    /// Boards in the order their results came.
    finished: Vec<DeviceId>,
    started: Vec<DeviceId>,
}

impl Bench {
    fn new(source: Arc<dyn DeviceSource>, folder: &Path, auto: Option<Arc<LoadedImage>>) -> Bench {
        let station = Station::spawn(
            vec![source],
            DemoTimings::default(),
            Environment::without_history(),
            Arc::new(|| {}),
        );
        let settings = Settings {
            station: "line 3".into(),
            log_folder: Some(folder.to_owned()),
            auto,
            sound: false,
            provision: None,
            line: None,
        };
        station.commands.send(Command::Configure(settings)).unwrap();
        Bench {
            station,
            registry: Registry::default(),
            records: Vec::new(),
            paused: None,
            finished: Vec::new(),
            started: Vec::new(),
        }
    }

    /// Takes events until `done` holds (30 s at most).
    fn until(&mut self, what: &str, done: impl Fn(&Bench) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = self
                .station
                .events
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
            self.registry.apply(&event);
            match event {
                Event::Logged(record) => self.records.push(record),
                Event::LogPaused(pause) => self.paused = Some(pause),
                Event::LogOpened { .. } => self.paused = None,
                Event::JobStarted(id) => self.started.push(id),
                Event::JobFinished { device, .. } => self.finished.push(device),
                _ => {}
            }
        }
    }

    fn present(&self) -> Vec<Device> {
        let rows = self.registry.rows().iter().filter(|r| r.present);
        rows.map(|r| r.device.clone()).collect()
    }

    /// The records by USB path.
    fn by_path(&self) -> BTreeMap<String, Vec<&Record>> {
        let mut by_path: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
        for record in &self.records {
            by_path
                .entry(record.usb_path.clone())
                .or_default()
                .push(record);
        }
        by_path
    }
}

/// The app bytes in the flash of the board at `path`.
fn flashed_app(demo: &DemoSource, path: &str, len: usize) -> Vec<u8> {
    let transport = demo.bus().open(path).unwrap();
    let rom = transport.board().lock();
    rom.flash()[APP_ADDRESS..APP_ADDRESS + len].to_vec()
}

#[test]
fn eight_boards_in_parallel_one_unplugged_one_failing_verify() {
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    for port in 1..=8 {
        let faults = match port {
            3 => vec![Fault::Unplug(When::Block(120))],
            6 => vec![Fault::ErrorAt {
                block: 150,
                status: Status::ErrVerify,
            }],
            _ => Vec::new(),
        };
        assert_eq!(demo.plug_config(rom(faults)), format!("1-{port}"));
    }
    let log = tempfile::tempdir().unwrap();
    let mut bench = Bench::new(demo.clone(), log.path(), None);
    bench.until("8 boards", |b| b.present().len() == 8);
    let (image, app) = image();
    for device in bench.present() {
        let command = Command::Flash {
            device,
            image: image.clone(),
        };
        bench.station.commands.send(command).unwrap();
    }
    bench.until("8 records", |b| b.records.len() == 8);

    // Each result on its own board's row and record.
    let by_path = bench.by_path();
    assert_eq!(by_path.len(), 8, "{by_path:#?}");
    for (port, records) in (1..=8).zip(by_path.values()) {
        let path = format!("1-{port}");
        let [record] = records[..] else {
            panic!("{path}: {records:#?}")
        };
        assert_eq!(record.usb_path, path);
        assert_eq!(
            (
                record.station.as_str(),
                record.chip.as_str(),
                record.serial.as_str()
            ),
            ("line 3", "ESP32-S2", "0")
        );
        assert_eq!(record.image_name, "app-dfu.bin");
        assert_eq!(record.image_sha256, hex::encode(image.image.sha256));
        assert!(record.duration_ms > 0 && record.timestamp.ends_with('Z'));
        let row = bench
            .registry
            .rows()
            .iter()
            .find(|r| r.device.id.path == path);
        let state = &row.unwrap().state;
        match port {
            3 => {
                assert_eq!(record.result, Verdict::Fail);
                assert_eq!(
                    record.error_code.map(|code| code.as_str()),
                    Some("dfu-transfer-failed")
                );
                assert!(record.bytes < image.image.payload_len as u64);
                assert!(
                    matches!(state, BoardState::Done(Outcome::Fail(failure)) if failure.code() == "dfu-transfer-failed")
                );
            }
            6 => {
                assert_eq!(record.result, Verdict::Fail);
                assert_eq!(
                    record.error_code.map(|code| code.as_str()),
                    Some("dfu-device-error")
                );
                let message = record.error_message.as_deref().unwrap();
                assert!(message.contains("errVERIFY"), "{message}");
                assert!(
                    matches!(state, BoardState::Done(Outcome::Fail(failure)) if failure.code() == "dfu-device-error")
                );
            }
            _ => {
                assert_eq!(record.result, Verdict::Pass, "{path}: {record:#?}");
                assert_eq!(record.error_code, None);
                assert_eq!(record.bytes, image.image.payload_len as u64);
                assert!(matches!(state, BoardState::Done(Outcome::Pass { .. })));
                assert!(
                    flashed_app(&demo, &path, app.len()) == app,
                    "{path}'s flash"
                );
            }
        }
    }
    assert_eq!(bench.registry.counts(), (6, 2));

    // The files hold the same 8 records.
    assert_eq!(read_recent(log.path(), 100).unwrap(), bench.records);
    let csv = std::fs::read_to_string(log.path().join(CSV_NAME)).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let paths: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        (1..=8).map(|p| format!("1-{p}")).collect::<Vec<_>>()
    );
}

#[test]
fn auto_mode_flashes_each_plug_in_once() {
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    demo.plug_config(rom(Vec::new()));
    demo.plug_config(rom(Vec::new()));
    let mut s3 = rom(Vec::new());
    s3.chip = Chip::Esp32S3;
    demo.plug_config(s3);
    let log = tempfile::tempdir().unwrap();
    let (image, _) = image();
    let mut bench = Bench::new(demo.clone(), log.path(), Some(image));
    bench.until("two records", |b| b.records.len() == 2);
    // Both ESP32-S2 boards re-enumerated in DFU mode and stay: nothing more happens.
    bench.until("both back in DFU mode", |b| {
        b.present()
            .iter()
            .filter(|d| d.mode == dfu::InterfaceMode::Dfu)
            .count()
            == 2
    });
    // The station decides on a board as it reports it (a flash auto mode starts follows
    // the board's DeviceAdded, from the same thread): once it reports 1-1 unplugged, what
    // it made of both re-enumerations is in `started`.
    demo.unplug("1-1");
    bench.until("1-1 unplugged", |b| {
        !b.present().iter().any(|d| d.id.path == "1-1")
    });
    let mut started: Vec<&str> = bench.started.iter().map(|id| id.path.as_str()).collect();
    started.sort();
    assert_eq!(started, ["1-1", "1-2"], "one flash per plug-in");

    // 1-1 plugged in again: flashed again.
    assert_eq!(demo.plug_config(rom(Vec::new())), "1-1");
    bench.until("the third record", |b| b.records.len() == 3);
    let by_path = bench.by_path();
    assert_eq!(by_path["1-1"].len(), 2);
    assert_eq!(by_path["1-2"].len(), 1);
    assert!(
        !by_path.contains_key("1-3"),
        "the ESP32-S3 is not for this file"
    );
    assert!(bench.records.iter().all(|r| r.result == Verdict::Pass));
}

/// Demo boards, but opening the one at 1-2 panics (a bug in a worker).
struct PanicsOn12(Arc<DemoSource>);

impl DeviceSource for PanicsOn12 {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn watch(&self, events: crossbeam_channel::Sender<station::SourceEvent>) {
        self.0.watch(events)
    }
    fn open(&self, path: &str) -> Result<Connection, TransportError> {
        assert_ne!(path, "1-2", "a bug in the worker");
        self.0.open(path)
    }
}

#[test]
fn a_worker_that_panics_ends_as_fail_with_an_internal_error_record() {
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    for _ in 1..=3 {
        demo.plug_config(rom(Vec::new()));
    }
    let log = tempfile::tempdir().unwrap();
    let mut bench = Bench::new(Arc::new(PanicsOn12(demo.clone())), log.path(), None);
    bench.until("3 boards", |b| b.present().len() == 3);
    let (image, _) = image();
    for device in bench.present() {
        let image = image.clone();
        bench
            .station
            .commands
            .send(Command::Flash { device, image })
            .unwrap();
    }
    bench.until("3 records", |b| b.records.len() == 3);
    let by_path = bench.by_path();
    let failed = &by_path["1-2"][0];
    assert_eq!(failed.result, Verdict::Fail);
    assert_eq!(
        failed.error_code.map(|code| code.as_str()),
        Some("internal-error")
    );
    let message = failed.error_message.as_deref().unwrap();
    assert!(message.contains("a bug in the worker"), "{message}");
    assert!(by_path["1-1"][0].result == Verdict::Pass && by_path["1-3"][0].result == Verdict::Pass);
    assert_eq!(
        (bench.registry.shift().passed, bench.registry.shift().failed),
        (2, 1)
    );
}

#[test]
fn demo_boards_never_reach_the_production_log_nor_the_shift() {
    let emulated = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    let log = tempfile::tempdir().unwrap();
    let mut bench = Bench::new(emulated, log.path(), None);
    let commands = &bench.station.commands;
    commands.send(Command::StartDemo).unwrap();
    commands
        .send(Command::Demo(DemoCommand::Plug(Chip::Esp32S2)))
        .unwrap();
    bench.until("a demo board", |b| b.present().len() == 1);
    let device = bench.present().remove(0);
    assert_eq!(device.id.source, DEMO);
    let (image, _) = image();
    let id = device.id.clone();
    bench
        .station
        .commands
        .send(Command::Flash { device, image })
        .unwrap();
    bench.until("the demo result", |b| {
        matches!(
            b.registry.row(&id).map(|r| &r.state),
            Some(BoardState::Done(_))
        )
    });
    assert!(matches!(
        bench.registry.row(&id).unwrap().state,
        BoardState::Done(Outcome::Pass { .. })
    ));
    assert_eq!(bench.registry.shift().total(), 0);
    // A record is on disk before its result goes out: none was written.
    assert!(read_recent(log.path(), 10).unwrap().is_empty());
}

#[test]
fn a_cancelled_flash_is_recorded_as_cancelled() {
    // What closing the window during a flash does: Cancel to every flashing board.
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    let mut slow = rom(Vec::new());
    slow.erase_time_per_sector = Duration::from_secs(1);
    demo.plug_config(slow);
    let log = tempfile::tempdir().unwrap();
    let mut bench = Bench::new(demo.clone(), log.path(), None);
    bench.until("the board", |b| b.present().len() == 1);
    let device = bench.present().remove(0);
    let id = device.id.clone();
    let (image, _) = image();
    let commands = &bench.station.commands;
    commands.send(Command::Flash { device, image }).unwrap();
    bench.until("the erase", |b| {
        matches!(&b.registry.row(&id).unwrap().state,
            BoardState::Flashing(p) if p.phase == dfu::Phase::Erasing)
    });
    bench.station.commands.send(Command::Cancel(id)).unwrap();
    bench.until("the record", |b| b.records.len() == 1);
    assert_eq!(bench.records[0].result, Verdict::Cancelled);
    assert_eq!(
        bench.records[0].error_code.map(|code| code.as_str()),
        Some("dfu-cancelled")
    );
    assert_eq!(read_recent(log.path(), 10).unwrap(), bench.records);
}

fn flash(bench: &Bench, device: &Device, image: &Arc<LoadedImage>) {
    let command = Command::Flash {
        device: device.clone(),
        image: image.clone(),
    };
    bench.station.commands.send(command).unwrap();
}

fn settings(folder: &Path, auto: Option<Arc<LoadedImage>>) -> Settings {
    Settings {
        station: "line 3".into(),
        log_folder: Some(folder.to_owned()),
        auto,
        sound: false,
        provision: None,
        line: None,
    }
}

#[test]
fn no_flash_starts_while_the_log_folder_cannot_be_opened() {
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    demo.plug_config(rom(Vec::new()));
    demo.plug_config(rom(Vec::new()));
    let dir = tempfile::tempdir().unwrap();
    // A regular file where the folder should be (root ignores permissions).
    let not_a_folder = dir.path().join("logs");
    std::fs::write(&not_a_folder, "").unwrap();
    let (image, _) = image();
    let mut bench = Bench::new(demo.clone(), &not_a_folder, Some(image.clone()));
    bench.until("the pause", |b| {
        b.paused.is_some() && b.present().len() == 2
    });
    let banner = bench.paused.as_ref().unwrap().banner();
    assert!(
        banner.starts_with(&format!(
            "Production log not writable: {}: ",
            not_a_folder.display()
        )) && banner.contains("Flashing is paused"),
        "{banner}"
    );
    // Asked for, a flash is refused at once, saying why; auto mode waits.
    let board = bench.present()[0].clone();
    flash(&bench, &board, &image);
    bench.until("the refusal", |b| b.finished.len() == 1);
    let row = bench.registry.row(&board.id).unwrap();
    assert!(
        matches!(&row.state, BoardState::Done(Outcome::Fail(failure)) if failure.code() == "log-not-writable"),
        "{:?}",
        row.state
    );
    assert!(bench.started.is_empty(), "no board was touched");
    assert_eq!(
        demo.bus().open("1-2").unwrap().board().lock().flash()[APP_ADDRESS],
        0xFF
    );

    // Another folder: the log opens at once and auto mode flashes both boards.
    let folder = dir.path().join("good");
    let command = Command::Configure(settings(&folder, Some(image)));
    bench.station.commands.send(command).unwrap();
    bench.until("two records", |b| b.records.len() == 2);
    assert!(bench.paused.is_none());
    assert_eq!(common::parse_log(&folder).len(), 2);
}

#[test]
fn records_held_while_the_folder_is_gone_are_written_in_order_when_it_is_back() {
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    for _ in 0..4 {
        let mut config = rom(Vec::new());
        config.reenumeration_delay = Duration::from_millis(400);
        demo.plug_config(config);
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("share");
    let mut bench = Bench::new(demo.clone(), &folder, None);
    bench.until("4 boards", |b| b.present().len() == 4);
    let boards = bench.present();
    let (image, _) = image();
    flash(&bench, &boards[0], &image);
    bench.until("the first record", |b| b.records.len() == 1);

    // The share goes away while two boards flash: both results are held, in order.
    flash(&bench, &boards[1], &image);
    flash(&bench, &boards[2], &image);
    bench.until("two flashing", |b| b.started.len() == 3);
    std::fs::remove_dir_all(&folder).unwrap();
    bench.until("two results", |b| b.finished.len() == 3);
    let pause = bench.paused.clone().expect("paused");
    let held: Vec<String> = pause.held.iter().map(|r| r.usb_path.clone()).collect();
    let finished: Vec<String> = bench.finished[1..]
        .iter()
        .map(|id| id.path.clone())
        .collect();
    assert_eq!(held, finished);
    assert!(
        pause.error.contains("No such file or directory"),
        "{}",
        pause.error
    );
    assert_eq!(bench.records.len(), 1, "nothing said logged that is not");

    // The line is paused: the fourth board is not flashed.
    flash(&bench, &boards[3], &image);
    bench.until("the refusal", |b| b.finished.len() == 4);
    assert_eq!(bench.started.len(), 3);

    // The share is back: the station finds it by itself and writes the held records.
    std::fs::create_dir(&folder).unwrap();
    bench.until("the log back", |b| b.paused.is_none());
    let paths: Vec<String> = common::parse_log(&folder)
        .into_iter()
        .map(|r| r.usb_path)
        .collect();
    assert_eq!(
        paths, finished,
        "only the held records, once each, in order"
    );
    flash(&bench, &boards[3], &image);
    bench.until("the fourth record", |b| b.records.len() == 2);
    assert_eq!(common::parse_log(&folder).len(), 3);
}

#[cfg(unix)]
#[test]
fn the_station_refuses_a_fifo_at_once_and_a_huge_file_before_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("dfu.bin");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success());
    let huge = dir.path().join("huge.bin");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(65 << 20).unwrap(); // sparse: nothing to read
    let station = Station::spawn(
        Vec::new(),
        DemoTimings::default(),
        Environment::without_history(),
        Arc::new(|| {}),
    );
    for (path, expected) in [
        (&fifo, "is a FIFO, not a regular file".to_owned()),
        (
            &huge,
            format!("is 65 MiB ({} bytes): larger than any ESP flash", 65 << 20),
        ),
    ] {
        let command = Command::load_path(path.clone());
        station.commands.send(command).unwrap();
        // A FIFO opened for reading would wait for a writer forever.
        let event = station.events.recv_timeout(Duration::from_secs(10));
        let Ok(Event::ImageLoaded {
            result: Err(error), ..
        }) = event
        else {
            panic!("{event:?}")
        };
        assert_eq!(error.code(), "file-unreadable");
        assert!(error.message().contains(&expected), "{}", error.message());
    }
}
