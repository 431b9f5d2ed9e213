//! Benchmark: check and describe a 16 MiB dfu.bin from disk, reading the file once.
//! Prints the time per run and the bytes read (from /proc/self/io) per run.
//! Target: < 100 ms, and one read of the file.

use std::time::Instant;

use firmware::{FirmwareImage, FlashFile, PackOptions, pack};

const IMAGE_SIZE: usize = 16 << 20;
const RUNS: u32 = 10;

fn main() {
    let app: Vec<u8> = (0..IMAGE_SIZE)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let files = [
        FlashFile {
            address: 0x1000,
            name: "bootloader.bin".into(),
            data: vec![0xE9; 0x6000],
        },
        FlashFile {
            address: 0x8000,
            name: "partition-table.bin".into(),
            data: vec![0xAA; 0xC00],
        },
        FlashFile {
            address: 0x10000,
            name: "app.bin".into(),
            data: app,
        },
    ];
    let options = PackOptions {
        flash_size: 32 << 20,
        ..PackOptions::default()
    };
    let bytes = pack(&files, &options).expect("bench image packs");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dfu.bin");
    std::fs::write(&path, &bytes).expect("write bench image");

    let mut best = f64::MAX;
    let mut total = 0.0;
    let read_before = bytes_read();
    for _ in 0..RUNS {
        let start = Instant::now();
        let file = std::fs::read(&path).expect("read");
        let image = FirmwareImage::describe(&file).expect("valid");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(image.regions.len(), 3);
        best = best.min(ms);
        total += ms;
    }
    let read_per_run = (bytes_read() - read_before) / u64::from(RUNS);
    println!(
        "describe {:.2} MiB dfu.bin ({} bytes): mean {:.1} ms, best {:.1} ms per run (target < 100 ms)",
        bytes.len() as f64 / f64::from(1 << 20),
        bytes.len(),
        total / f64::from(RUNS),
        best
    );
    println!(
        "bytes read per run: {read_per_run} = {:.3} x the file size (target: 1 read)",
        read_per_run as f64 / bytes.len() as f64
    );
}

/// Bytes this process has read through read(2) so far (`rchar` of /proc/self/io).
fn bytes_read() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("rchar: ").and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
