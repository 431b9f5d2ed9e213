//! The emulated ROM's DNLOAD path allocates nothing per block (it runs inside the
//! engine's benchmark loop).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dfu::emulator::{Bus, EspRom, Mode, RomConfig};
use dfu::{Control, FakeClock, Transport};
use dfu::{Request, State};
use firmware::{Chip, FirmwareImage, FlashFile, PackOptions, SUFFIX_LEN, pack};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn dnload_and_getstatus_allocate_nothing_per_block() {
    let files = [FlashFile {
        address: 0x10000,
        name: "app.bin".into(),
        data: vec![0x3C; 0x9_0000],
    }];
    let image = pack(&files, &PackOptions::default()).unwrap();
    let payload = &image[..image.len() - SUFFIX_LEN];
    let first_data = FirmwareImage::describe(&image).unwrap().regions[0].parts[0].payload_offset;

    let bus = Bus::new(Arc::new(FakeClock::default()));
    let mut config = RomConfig::new(Chip::Esp32S3);
    config.start_mode = Mode::Dfu;
    config.poll_timeout = Duration::ZERO;
    let board = bus.plug("1-1", EspRom::new(config));
    let mut t = bus.open("1-1").unwrap();
    let timeout = Duration::from_secs(60);
    let mut status = [0; 6];
    let mut counted = 0;
    for (n, block) in payload.chunks(64).enumerate() {
        let start = ALLOCATIONS.load(Ordering::Relaxed);
        t.control_out(Control::new(Request::Dnload, n as u16, timeout), block)
            .unwrap();
        t.control_in(Control::new(Request::GetStatus, 0, timeout), &mut status)
            .unwrap();
        assert_eq!(status[4], State::DfuDnloadIdle as u8);
        if n * 64 > first_data {
            assert_eq!(ALLOCATIONS.load(Ordering::Relaxed), start, "block {n}");
            counted += 1;
        }
    }
    assert!(counted > 9000);
    assert_eq!(board.lock().flash()[0x10000..0xA0000], [0x3C; 0x9_0000]);
}
