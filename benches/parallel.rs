//! Benchmark: boards per second flashing 8 emulated boards in parallel through the
//! station, against 1, on the real clock. Each board's time is dominated, as a real
//! ESP ROM's is, by erase (25 ms per 4 KiB sector) and poll timeouts (5 ms per block):
//! a 256 KiB app takes about 2.4 s. Target: a throughput ratio of at least 6.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfu_station::emulator::RomConfig;
use dfu_station::firmware::{Chip, FlashFile, PackOptions, pack};
use dfu_station::station::demo::{DemoSource, DemoTimings};
use dfu_station::station::{Command, Event, LoadedImage, Outcome, Station, check_file};

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

/// Flashes `count` fresh boards in parallel; returns the wall time.
fn flash(count: usize, image: &Arc<LoadedImage>) -> Duration {
    let demo = Arc::new(DemoSource::new(DemoTimings::default()));
    for _ in 0..count {
        let mut config = RomConfig::new(Chip::Esp32S2);
        config.transfer_size = 2048;
        config.poll_timeout = Duration::from_millis(5);
        config.reenumeration_delay = Duration::from_millis(100);
        demo.plug_config(config);
    }
    let devices = demo.devices();
    let station = Station::spawn(vec![demo], DemoTimings::default(), Arc::new(|| {}));
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
        if let Event::JobFinished { outcome, device } = station.events.recv().unwrap() {
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
    let one = flash(1, &image);
    let eight = flash(8, &image);
    let ratio = (8.0 / eight.as_secs_f64()) / (1.0 / one.as_secs_f64());
    println!(
        "1 board: {:.2} s; 8 boards in parallel: {:.2} s; throughput ratio {ratio:.1}x (target >= 6x)",
        one.as_secs_f64(),
        eight.as_secs_f64()
    );
    assert!(ratio >= 6.0, "throughput ratio {ratio:.1}x is below 6x");
}
