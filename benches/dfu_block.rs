//! Benchmark: host cost of one 64-byte DFU block (DNLOAD + GETSTATUS) against a
//! zero-latency in-memory device, and bytes allocated per block in the hot loop (counted
//! by a global allocator). Targets: <= 5 us per block, 0 bytes per block.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::num::NonZeroU16;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dfu_station::dfu::{
    Attributes, Deadlines, Engine, FakeClock, FunctionalDescriptor, Payload, Progress, Request,
    State, Transport, TransportError,
};

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

const BLOCK: u16 = 64;
const PAYLOAD: usize = 1 << 20;
const RUNS: u32 = 20;

/// The least DFU device that satisfies the engine: DNLOAD -> dfuDNLOAD-IDLE, zero-length
/// DNLOAD -> dfuIDLE, never busy.
struct Device {
    state: State,
}

impl Transport for Device {
    fn control_out(
        &mut self,
        request: u8,
        _value: u16,
        data: &[u8],
        _timeout: Duration,
    ) -> Result<(), TransportError> {
        debug_assert_eq!(request, Request::Dnload as u8);
        self.state = if data.is_empty() {
            State::DfuIdle
        } else {
            State::DfuDnloadIdle
        };
        black_box(data);
        Ok(())
    }

    fn control_in(
        &mut self,
        _request: u8,
        _value: u16,
        buf: &mut [u8],
        _timeout: Duration,
    ) -> Result<usize, TransportError> {
        buf[..6].copy_from_slice(&[0, 0, 0, 0, self.state as u8, 0]);
        Ok(6)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        Ok(())
    }
}

/// Downloads `payload`; returns the time taken and the bytes allocated meanwhile.
fn run(payload: &[u8]) -> (Duration, u64) {
    let descriptor = FunctionalDescriptor {
        attributes: Attributes(0b0101),
        detach_timeout_ms: 1000,
        transfer_size: NonZeroU16::new(BLOCK).expect("non-zero"),
        dfu_version: 0x0110,
    };
    let clock = FakeClock::default();
    let mut observer = |p: Progress<'_>| {
        black_box(p.done);
    };
    let mut device = Device {
        state: State::DfuIdle,
    };
    let mut engine = Engine::new(&clock, Deadlines::default(), &mut observer);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let start = Instant::now();
    engine
        .download(&mut device, &descriptor, Payload::raw(payload))
        .expect("download");
    let elapsed = start.elapsed();
    (elapsed, ALLOCATED.load(Ordering::Relaxed) - before)
}

fn main() {
    let payload: Vec<u8> = (0..PAYLOAD).map(|i| i as u8).collect();
    let blocks = PAYLOAD.div_ceil(usize::from(BLOCK)) as f64;

    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    for _ in 0..RUNS {
        let (elapsed, _) = run(&payload);
        best = best.min(elapsed);
        total += elapsed;
    }
    let ns = |d: Duration| d.as_nanos() as f64 / blocks;
    println!(
        "host cost per {BLOCK}-byte block: mean {:.0} ns, best {:.0} ns ({} blocks per run; target <= 5000 ns)",
        ns(total / RUNS),
        ns(best),
        blocks
    );

    // Allocation per block: the difference between a run and one twice as long cancels
    // the per-download setup.
    let (_, small) = run(&payload[..PAYLOAD / 2]);
    let (_, large) = run(&payload);
    println!(
        "bytes allocated per block in the hot loop: {:.3} ({} bytes per whole download; target 0 per block)",
        (large - small) as f64 / (blocks / 2.0),
        large
    );
}
