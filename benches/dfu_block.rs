//! Benchmark: host cost of one 64-byte DFU block (DNLOAD + GETSTATUS) against the
//! in-process emulated ESP ROM with zero device latency (the figure includes the
//! emulator's own work: CPIO parsing, MD5, flash writes), and bytes allocated per block
//! in the hot loop (counted by a global allocator). Targets: <= 5 us per block, 0 bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dfu::emulator::{Bus, EspRom, Mode, RomConfig};
use dfu::{Deadlines, Engine, FakeClock, Payload, Progress};
use firmware::{Chip, FirmwareImage, FlashFile, PackOptions, pack};

/// Counts the bytes allocated by this process.
struct Counting;

static ALLOCATED: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const PORT: &str = "1-1";
const APP_SIZE: usize = 1 << 20;
const RUNS: u32 = 10;

/// A 1 MiB-app ESP image for the ESP32-S2.
fn image(app_size: usize) -> Vec<u8> {
    let files = [FlashFile {
        address: 0x10000,
        name: "app.bin".into(),
        data: (0..app_size).map(|i| (i * 7 + i / 251) as u8).collect(),
    }];
    pack(&files, &PackOptions::default()).expect("bench image")
}

/// Downloads `file` into a fresh emulated ESP32-S2 ROM in DFU mode with no device
/// latency (no erase time, no poll timeout); returns the time taken, the bytes allocated
/// meanwhile and the number of 64-byte blocks sent.
fn run(file: &[u8]) -> (Duration, u64, usize) {
    let image = FirmwareImage::describe(file).expect("valid");
    let clock = Arc::new(FakeClock::default());
    let bus = Bus::new(clock.clone());
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.start_mode = Mode::Dfu;
    config.erase_time_per_sector = Duration::ZERO;
    config.poll_timeout = Duration::ZERO;
    bus.plug(PORT, EspRom::new(config));
    let mut transport = bus.open(PORT).expect("open");
    let descriptor = transport.interface().descriptor;
    let mut observer = |p: Progress<'_>| {
        black_box(p.done);
    };
    let mut engine = Engine::new(&*clock, Deadlines::default(), &mut observer);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let start = Instant::now();
    engine
        .download(&mut transport, &descriptor, Payload::image(&image, file))
        .expect("download");
    let elapsed = start.elapsed();
    let blocks = image
        .payload_len
        .div_ceil(usize::from(descriptor.transfer_size.get()));
    (elapsed, ALLOCATED.load(Ordering::Relaxed) - before, blocks)
}

fn main() {
    let file = image(APP_SIZE);
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    let mut blocks = 0;
    for _ in 0..RUNS {
        let (elapsed, _, n) = run(&file);
        best = best.min(elapsed);
        total += elapsed;
        blocks = n;
    }
    let ns = |d: Duration| d.as_nanos() as f64 / blocks as f64;
    println!(
        "engine + emulated ROM per 64-byte block: mean {:.0} ns, best {:.0} ns ({blocks} blocks per run; target <= 5000 ns)",
        ns(total / RUNS),
        ns(best),
    );

    // Allocation per block: the difference between a download and one about twice as
    // long cancels the per-download setup.
    let half = image(APP_SIZE / 2);
    let (_, small, small_blocks) = run(&half);
    let (_, large, large_blocks) = run(&file);
    println!(
        "bytes allocated per block in the hot loop: {:.3} ({large} bytes per whole download; target 0 per block)",
        large.saturating_sub(small) as f64 / (large_blocks - small_blocks) as f64,
    );
}
