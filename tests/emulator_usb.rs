//! The emulated ROM at the USB level: descriptors, standard requests, timing of the
//! synchronous erase, DETACH and re-enumeration on the bus.

use std::sync::Arc;
use std::time::Duration;

use dfu::emulator::{Bus, EspRom, Mode, Presence, RomConfig, SECTOR, Setup, TransferEnd};
use dfu::{Clock, FakeClock};
use dfu::{Request, State};
use firmware::{Chip, FirmwareImage, FlashFile, PackOptions, SUFFIX_LEN, pack};

const NOW: Duration = Duration::from_secs(10);

fn rom(chip: Chip, mode: Mode) -> EspRom {
    let mut config = RomConfig::new(chip);
    config.start_mode = mode;
    EspRom::new(config)
}

fn get(rom: &mut EspRom, request_type: u8, request: u8, value: u16, index: u16) -> TransferEnd {
    let setup = Setup {
        request_type,
        request,
        value,
        index,
        length: 255,
    };
    rom.control_in(&setup, &mut [0; 255], NOW)
}

fn read(rom: &mut EspRom, request_type: u8, request: u8, value: u16, index: u16) -> Vec<u8> {
    let setup = Setup {
        request_type,
        request,
        value,
        index,
        length: 255,
    };
    let mut buf = [0; 255];
    match rom.control_in(&setup, &mut buf, NOW) {
        TransferEnd::Done { len, ready_at } => {
            assert_eq!(ready_at, NOW);
            buf[..len].to_vec()
        }
        other => panic!("{other:?}"),
    }
}

fn out(
    rom: &mut EspRom,
    request_type: u8,
    request: u8,
    value: u16,
    index: u16,
    data: &[u8],
) -> TransferEnd {
    let setup = Setup {
        request_type,
        request,
        value,
        index,
        length: data.len() as u16,
    };
    rom.control_out(&setup, data, NOW)
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

/// Splits a configuration descriptor into its descriptors, checking their lengths add up.
fn walk(config: &[u8]) -> Vec<&[u8]> {
    assert_eq!(usize::from(u16_at(config, 2)), config.len(), "wTotalLength");
    let mut parts = Vec::new();
    let mut rest = config;
    while !rest.is_empty() {
        let len = usize::from(rest[0]);
        assert!(len >= 2 && len <= rest.len(), "descriptor length {len}");
        parts.push(&rest[..len]);
        rest = &rest[len..];
    }
    parts
}

const DFU_FUNCTIONAL_64: [u8; 9] = [9, 0x21, 0x0D, 0xE8, 0x03, 64, 0, 0x10, 0x01];

#[test]
fn runtime_descriptors_are_the_composite_cdc_and_dfu_device() {
    let mut rom = rom(Chip::Esp32S2, Mode::Runtime);
    let all = rom.descriptors().to_vec();
    let (device, config) = all.split_at(18);
    assert_eq!(device[..2], [18, 1]);
    assert_eq!(
        (device[4], device[5], device[6], device[7]),
        (0xEF, 2, 1, 64)
    );
    assert_eq!((u16_at(device, 8), u16_at(device, 10)), (0x303A, 0x0002));
    assert_eq!(u16_at(device, 12), 0x0723);
    assert_eq!(device[17], 1, "one configuration");

    let parts = walk(config);
    assert_eq!(parts[0][1], 2);
    let interfaces: Vec<&[u8]> = parts.iter().copied().filter(|d| d[1] == 4).collect();
    assert_eq!(interfaces.len(), usize::from(config[4]));
    let classes: Vec<(u8, u8, u8, u8)> = interfaces
        .iter()
        .map(|i| (i[2], i[5], i[6], i[7]))
        .collect();
    assert_eq!(classes, [(0, 2, 2, 0), (1, 0x0A, 0, 0), (2, 0xFE, 1, 1)]);
    assert_eq!(interfaces[2][8], 0, "no interface string");
    let iad = parts
        .iter()
        .find(|d| d[1] == 11)
        .expect("an interface association");
    assert_eq!(iad[2..6], [0, 2, 2, 2]);
    let endpoints: Vec<(u8, u8)> = parts
        .iter()
        .filter(|d| d[1] == 5)
        .map(|e| (e[2], e[3]))
        .collect();
    assert_eq!(endpoints, [(0x81, 3), (0x02, 2), (0x82, 2)]);
    assert_eq!(
        parts.iter().filter(|d| d[1] == 0x24).count(),
        4,
        "CDC class descriptors"
    );
    assert_eq!(
        *parts.last().unwrap(),
        DFU_FUNCTIONAL_64,
        "follows the DFU interface"
    );

    // The same bytes through GET_DESCRIPTOR, and truncated to wLength.
    assert_eq!(read(&mut rom, 0x80, 6, 0x0100, 0), device);
    assert_eq!(read(&mut rom, 0x80, 6, 0x0200, 0), config);
    let setup = Setup::from_bytes(&[0x80, 6, 0, 2, 0, 0, 9, 0]);
    let mut header = [0; 64];
    assert_eq!(
        rom.control_in(&setup, &mut header, NOW),
        TransferEnd::Done {
            len: 9,
            ready_at: NOW
        }
    );
    assert_eq!(header[..9], config[..9]);
    assert_eq!(read(&mut rom, 0x81, 6, 0x2100, 2), DFU_FUNCTIONAL_64);
}

#[test]
fn dfu_mode_descriptors_have_one_configurable_dfu_interface() {
    let rom = rom(Chip::Esp32S3, Mode::Dfu);
    let (device, config) = rom.descriptors().split_at(18);
    assert_eq!((u16_at(device, 10), device[4]), (0x0009, 0));
    let parts = walk(config);
    assert_eq!(config[4], 1);
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[1][..9], [9, 4, 0, 0, 0, 0xFE, 1, 2, 0]);
    assert_eq!(parts[2], DFU_FUNCTIONAL_64);

    let mut config = RomConfig::new(Chip::Esp32S2);
    config.start_mode = Mode::Dfu;
    config.dfu_interface = 2;
    config.dfu_pid = Some(0x1234);
    config.transfer_size = 1024;
    let mut rom = EspRom::new(config);
    let (device, config) = rom.descriptors().split_at(18);
    assert_eq!(u16_at(device, 10), 0x1234);
    let parts = walk(config);
    assert_eq!(parts[1][2], 2);
    assert_eq!(u16_at(parts[2], 5), 1024);
    assert_eq!((rom.dfu_interface(), rom.pid()), (2, 0x1234));
    let state = read(&mut rom, Setup::CLASS_IN, Request::GetState as u8, 0, 2);
    assert_eq!(state, [State::DfuIdle as u8]);
    assert_eq!(
        get(&mut rom, Setup::CLASS_IN, Request::GetState as u8, 0, 0),
        TransferEnd::Stall
    );
}

#[test]
fn string_descriptors() {
    let utf16 = |s: &str| -> Vec<u8> {
        let mut d = vec![(2 + 2 * s.len()) as u8, 3];
        d.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        d
    };
    for chip in [Chip::Esp32S2, Chip::Esp32S3] {
        let mut rom = rom(chip, Mode::Runtime);
        assert_eq!(read(&mut rom, 0x80, 6, 0x0300, 0), [4, 3, 0x09, 0x04]);
        assert_eq!(read(&mut rom, 0x80, 6, 0x0301, 0x0409), utf16("Espressif"));
        assert_eq!(read(&mut rom, 0x80, 6, 0x0302, 0x0409), utf16(chip.name()));
        assert_eq!(read(&mut rom, 0x80, 6, 0x0303, 0x0409), utf16("0"));
        assert_eq!(get(&mut rom, 0x80, 6, 0x0304, 0x0409), TransferEnd::Stall);
    }
}

#[test]
fn standard_requests() {
    let mut rom = rom(Chip::Esp32S2, Mode::Runtime);
    let ack = TransferEnd::Done {
        len: 0,
        ready_at: NOW,
    };
    assert_eq!(read(&mut rom, 0x80, 8, 0, 0), [0]);
    assert_eq!(out(&mut rom, 0x00, 9, 1, 0, &[]), ack);
    assert_eq!(read(&mut rom, 0x80, 8, 0, 0), [1]);
    assert_eq!(out(&mut rom, 0x00, 9, 2, 0, &[]), TransferEnd::Stall);
    assert_eq!(
        out(&mut rom, 0x01, 11, 0, 2, &[]),
        ack,
        "SET_INTERFACE DFU alt 0"
    );
    assert_eq!(
        out(&mut rom, 0x01, 11, 1, 2, &[]),
        TransferEnd::Stall,
        "no alt 1"
    );
    assert_eq!(
        out(&mut rom, 0x01, 11, 0, 3, &[]),
        TransferEnd::Stall,
        "no interface 3"
    );
    assert_eq!(read(&mut rom, 0x80, 0, 0, 0), [0, 0]);
    assert_eq!(read(&mut rom, 0x81, 10, 0, 1), [0]);
    assert_eq!(
        read(&mut rom, Setup::CLASS_IN, Request::GetStatus as u8, 0, 2),
        [0, 0, 0, 0, State::AppIdle as u8, 0]
    );
    assert_eq!(
        read(&mut rom, Setup::CLASS_IN, Request::GetState as u8, 0, 2),
        [0]
    );
    // CDC class requests are not emulated; DNLOAD is not a runtime request.
    assert_eq!(out(&mut rom, 0x21, 0x22, 3, 0, &[]), TransferEnd::Stall);
    assert_eq!(
        out(&mut rom, 0x21, Request::Dnload as u8, 0, 2, &[1]),
        TransferEnd::Stall
    );
    assert_eq!(rom.state(), State::AppIdle);
}

#[test]
fn detach_drops_off_the_bus_then_returns_in_dfu_mode() {
    let mut rom = rom(Chip::Esp32S2, Mode::Runtime);
    let setup = Setup::from_bytes(&[0x21, 0, 0xE8, 0x03, 2, 0, 0, 0]);
    assert_eq!(rom.control_out(&setup, &[], NOW), TransferEnd::Gone);
    assert_eq!(
        rom.presence(),
        Presence::Detached {
            back_at: Some(NOW + Duration::from_secs(1))
        }
    );
    assert_eq!(get(&mut rom, 0x80, 6, 0x0100, 0), TransferEnd::Gone);
    assert_eq!(rom.reattach(), None);
    assert_eq!(
        (rom.presence(), rom.mode()),
        (Presence::Attached, Mode::Dfu)
    );
    assert_eq!(rom.descriptors()[18 + 9 + 7], 2, "interface protocol 2");
    assert_eq!(
        read(&mut rom, Setup::CLASS_IN, Request::GetStatus as u8, 0, 0),
        [0, 0, 0, 0, State::DfuIdle as u8, 0]
    );
}

#[test]
fn erase_holds_the_first_dnload_of_each_entry() {
    let files = [
        FlashFile {
            address: 0x10000,
            name: "app.bin".into(),
            data: vec![0x5A; 10_000],
        },
        FlashFile {
            address: 0x20800,
            name: "data.bin".into(),
            data: vec![0xA5; 0x1000],
        },
    ];
    let image = pack(&files, &PackOptions::default()).unwrap();
    let regions = FirmwareImage::describe(&image).unwrap().regions;
    let payload = &image[..image.len() - SUFFIX_LEN];
    let erase = Duration::from_millis(40);
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.start_mode = Mode::Dfu;
    config.transfer_size = 4096;
    config.poll_timeout = Duration::ZERO;
    config.erase_time_per_sector = erase;
    let mut rom = EspRom::new(config);
    let dnload = Setup::from_bytes(&[0x21, 1, 0, 0, 0, 0, 0, 0]);
    let getstatus = Setup::from_bytes(&[0xA1, 3, 0, 0, 0, 0, 6, 0]);
    let mut status = [0; 6];
    let mut now = NOW;
    // Sends payload[from..to] at `now`; returns when the last DNLOAD completes.
    let mut send = |from: usize, to: usize, rom: &mut EspRom, now: Duration| {
        let mut last = now;
        for chunk in payload[from..to].chunks(4096) {
            let done = rom.control_out(&dnload, chunk, now);
            let TransferEnd::Done { ready_at, .. } = done else {
                panic!("{done:?}")
            };
            // A GETSTATUS sent at once waits for the erase too.
            assert_eq!(
                rom.control_in(&getstatus, &mut status, now),
                TransferEnd::Done { len: 6, ready_at }
            );
            assert_eq!(status[4], State::DfuDnloadIdle as u8);
            last = ready_at;
        }
        last
    };
    let app = regions[0].parts[0].payload_offset;
    let data = regions[1].parts[0].payload_offset;
    assert_eq!(
        send(0, app, &mut rom, now),
        now,
        "index and flash_params: no erase"
    );
    let ready = send(app, app + 64, &mut rom, now);
    assert_eq!(ready, now + erase * 3, "10000 bytes at 0x10000: 3 sectors");
    assert!(
        rom.flash()[0x10000 + 64..0x13000]
            .iter()
            .all(|&b| b == 0xFF)
    );
    now = ready;
    assert_eq!(
        send(app + 64, data, &mut rom, now),
        now,
        "no erase in an entry"
    );
    let ready = send(data, data + 1, &mut rom, now);
    assert_eq!(ready, now + erase * 2, "4 KiB at 0x20800 spans 2 sectors");
    now = ready;
    assert_eq!(send(data + 1, payload.len(), &mut rom, now), now);
    assert_eq!(rom.flash()[0x10000..0x10000 + 10_000], [0x5A; 10_000]);
    assert_eq!(rom.flash()[0x20800..0x21800], [0xA5; SECTOR]);
    assert!(rom.flash()[0x20000..0x20800].iter().all(|&b| b == 0xFF));
}

#[test]
fn bus_lists_boards_and_renumbers_them_on_re_enumeration() {
    let clock = Arc::new(FakeClock::default());
    let bus = Bus::new(clock.clone());
    let s2 = bus.plug("1-1", rom(Chip::Esp32S2, Mode::Runtime));
    bus.plug("1-2", rom(Chip::Esp32S3, Mode::Runtime));
    let devices = bus.devices();
    let summary: Vec<(&str, u8, u16, Mode, u8)> = devices
        .iter()
        .map(|d| (d.path.as_str(), d.devnum, d.pid, d.mode, d.interface))
        .collect();
    assert_eq!(
        summary,
        [
            ("1-1", 1, 0x0002, Mode::Runtime, 2),
            ("1-2", 2, 0x0009, Mode::Runtime, 2)
        ]
    );
    assert_eq!((devices[0].vid, devices[0].bcd_device), (0x303A, 0x0723));
    assert_eq!(
        (devices[0].serial.as_str(), devices[0].transfer_size),
        ("0", 64)
    );

    let detach = Setup::from_bytes(&[0x21, 0, 0xE8, 0x03, 2, 0, 0, 0]);
    assert_eq!(
        s2.lock().control_out(&detach, &[], clock.now()),
        TransferEnd::Gone
    );
    assert_eq!(bus.devices().len(), 1);
    clock.advance(Duration::from_millis(999));
    assert_eq!(bus.devices().len(), 1);
    clock.advance(Duration::from_millis(1));
    let devices = bus.devices();
    assert_eq!(
        (
            devices[0].path.as_str(),
            devices[0].devnum,
            devices[0].mode,
            devices[0].interface
        ),
        ("1-1", 3, Mode::Dfu, 0)
    );

    let board = bus.unplug("1-1").unwrap();
    assert_eq!(bus.devices().len(), 1);
    board.lock().flash_mut()[0] = 0;
    bus.plug("1-3", board.clone());
    let replugged = bus.devices().into_iter().find(|d| d.path == "1-3").unwrap();
    assert_eq!(
        (replugged.mode, replugged.devnum),
        (Mode::Runtime, 4),
        "powered on anew"
    );
    assert_eq!(board.lock().flash()[0], 0, "the flash is kept");
}
