//! Benchmark: the line's store (PostgreSQL) under a line's load. Needs a server:
//! `bash tests/bench/line_claims.sh` starts a throw-away one and runs this with
//! `DFU_STATION_BENCH_STORE` (its URL) and `DFU_STATION_LINE_PASSWORD` set.
//!
//! (a) claims per second with 3 stations claiming at once, each on its own connection,
//!     and one claim's latency;
//! (b) what a board's flash waits for before its download starts: a unit claimed and its
//!     NVS image built, from the store and from a values file's row journal (target: the
//!     store adds under 50 ms);
//! (c) one record's upload (off the flash's path: the link sends it in the background);
//! (d) end to end, rounds of 8 emulated boards plugged and flashed at once through one
//!     station: the mean flash time with the store and with files only, the rounds of
//!     the two stations taking turns.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use dfu::SystemClock;
use dfu::emulator::RomConfig;
use firmware::nvs::mfg::Units;
use firmware::{Chip, FlashFile, PackOptions, pack};
use line::{Batch, Claimant, LineRecord, Password, Store, StoreConfig};
use station::demo::{DemoSource, DemoTimings};
use station::factory::Settings;
use station::profile::Profile;
use station::provision::{ProvisionSection, Provisioning};
use station::{Command, Environment, Event, LoadedImage, Station, check_file};

const CONFIG: &str = "app,namespace,\nserial,data,string\ncalib,data,u32\nkey,data,hex2bin\n";
const CLAIMS: usize = 3000;
const FLASH_PATH: usize = 200;
const BOARDS: usize = 8;
const ROUNDS: usize = 6;

fn main() {
    let Ok(url) = std::env::var("DFU_STATION_BENCH_STORE") else {
        println!("line: no server; run `bash tests/bench/line_claims.sh`");
        return;
    };
    let config = StoreConfig::new(&url, &Password::Default).expect("the store's URL");
    Store::init(&config).expect("line init");
    let dir = tempfile::tempdir().unwrap();
    let image = files(dir.path());

    // (a) 3 claimants at once until none is left.
    import(&config, dir.path(), "A", CLAIMS);
    let sha = line::sha256(CONFIG.as_bytes());
    let barrier = Arc::new(Barrier::new(3));
    let started = Instant::now();
    let claimants: Vec<_> = (0..3)
        .map(|n| {
            let (config, barrier, sha) = (config.clone(), barrier.clone(), sha.clone());
            std::thread::spawn(move || {
                let mut store = Store::connect(&config).unwrap();
                let (station, station_id) = (format!("bench {n}"), format!("bench-{n}"));
                barrier.wait();
                let mut latencies = Vec::new();
                loop {
                    let claim_id = station::records::production_log::new_record_id();
                    let claimant = Claimant {
                        station: &station,
                        station_id: &station_id,
                        board: "1-1",
                        claim_id: &claim_id,
                    };
                    let at = Instant::now();
                    let claimed = store.claim(&[claimant], &sha).unwrap();
                    latencies.push(at.elapsed());
                    if claimed[0].unit.is_none() {
                        return latencies;
                    }
                }
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = claimants
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let wall = started.elapsed();
    latencies.sort();
    println!(
        "(a) claims: {CLAIMS} units by 3 stations at once in {:.2} s: {:.0} claims/s; one claim p50 {:.2} ms, p99 {:.2} ms",
        wall.as_secs_f64(),
        CLAIMS as f64 / wall.as_secs_f64(),
        ms(latencies[latencies.len() / 2]),
        ms(latencies[latencies.len() * 99 / 100]),
    );

    // (b) a board's wait for its unit and image: the store against the row journal.
    let values = import(&config, dir.path(), "F", FLASH_PATH + 1);
    let opened = profile(dir.path(), &url, "bench b")
        .provisioning(image.clone(), &dir.path().join("logs-b"))
        .unwrap();
    let from_store = opened.provision.clone().unwrap();
    // A station without boards tells the link where its log ends, so that it settles.
    let _idle = station_with(Settings {
        station: "bench b".into(),
        log_folder: Some(dir.path().join("logs-b")),
        provision: opened.provision,
        line: opened.line,
        ..Settings::default()
    });
    let store_wait = flash_path(&from_store, &image);
    let section = ProvisionSection {
        config: dir.path().join("config.csv"),
        values: Some(values),
        partition: "nvs".into(),
    };
    let from_file =
        Arc::new(Provisioning::open(&section, &image, &dir.path().join("logs-file")).unwrap());
    let file_wait = flash_path(&from_file, &image);
    println!(
        "(b) before a download starts (claim + NVS image, mean of {FLASH_PATH}): store {:.2} ms, row journal {:.2} ms: the store adds {:.2} ms per board (target < 50 ms)",
        ms(store_wait),
        ms(file_wait),
        ms(store_wait) - ms(file_wait)
    );

    // (c) one record's upload.
    let mut store = Store::connect(&config).unwrap();
    let started = Instant::now();
    for n in 0..FLASH_PATH {
        store.upload("bench-c", &[record(n)]).unwrap();
    }
    println!(
        "(c) one record sent (its own transaction, mean of {FLASH_PATH}): {:.2} ms, in the background",
        ms(started.elapsed()) / FLASH_PATH as f64
    );

    // (d) rounds of 8 emulated boards end to end, with the store and with files only.
    import(&config, dir.path(), "D", BOARDS * ROUNDS + 1);
    let on_line = profile(dir.path(), &url, "bench d")
        .provisioning(image.clone(), &dir.path().join("logs-d"))
        .unwrap();
    let section = ProvisionSection {
        values: Some(write_values(dir.path(), "E", BOARDS * ROUNDS)),
        ..section
    };
    let journal =
        Arc::new(Provisioning::open(&section, &image, &dir.path().join("logs-e")).unwrap());
    let settings = |provision, line, logs: &str| Settings {
        station: "bench d".into(),
        log_folder: Some(dir.path().join(logs)),
        provision: Some(provision),
        line,
        ..Settings::default()
    };
    let with_store = station_with(settings(on_line.provision.unwrap(), on_line.line, "logs-d"));
    let files_only = station_with(settings(journal, None, "logs-e"));
    let (mut store_ms, mut files_ms) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        store_ms.push(flash_round(&with_store, &image));
        files_ms.push(flash_round(&files_only, &image));
    }
    let mean = |rounds: &[f64]| rounds.iter().sum::<f64>() / rounds.len() as f64;
    let added: Vec<String> = (store_ms.iter().zip(&files_ms))
        .map(|(store, files)| format!("{:+.0}", store - files))
        .collect();
    println!(
        "(d) {ROUNDS} rounds of {BOARDS} emulated boards flashed at once, mean flash: store {:.0} ms, files only {:.0} ms: the store adds {:+.0} ms per board (rounds: {} ms; target < 50 ms)",
        mean(&store_ms),
        mean(&files_ms),
        mean(&store_ms) - mean(&files_ms),
        added.join(", ")
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// dfu.bin (ESP-IDF's partition table, `nvs` at 0x9000, 16 KiB of app) and config.csv.
fn files(dir: &Path) -> Arc<LoadedImage> {
    let table = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/esp-idf/partitions/board.bin"
    ))
    .unwrap();
    let app: Vec<u8> = (0..16u32 << 10).map(|i| (i * 7 + i / 251) as u8).collect();
    let files = [
        FlashFile {
            address: 0x8000,
            name: "partition-table.bin".into(),
            data: table,
        },
        FlashFile {
            address: 0x20000,
            name: "app.bin".into(),
            data: app,
        },
    ];
    let file = pack(&files, &PackOptions::default()).unwrap();
    std::fs::write(dir.join("dfu.bin"), &file).unwrap();
    std::fs::write(dir.join("config.csv"), CONFIG).unwrap();
    check_file(&dir.join("dfu.bin"), Box::new(move || Ok(file))).unwrap()
}

/// A values file of `count` units named `PREFIX-n`.
fn write_values(dir: &Path, prefix: &str, count: usize) -> std::path::PathBuf {
    let mut text = String::from("serial,calib,key\n");
    for n in 0..count {
        text.push_str(&format!("{prefix}-{n:05},{n},{:02x}a0b0c0d0\n", n % 256));
    }
    let path = dir.join(format!("values-{prefix}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Imports `count` units named `PREFIX-n`; returns their values file.
fn import(config: &StoreConfig, dir: &Path, prefix: &str, count: usize) -> std::path::PathBuf {
    let path = write_values(dir, prefix, count);
    let values = std::fs::read(&path).unwrap();
    let units = Units::parse(CONFIG.as_bytes(), &values, &mut |_| {
        Err(std::io::Error::other("no files"))
    })
    .unwrap();
    let batch = Batch::new(
        "config.csv",
        CONFIG.as_bytes(),
        "values.csv",
        &values,
        &units,
    );
    Store::connect(config).unwrap().import(&batch).unwrap();
    path
}

/// A profile on the store with per-board data (the password from the environment).
fn profile(dir: &Path, url: &str, station: &str) -> Profile {
    let text = format!(
        "station = \"{station}\"\nimage = \"dfu.bin\"\nimage_sha256 = \"\"\nlog_folder = \"logs\"\n\n[provision]\nconfig = \"config.csv\"\n\n[line]\nstore = \"{url}\"\n"
    );
    let path = dir.join(format!("{}.toml", station.replace(' ', "-")));
    std::fs::write(&path, text).unwrap();
    Profile::load(&path).unwrap()
}

/// A station on a bus of emulated boards (none plugged yet), configured with
/// `settings`; with units from a line's store, returned once its link has settled (the
/// log's end known, what waited sent: a claim before that is refused), one unit claimed
/// to see it.
fn station_with(settings: Settings) -> (Station, Arc<DemoSource>) {
    let demo = Arc::new(DemoSource::emulated(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    let station = Station::spawn(
        vec![demo.clone()],
        DemoTimings::default(),
        Environment::without_history(),
        Arc::new(|| {}),
    );
    let warm_up = settings.line.as_ref().and(settings.provision.clone());
    station.commands.send(Command::Configure(settings)).unwrap();
    if let Some(provisioning) = warm_up {
        // The first unit claimed once the link is ready (it is refused before), unused.
        let cancel = AtomicBool::new(false);
        let settled = Instant::now() + Duration::from_secs(30);
        while provisioning.give("warm-up", &cancel).is_err() {
            assert!(Instant::now() < settled, "the store did not settle");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    (station, demo)
}

/// The mean time to give a board its unit and build its download, `FLASH_PATH` times.
fn flash_path(provisioning: &Arc<Provisioning>, image: &LoadedImage) -> Duration {
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    for _ in 0..FLASH_PATH {
        let given = provisioning.give("1-1", &cancel).unwrap();
        provisioning.board_image(image, &given).unwrap();
    }
    started.elapsed() / FLASH_PATH as u32
}

fn record(n: usize) -> LineRecord {
    LineRecord {
        record_id: format!("bench-record-{n}"),
        station: "bench c".into(),
        local_seq: n as u64 + 1,
        recorded_at: "2026-11-24T03:51:26.123Z".into(),
        usb_path: "1-1".into(),
        serial: "0".into(),
        chip: "ESP32-S2".into(),
        image_name: "dfu.bin".into(),
        image_sha256: "ab".repeat(32),
        result: "pass".into(),
        error_code: None,
        error_message: None,
        duration_ms: 2000,
        bytes: 65536,
        unit_id: None,
    }
}

/// Plugs `BOARDS` emulated ESP32-S2 boards into the station's bus (beside the boards of
/// earlier rounds: a port is never used twice) and flashes them all at once; returns
/// the mean flash time of their records, in milliseconds.
fn flash_round((station, demo): &(Station, Arc<DemoSource>), image: &Arc<LoadedImage>) -> f64 {
    let paths: Vec<String> = (0..BOARDS)
        .map(|_| {
            let mut config = RomConfig::new(Chip::Esp32S2);
            config.reenumeration_delay = Duration::from_millis(100);
            demo.plug_config(config)
        })
        .collect();
    for device in demo.devices() {
        if paths.contains(&device.id.path) {
            let image = image.clone();
            station
                .commands
                .send(Command::Flash { device, image })
                .unwrap();
        }
    }
    let mut durations = Vec::new();
    while durations.len() < BOARDS {
        match station
            .events
            .recv_timeout(Duration::from_secs(60))
            .unwrap()
        {
            Event::Logged(record) => durations.push(record.duration_ms as f64),
            Event::JobFinished {
                outcome: station::Outcome::Fail(failure),
                ..
            } => panic!("{failure:?}"),
            _ => {}
        }
    }
    durations.iter().sum::<f64>() / durations.len() as f64
}
