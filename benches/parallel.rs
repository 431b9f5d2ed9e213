//! Benchmark: boards per second flashing 8 emulated boards in parallel through the
//! station, against 1, on the real clock. Each board's time is dominated, as a real
//! ESP ROM's is, by erase (25 ms per 4 KiB sector) and poll timeouts (5 ms per block):
//! a 256 KiB app takes about 2.4 s. Target: a throughput ratio of at least 6. Then 15
//! boards alone against the same 15 beside a 16th held in a 20 s erase (in-process
//! emulator): the held board must not slow the others by more than 10 %.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfu::SystemClock;
use dfu::emulator::RomConfig;
use firmware::{Chip, FlashFile, PackOptions, pack};
use station::demo::{DemoSource, DemoTimings};
use station::{Command, Environment, Event, LoadedImage, Outcome, Station, check_file};

fn image() -> Arc<LoadedImage> {
    let app = (0..256 << 10)
        .map(|i: u32| (i * 7 + i / 251) as u8)
        .collect();
    let file = pack(
        &[FlashFile {
            address: 0x10000,
            name: "app.bin".into(),
            data: app,
        }],
        &PackOptions::default(),
    )
    .unwrap();
    check_file(Path::new("app-dfu.bin"), Box::new(move || Ok(file))).unwrap()
}

/// A quick board: 2 KiB transfers, 5 ms polls, 100 ms re-enumeration.
fn board() -> RomConfig {
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.transfer_size = 2048;
    config.poll_timeout = Duration::from_millis(5);
    config.reenumeration_delay = Duration::from_millis(100);
    config
}

/// Flashes fresh boards made from `configs` in parallel; returns the wall time until
/// every board but the last `ignored` ones passed (those are left flashing).
fn flash(configs: Vec<RomConfig>, ignored: usize, image: &Arc<LoadedImage>) -> Duration {
    let demo = Arc::new(DemoSource::new(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    let count = configs.len() - ignored;
    let waited: Vec<String> = configs
        .into_iter()
        .map(|config| demo.plug_config(config))
        .take(count)
        .collect();
    let devices = demo.devices();
    let station = Station::spawn(
        vec![demo],
        DemoTimings::default(),
        Environment::without_history(),
        Arc::new(|| {}),
    );
    let started = Instant::now();
    for device in devices {
        let image = image.clone();
        station
            .commands
            .send(Command::Flash { device, image })
            .unwrap();
    }
    let mut finished = 0;
    while finished < count {
        if let Event::JobFinished { outcome, device } = station.events.recv().unwrap()
            && waited.contains(&device.path)
        {
            assert!(
                matches!(outcome, Outcome::Pass { .. }),
                "{device:?}: {outcome:?}"
            );
            finished += 1;
        }
    }
    started.elapsed()
}

fn main() {
    let image = image();
    let boards = |n| vec![board(); n];
    let one = flash(boards(1), 0, &image);
    let eight = flash(boards(8), 0, &image);
    let ratio = (8.0 / eight.as_secs_f64()) / (1.0 / one.as_secs_f64());
    println!(
        "1 board: {:.2} s; 8 boards in parallel: {:.2} s; throughput ratio {ratio:.1}x (target >= 6x)",
        one.as_secs_f64(),
        eight.as_secs_f64()
    );

    // A 16th board held in a 20 s erase (64 sectors of the 256 KiB app) must not slow
    // the other 15.
    let fifteen = flash(boards(15), 0, &image);
    let mut held = board();
    held.erase_time_per_sector = Duration::from_millis(20_000 / 64);
    let mut sixteen = boards(15);
    sixteen.push(held);
    let beside_held = flash(sixteen, 1, &image);
    let slower = beside_held.as_secs_f64() / fifteen.as_secs_f64() - 1.0;
    println!(
        "15 boards alone: {:.2} s; the same 15 beside a 16th held in a 20 s erase: {:.2} s ({:+.1} %, target within 10 %)",
        fifteen.as_secs_f64(),
        beside_held.as_secs_f64(),
        slower * 100.0
    );
    assert!(ratio >= 6.0, "throughput ratio {ratio:.1}x is below 6x");
    assert!(
        slower <= 0.10,
        "the held board slowed the others by {:.1} %",
        slower * 100.0
    );
}
