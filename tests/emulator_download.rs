//! Downloads into emulated ESP32-S2/S3 ROMs through the in-process bus and transport,
//! with a minimal DFU loop (the real engine lives elsewhere), and each injected fault.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::sample;
use dfu::emulator::{
    Board, Bus, EmulatedTransport, EspRom, Fault, Mode, Presence, RomConfig, When,
};
use dfu::{Clock, Control, FakeClock, Transport, TransportError};
use dfu::{Request, State, Status};
use firmware::{Chip, FirmwareImage, FlashFile, PackOptions, SUFFIX_LEN, pack};

const TIMEOUT: Duration = Duration::from_secs(5);
const PORT: &str = "1-1";

/// What stopped a download.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    Usb(TransportError),
    /// The device reported dfuERROR with this status.
    Device(u8),
}

impl From<TransportError> for Failure {
    fn from(e: TransportError) -> Failure {
        Failure::Usb(e)
    }
}

fn setup() -> (Arc<FakeClock>, Bus) {
    let clock = Arc::new(FakeClock::default());
    let bus = Bus::new(clock.clone());
    (clock, bus)
}

fn get_status(t: &mut impl Transport) -> Result<[u8; 6], TransportError> {
    let mut status = [0; 6];
    let len = t.control_in(Control::new(Request::GetStatus, 0, TIMEOUT), &mut status)?;
    assert_eq!(len, 6);
    Ok(status)
}

/// Polls GETSTATUS, sleeping bwPollTimeout while busy; returns the first settled state.
fn settle(t: &mut impl Transport, clock: &FakeClock) -> Result<u8, Failure> {
    loop {
        let [status, p0, p1, p2, state, _] = get_status(t)?;
        if state == State::DfuError as u8 {
            return Err(Failure::Device(status));
        }
        if state != State::DfuDnBusy as u8 && state != State::DfuManifest as u8 {
            return Ok(state);
        }
        clock.sleep(Duration::from_millis(u64::from(u32::from_le_bytes([
            p0, p1, p2, 0,
        ]))));
    }
}

/// DNLOAD `payload` in `block`-byte blocks, then the zero-length DNLOAD and manifestation.
fn download(
    t: &mut impl Transport,
    clock: &FakeClock,
    payload: &[u8],
    block: usize,
) -> Result<(), Failure> {
    let mut number = 0u16;
    for chunk in payload.chunks(block) {
        t.control_out(Control::new(Request::Dnload, number, TIMEOUT), chunk)?;
        assert_eq!(settle(t, clock)?, State::DfuDnloadIdle as u8);
        number = number.wrapping_add(1);
    }
    t.control_out(Control::new(Request::Dnload, number, TIMEOUT), &[])?;
    assert_eq!(settle(t, clock)?, State::DfuIdle as u8);
    Ok(())
}

/// Plugs a board that starts in DFU mode and opens it.
fn plug_dfu(bus: &Bus, mut config: RomConfig) -> (Board, EmulatedTransport) {
    config.start_mode = Mode::Dfu;
    let board = bus.plug(PORT, EspRom::new(config));
    (board, bus.open(PORT).unwrap())
}

/// Sends DETACH to the runtime device at `PORT` and waits for it in DFU mode.
fn detach(bus: &Bus, clock: &FakeClock) -> Result<EmulatedTransport, TransportError> {
    let mut runtime = bus.open(PORT).unwrap();
    assert_eq!(runtime.info().mode, Mode::Runtime);
    assert_eq!(
        runtime.control_out(Control::new(Request::Detach, 1000, TIMEOUT), &[]),
        Err(TransportError::NoDevice),
        "the ROM reboots at once: DETACH is lost"
    );
    bus.wait_for_dfu_mode(PORT, clock.now() + TIMEOUT)
        .map(|(t, info)| {
            assert_eq!(t.info(), &info);
            t
        })
}

fn body(file: &[u8]) -> &[u8] {
    &file[..file.len() - SUFFIX_LEN]
}

/// A small image: `len` bytes at `address`, flash_params.dat for `flash_size`.
fn small_image(address: u32, len: usize, flash_size: u32) -> Vec<u8> {
    let files = [FlashFile {
        address,
        name: "app.bin".into(),
        data: sample(len, 7),
    }];
    let options = PackOptions {
        flash_size,
        ..PackOptions::default()
    };
    pack(&files, &options).unwrap()
}

/// Where the payload byte `n` of the first region's data is.
fn data_offset(image: &[u8]) -> usize {
    FirmwareImage::describe(image).unwrap().regions[0].parts[0].payload_offset
}

#[test]
fn esp_idf_vector_flashes_from_runtime_mode() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/esp-idf/1/");
    let read = |name: &str| std::fs::read(format!("{dir}{name}")).unwrap();
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.flash_size = 8 << 20;
    let board = bus.plug(PORT, EspRom::new(config));

    let runtime = bus.devices();
    assert_eq!(runtime.len(), 1);
    assert_eq!((runtime[0].mode, runtime[0].interface), (Mode::Runtime, 2));
    let mut t = bus.open(PORT).unwrap();
    let status = get_status(&mut t).unwrap();
    assert_eq!((status[0], status[4]), (0, State::AppIdle as u8));

    let before = clock.now();
    let mut t = detach(&bus, &clock).unwrap();
    assert!(
        clock.now() - before >= Duration::from_secs(1),
        "re-enumeration takes its delay"
    );
    let info = t.info().clone();
    assert_eq!(
        (info.mode, info.pid, info.interface),
        (Mode::Dfu, 0x0002, 0)
    );
    assert_ne!(
        info.devnum, runtime[0].devnum,
        "a new address after re-enumeration"
    );
    assert_eq!(info.transfer_size, 64);

    download(&mut t, &clock, body(&read("dfu.bin")), 64).unwrap();
    let rom = board.lock();
    let flash = rom.flash();
    for (address, name) in [(0x1000, "1.bin"), (0x8000, "2.bin"), (0x10000, "3.bin")] {
        let file = read(name);
        assert_eq!(&flash[address..address + file.len()], &file[..], "{name}");
    }
    assert_eq!(
        rom.flash_limit(),
        4 << 20,
        "flash_params.dat says 4MB of the 8"
    );
}

#[test]
fn packed_three_region_image_flashes_s2_and_s3() {
    let boot = sample(0x5000, 1);
    let table = sample(0xC00, 2);
    let app = sample(1_258_291, 3);
    for chip in [Chip::Esp32S2, Chip::Esp32S3] {
        let files = [
            FlashFile {
                address: 0x1000,
                name: "bootloader.bin".into(),
                data: boot.clone(),
            },
            FlashFile {
                address: 0x8000,
                name: "partition-table.bin".into(),
                data: table.clone(),
            },
            FlashFile {
                address: 0x10000,
                name: "app.bin".into(),
                data: app.clone(),
            },
        ];
        let options = PackOptions {
            pid: chip.pid(),
            flash_size: 4 << 20,
            ..PackOptions::default()
        };
        let image = pack(&files, &options).unwrap();
        let described = FirmwareImage::describe(&image).unwrap();
        assert_eq!(described.regions[2].parts.len(), 3, "the app is split");

        let (clock, bus) = setup();
        let board = bus.plug(PORT, EspRom::new(RomConfig::new(chip)));
        let mut t = detach(&bus, &clock).unwrap();
        assert_eq!(t.info().pid, chip.pid());
        download(&mut t, &clock, body(&image), 64).unwrap();

        let rom = board.lock();
        let flash = rom.flash();
        assert!(flash[..0x1000].iter().all(|&b| b == 0xFF));
        assert_eq!(&flash[0x1000..0x6000], &boot[..]);
        assert!(flash[0x6000..0x8000].iter().all(|&b| b == 0xFF));
        assert_eq!(&flash[0x8000..0x8C00], &table[..]);
        assert_eq!(&flash[0x10000..0x10000 + app.len()], &app[..]);
        assert!(flash[0x10000 + app.len()..].iter().all(|&b| b == 0xFF));
    }
}

#[test]
fn md5_mismatch_is_err_verify() {
    let mut image = small_image(0x10000, 10_000, 4 << 20);
    let offset = data_offset(&image) + 100;
    image[offset] ^= 0x40;
    let (clock, bus) = setup();
    let (_, mut t) = plug_dfu(&bus, RomConfig::new(Chip::Esp32S2));
    let result = download(&mut t, &clock, body(&image), 64);
    assert_eq!(result, Err(Failure::Device(Status::ErrVerify as u8)));
}

#[test]
fn corrupt_cpio_is_err_file() {
    let image = small_image(0x10000, 10_000, 4 << 20);
    let headers: Vec<usize> = body(&image)
        .windows(6)
        .enumerate()
        .filter(|(_, w)| w == b"070701")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(headers.len(), 4, "index, flash_params, app, trailer");
    let corruptions = [
        ("bad magic", headers[1], b'1'),
        ("bad hex digit", headers[2] + 6 + 8 * 6, b'x'),
        ("name not in the index", headers[2] + 110, b'X'),
        ("no index first", 110, b'X'),
    ];
    for (what, offset, byte) in corruptions {
        let mut corrupted = body(&image).to_vec();
        corrupted[offset] = byte;
        let (clock, bus) = setup();
        let (_, mut t) = plug_dfu(&bus, RomConfig::new(Chip::Esp32S2));
        let result = download(&mut t, &clock, &corrupted, 64);
        assert_eq!(
            result,
            Err(Failure::Device(Status::ErrFile as u8)),
            "{what}"
        );
    }
}

#[test]
fn write_past_flash_is_err_address() {
    // flash_params.dat says 8 MB; the board has 4 MiB.
    let image = small_image(0x3F_F000, 0x2000, 8 << 20);
    let (clock, bus) = setup();
    let (board, mut t) = plug_dfu(&bus, RomConfig::new(Chip::Esp32S3));
    let result = download(&mut t, &clock, body(&image), 64);
    assert_eq!(result, Err(Failure::Device(Status::ErrAddress as u8)));
    assert!(
        board.lock().flash()[0x3F_F000..].iter().all(|&b| b == 0xFF),
        "nothing erased"
    );

    // flash_params.dat (MD5 not checked) edited to 2 MB: the ROM then stops at 2 MB.
    let mut image = small_image(0x30_0000, 0x100, 4 << 20);
    let params = body(&image)
        .windows(16)
        .rposition(|w| w == b"flash_params.dat") // the entry's name, after the index's
        .unwrap();
    let chip_size = params + 18 + 12; // name, NUL and padding to the data, then field 3
    image[chip_size..chip_size + 4].copy_from_slice(&(2u32 << 20).to_le_bytes());
    let (clock, bus) = setup();
    let (board, mut t) = plug_dfu(&bus, RomConfig::new(Chip::Esp32S2));
    let result = download(&mut t, &clock, body(&image), 64);
    assert_eq!(result, Err(Failure::Device(Status::ErrAddress as u8)));
    assert_eq!(board.lock().flash_limit(), 2 << 20);
}

#[test]
fn stream_cut_before_its_trailer_is_err_not_done() {
    let image = small_image(0x10000, 10_000, 4 << 20);
    let (clock, bus) = setup();
    let (_, mut t) = plug_dfu(&bus, RomConfig::new(Chip::Esp32S2));
    let cut = &body(&image)[..data_offset(&image) + 640];
    assert_eq!(
        download(&mut t, &clock, cut, 64),
        Err(Failure::Device(Status::ErrNotDone as u8))
    );
}

#[test]
fn requests_in_the_wrong_state_stall_into_err_unknown() {
    let (_, bus) = setup();
    let (_, mut t) = plug_dfu(&bus, RomConfig::new(Chip::Esp32S2));
    // A zero-length DNLOAD in dfuIDLE, then UPLOAD (not supported), then DETACH.
    assert_eq!(
        t.control_out(Control::new(Request::Dnload, 0, TIMEOUT), &[]),
        Err(TransportError::Stall)
    );
    let status = get_status(&mut t).unwrap();
    assert_eq!(
        (status[0], status[4]),
        (Status::ErrUnknown as u8, State::DfuError as u8)
    );
    // In dfuERROR, only CLRSTATUS (and status queries) are allowed.
    assert_eq!(
        t.control_out(Control::new(Request::Abort, 0, TIMEOUT), &[]),
        Err(TransportError::Stall)
    );
    t.control_out(Control::new(Request::ClrStatus, 0, TIMEOUT), &[])
        .unwrap();
    let mut buf = [0; 64];
    assert_eq!(
        t.control_in(Control::new(Request::Upload, 0, TIMEOUT), &mut buf),
        Err(TransportError::Stall)
    );
    t.control_out(Control::new(Request::ClrStatus, 0, TIMEOUT), &[])
        .unwrap();
    assert_eq!(
        t.control_out(Control::new(Request::Dnload, 0, TIMEOUT), &[0; 65]),
        Err(TransportError::Stall),
        "more than wTransferSize"
    );
    t.control_out(Control::new(Request::ClrStatus, 0, TIMEOUT), &[])
        .unwrap();
    let mut state = [0];
    t.control_in(Control::new(Request::GetState, 0, TIMEOUT), &mut state)
        .unwrap();
    assert_eq!(state[0], State::DfuIdle as u8);
}

#[test]
fn polling_before_bw_poll_timeout_is_rejected() {
    let image = small_image(0x10000, 100, 4 << 20);
    let (_, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.poll_timeout = Duration::from_millis(5);
    let (_, mut t) = plug_dfu(&bus, config);
    t.control_out(
        Control::new(Request::Dnload, 0, TIMEOUT),
        &body(&image)[..64],
    )
    .unwrap();
    let status = get_status(&mut t).unwrap();
    assert_eq!(status[..5], [0, 5, 0, 0, State::DfuDnBusy as u8]);
    assert_eq!(get_status(&mut t), Err(TransportError::Stall));
    assert_eq!(get_status(&mut t).unwrap()[4], State::DfuError as u8);
}

/// Downloads the small image into a DFU-mode board with `fault`; returns the outcome.
fn download_with(fault: Fault) -> (Result<(), Failure>, Board, Bus, Arc<FakeClock>) {
    let image = small_image(0x10000, 10_000, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![fault];
    let (board, mut t) = plug_dfu(&bus, config);
    let result = download(&mut t, &clock, body(&image), 64);
    (result, board, bus, clock)
}

#[test]
fn fault_stall_at_block_then_recovery() {
    let image = small_image(0x10000, 10_000, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::StallAt(5)];
    let (board, mut t) = plug_dfu(&bus, config);
    assert_eq!(
        download(&mut t, &clock, body(&image), 64),
        Err(Failure::Usb(TransportError::Stall))
    );
    assert_eq!(board.lock().state(), State::DfuError);
    assert_eq!(board.lock().status(), Status::ErrUnknown);
    t.control_out(Control::new(Request::ClrStatus, 0, TIMEOUT), &[])
        .unwrap();
    download(&mut t, &clock, body(&image), 64).unwrap();
    let offset = data_offset(&image);
    assert_eq!(
        board.lock().flash()[0x10000..0x10000 + 10_000],
        body(&image)[offset..offset + 10_000]
    );
}

#[test]
fn fault_error_at_block() {
    let fault = Fault::ErrorAt {
        block: 3,
        status: Status::ErrWrite,
    };
    let (result, board, ..) = download_with(fault);
    assert_eq!(result, Err(Failure::Device(Status::ErrWrite as u8)));
    assert_eq!(board.lock().state(), State::DfuError);
}

#[test]
fn fault_unplug_at_block() {
    let (result, board, bus, _) = download_with(Fault::Unplug(When::Block(10)));
    assert_eq!(result, Err(Failure::Usb(TransportError::NoDevice)));
    assert_eq!(
        board.lock().presence(),
        Presence::Detached { back_at: None }
    );
    assert!(bus.devices().is_empty());
    assert_eq!(bus.open(PORT).err(), Some(TransportError::NoDevice));
}

#[test]
fn fault_unplug_during_erase() {
    let (result, board, bus, _) = download_with(Fault::Unplug(When::Erase));
    assert_eq!(result, Err(Failure::Usb(TransportError::NoDevice)));
    assert!(bus.devices().is_empty());
    let rom = board.lock();
    assert!(
        rom.flash()[0x10000 + 64..0x13000]
            .iter()
            .all(|&b| b == 0xFF),
        "erased, not flashed"
    );
}

#[test]
fn fault_unplug_during_manifest() {
    let (result, board, bus, _) = download_with(Fault::Unplug(When::Manifest));
    assert_eq!(result, Err(Failure::Usb(TransportError::NoDevice)));
    assert!(bus.devices().is_empty());
    assert_ne!(
        board.lock().flash()[0x10000..0x10000 + 10_000],
        [0xFF; 10_000],
        "flashed"
    );
}

#[test]
fn fault_unplug_at_detach_never_reenumerates() {
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::Unplug(When::Detach)];
    bus.plug(PORT, EspRom::new(config));
    let start = clock.now();
    assert_eq!(detach(&bus, &clock).err(), Some(TransportError::NoDevice));
    assert_eq!(clock.now() - start, TIMEOUT, "waited until the deadline");
    assert!(bus.devices().is_empty());
}

#[test]
fn fault_reenumeration_at_another_port() {
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S3);
    config.faults = vec![Fault::ReenumerateAt("1-2".into())];
    bus.plug(PORT, EspRom::new(config));
    assert_eq!(detach(&bus, &clock).err(), Some(TransportError::NoDevice));
    let devices = bus.devices();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        (devices[0].path.as_str(), devices[0].mode),
        ("1-2", Mode::Dfu)
    );
}

#[test]
fn fault_get_status_never_completes() {
    let image = small_image(0x10000, 100, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::HangGetStatusAfter(0)];
    let (_, mut t) = plug_dfu(&bus, config);
    t.control_out(
        Control::new(Request::Dnload, 0, TIMEOUT),
        &body(&image)[..64],
    )
    .unwrap();
    let start = clock.now();
    assert_eq!(get_status(&mut t), Err(TransportError::Timeout));
    assert_eq!(clock.now() - start, TIMEOUT);
    assert_eq!(
        settle(&mut t, &clock),
        Ok(State::DfuDnloadIdle as u8),
        "the next answers"
    );
}

#[test]
fn fault_stuck_in_dnbusy() {
    let image = small_image(0x10000, 100, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::StuckBusyAt(1)];
    let (_, mut t) = plug_dfu(&bus, config);
    for (n, chunk) in body(&image)[..128].chunks(64).enumerate() {
        t.control_out(Control::new(Request::Dnload, n as u16, TIMEOUT), chunk)
            .unwrap();
        let first = get_status(&mut t).unwrap();
        assert_eq!(first[..5], [0, 1, 0, 0, State::DfuDnBusy as u8]);
        clock.sleep(Duration::from_millis(1));
        let second = get_status(&mut t).unwrap()[4];
        let expected = if n == 0 {
            State::DfuDnloadIdle
        } else {
            State::DfuDnBusy
        };
        assert_eq!(second, expected as u8, "block {n}");
    }
    for _ in 0..1000 {
        clock.sleep(Duration::from_millis(1));
        assert_eq!(get_status(&mut t).unwrap()[4], State::DfuDnBusy as u8);
    }
    t.reset().unwrap();
    assert_eq!(
        get_status(&mut t).unwrap()[4],
        State::DfuIdle as u8,
        "a bus reset clears it"
    );
}

#[test]
fn fault_left_over_dnload_idle() {
    let image = small_image(0x10000, 10_000, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::StartIn(State::DfuDnloadIdle)];
    let (_, mut t) = plug_dfu(&bus, config);
    assert_eq!(get_status(&mut t).unwrap()[4], State::DfuDnloadIdle as u8);
    assert_eq!(
        download(&mut t, &clock, body(&image), 64),
        Err(Failure::Device(Status::ErrFile as u8)),
        "a new image does not continue the old one"
    );

    // An engine that cleans up first (ABORT from dfuDNLOAD-IDLE) succeeds.
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::StartIn(State::DfuDnloadIdle)];
    let (_, mut t) = plug_dfu(&bus, config);
    t.control_out(Control::new(Request::Abort, 0, TIMEOUT), &[])
        .unwrap();
    download(&mut t, &clock, body(&image), 64).unwrap();
}

#[test]
fn fault_left_over_error() {
    let image = small_image(0x10000, 10_000, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.faults = vec![Fault::StartIn(State::DfuError)];
    let (_, mut t) = plug_dfu(&bus, config);
    let status = get_status(&mut t).unwrap();
    assert_eq!(
        (status[0], status[4]),
        (Status::ErrUnknown as u8, State::DfuError as u8)
    );
    assert_eq!(
        t.control_out(
            Control::new(Request::Dnload, 0, TIMEOUT),
            &body(&image)[..64]
        ),
        Err(TransportError::Stall)
    );
    t.control_out(Control::new(Request::ClrStatus, 0, TIMEOUT), &[])
        .unwrap();
    download(&mut t, &clock, body(&image), 64).unwrap();
}

#[test]
fn erase_slower_than_the_timeout_times_out() {
    let image = small_image(0x10000, 0x10_0000, 4 << 20);
    let (clock, bus) = setup();
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.erase_time_per_sector = Duration::from_secs(1);
    let (_, mut t) = plug_dfu(&bus, config);
    let first_data = data_offset(&image);
    let payload = body(&image);
    let mut sent = 0;
    while sent + 64 <= first_data {
        t.control_out(
            Control::new(Request::Dnload, 0, TIMEOUT),
            &payload[sent..sent + 64],
        )
        .unwrap();
        settle(&mut t, &clock).unwrap();
        sent += 64;
    }
    let start = clock.now();
    assert_eq!(
        t.control_out(
            Control::new(Request::Dnload, 0, TIMEOUT),
            &payload[sent..sent + 64]
        ),
        Err(TransportError::Timeout),
        "128 sectors (the first part of the 1 MiB file) take 128 s"
    );
    assert_eq!(clock.now() - start, TIMEOUT);
    let long = Duration::from_secs(200);
    let mut status = [0; 6];
    t.control_in(Control::new(Request::GetStatus, 0, long), &mut status)
        .unwrap();
    assert_eq!(
        clock.now() - start,
        Duration::from_secs(128),
        "answered when the erase ended"
    );
}

#[test]
fn boards_flash_in_parallel_from_worker_threads() {
    let image = small_image(0x10000, 50_000, 4 << 20);
    let (clock, bus) = setup();
    let ports = ["1-1", "1-2", "1-3.4"];
    let boards: Vec<Board> = ports
        .iter()
        .map(|port| {
            let mut config = RomConfig::new(Chip::Esp32S3);
            config.start_mode = Mode::Dfu;
            bus.plug(port, EspRom::new(config))
        })
        .collect();
    std::thread::scope(|s| {
        for port in ports {
            let (bus, clock, image) = (&bus, &clock, &image);
            s.spawn(move || {
                let mut t = bus.open(port).unwrap();
                download(&mut t, clock, body(image), 64).unwrap();
            });
        }
    });
    let offset = data_offset(&image);
    for board in boards {
        assert_eq!(
            board.lock().flash()[0x10000..0x10000 + 50_000],
            body(&image)[offset..offset + 50_000]
        );
    }
}
