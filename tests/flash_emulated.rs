//! The engine against the emulated ESP32-S2/S3 ROM: real images flashed from download
//! boot (runtime) mode and checked byte for byte, and a table of injected faults, each
//! with its exact outcome and within its deadline. Time is a fake clock: nothing sleeps.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{realistic_image, vector};
use dfu::emulator::{Board, Bus, EspRom, Fault, Mode, RomConfig, When};
use dfu::{
    Clock, Deadlines, DfuError, Engine, FakeClock, Observer, Operation, Payload, Phase, Progress,
    Request, State, Status, TransportError,
};
use firmware::{Chip, FirmwareImage};

const PORT: &str = "1-1";

/// Records what the engine reports and cancels after a given number of bytes.
#[derive(Default)]
struct Recorder {
    phases: Vec<Phase>,
    erasing: Vec<String>,
    cancel_after: Option<u64>,
    done: u64,
}

impl Observer for Recorder {
    fn progress(&mut self, p: Progress<'_>) {
        if self.phases.last() != Some(&p.phase) {
            self.phases.push(p.phase);
        }
        if p.phase == Phase::Erasing {
            self.erasing
                .push(p.part.map(|part| part.name.clone()).unwrap_or_default());
        }
        self.done = p.done;
    }
    fn cancelled(&self) -> bool {
        self.cancel_after.is_some_and(|n| self.done >= n)
    }
}

struct Run {
    result: Result<(), DfuError>,
    board: Board,
    recorder: Recorder,
    elapsed: Duration,
}

/// Plugs a board with `config` at PORT and flashes `file` with the engine.
fn flash(config: RomConfig, file: &[u8], deadlines: Deadlines, cancel_after: Option<u64>) -> Run {
    let clock = Arc::new(FakeClock::default());
    let bus = Bus::new(clock.clone());
    let board = bus.plug(PORT, EspRom::new(config));
    let image = FirmwareImage::describe(file).unwrap();
    let transport = bus.open(PORT).unwrap();
    let interface = transport.interface();
    let mut recorder = Recorder {
        cancel_after,
        ..Recorder::default()
    };
    let mut reenumerate = bus.reenumerate(PORT);
    let result = Engine::new(&*clock, deadlines, &mut recorder).flash(
        transport,
        interface,
        &mut reenumerate,
        Payload::image(&image, file),
    );
    Run {
        result,
        board,
        recorder,
        elapsed: clock.now(),
    }
}

/// Asserts the board's flash holds every region of `file` at its address.
fn assert_flash_holds(board: &Board, file: &[u8]) {
    let image = FirmwareImage::describe(file).unwrap();
    let rom = board.lock();
    for region in &image.regions {
        let expected: Vec<u8> = region
            .parts
            .iter()
            .flat_map(|p| file[p.payload_offset..p.payload_offset + p.size as usize].to_vec())
            .collect();
        let start = region.address as usize;
        assert!(
            rom.flash()[start..start + expected.len()] == expected[..],
            "{} differs in flash",
            region.name
        );
    }
}

#[test]
fn esp_idf_vectors_and_a_realistic_image_flash_into_s2_and_s3_from_runtime_mode() {
    for chip in [Chip::Esp32S2, Chip::Esp32S3] {
        let realistic = realistic_image(chip);
        let v1 = std::fs::read(vector("1/dfu.bin")).unwrap();
        let v2 = std::fs::read(vector("2/dfu.bin")).unwrap();
        for file in [&v1, &v2, &realistic] {
            let run = flash(RomConfig::new(chip), file, Deadlines::default(), None);
            assert_eq!(run.result, Ok(()), "{chip}");
            assert_eq!(run.board.lock().mode(), Mode::Dfu, "went through DETACH");
            assert_flash_holds(&run.board, file);
            assert_eq!(
                [
                    Phase::Detaching,
                    Phase::WaitingForBoard,
                    Phase::Preparing,
                    Phase::Writing,
                    Phase::Erasing,
                ],
                run.recorder.phases[..5],
                "the index is written, then the first region erased"
            );
            assert!(run.recorder.phases.ends_with(&[
                Phase::Writing,
                Phase::Manifesting,
                Phase::Done
            ]));
        }
        let run = flash(RomConfig::new(chip), &realistic, Deadlines::default(), None);
        assert_eq!(
            run.recorder.erasing,
            [
                "bootloader.bin",
                "partition-table.bin",
                "app.bin",
                "app.bin.1",
                "app.bin.2"
            ]
        );
    }
}

/// What a fault row must end in.
#[derive(Debug)]
enum Expect {
    Flashed,
    Device {
        status: Status,
        phase: Phase,
        block: Option<u64>,
    },
    Transfer {
        error: TransportError,
        request: Request,
        phase: Phase,
        block: Option<u64>,
    },
    BusyTooLong {
        block: u64,
    },
    NotBack,
    Cancelled,
}

struct Row {
    name: &'static str,
    faults: Vec<Fault>,
    tweak: fn(&mut RomConfig),
    cancel_after: Option<u64>,
    expect: Expect,
    /// The longest the row may take (fake time).
    deadline: Duration,
}

fn row(name: &'static str, faults: Vec<Fault>, expect: Expect, deadline_s: u64) -> Row {
    Row {
        name,
        faults,
        tweak: |_| {},
        cancel_after: None,
        expect,
        deadline: Duration::from_secs(deadline_s),
    }
}

fn check(row: &Row, run: &Run) {
    let name = row.name;
    assert!(
        run.elapsed <= row.deadline,
        "{name}: took {:?}, deadline {:?}",
        run.elapsed,
        row.deadline
    );
    match (&row.expect, &run.result) {
        (Expect::Flashed, Ok(())) => {}
        (
            Expect::Device {
                status,
                phase,
                block,
            },
            Err(DfuError::Device { status: s, at, .. }),
        ) => {
            assert_eq!((s, &at.phase, &at.block), (status, phase, block), "{name}");
        }
        (
            Expect::Transfer {
                error,
                request,
                phase,
                block,
            },
            Err(DfuError::Transfer {
                error: e,
                operation,
                at,
            }),
        ) => {
            assert_eq!(e, error, "{name}");
            assert_eq!(operation, &Operation::Request(*request), "{name}");
            assert_eq!((&at.phase, &at.block), (phase, block), "{name}");
        }
        (Expect::BusyTooLong { block }, Err(DfuError::BusyTooLong { at, .. })) => {
            assert_eq!(at.block, Some(*block), "{name}");
        }
        (Expect::NotBack, Err(DfuError::NotBackAfterDetach { .. })) => {}
        (Expect::Cancelled, Err(DfuError::Cancelled { .. })) => {}
        (expected, got) => panic!("{name}: expected {expected:?}, got {got:?}"),
    }
    if let Err(error) = &run.result {
        let message = error.to_string();
        assert!(message.len() > 40, "{name}: {message}");
    }
}

#[test]
fn every_injected_fault_ends_as_it_must_within_its_deadline() {
    use Expect::*;
    let file = std::fs::read(vector("1/dfu.bin")).unwrap();
    // Vector 1's payload is 10240 bytes: 160 blocks of 64. The index and flash_params.dat
    // come first; the block holding a region's first byte makes the ROM erase it.
    let last_block: u32 = 159;
    let zero_length_block = u64::from(last_block) + 1;
    let first_erase =
        FirmwareImage::describe(&file).unwrap().regions[0].parts[0].payload_offset as u32 / 64;
    let rows = vec![
        row("healthy board", vec![], Flashed, 5),
        row(
            "stale dfuDNLOAD-IDLE is aborted",
            vec![Fault::StartIn(State::DfuDnloadIdle)],
            Flashed,
            5,
        ),
        row(
            "left-over dfuERROR is cleared",
            vec![Fault::StartIn(State::DfuError)],
            Flashed,
            5,
        ),
        row(
            "stalling DETACH is normal",
            vec![Fault::StallDetach],
            Flashed,
            5,
        ),
        row(
            "stall at block 0",
            vec![Fault::StallAt(0)],
            Transfer {
                error: TransportError::Stall,
                request: Request::Dnload,
                phase: Phase::Writing,
                block: Some(0),
            },
            5,
        ),
        row(
            "stall mid-file",
            vec![Fault::StallAt(40)],
            Transfer {
                error: TransportError::Stall,
                request: Request::Dnload,
                phase: Phase::Writing,
                block: Some(40),
            },
            5,
        ),
        row(
            "errWRITE at block 12",
            vec![Fault::ErrorAt {
                block: 12,
                status: Status::ErrWrite,
            }],
            Device {
                status: Status::ErrWrite,
                phase: Phase::Writing,
                block: Some(12),
            },
            5,
        ),
        row(
            "errERASE at the first erase",
            vec![Fault::ErrorAt {
                block: first_erase,
                status: Status::ErrErase,
            }],
            Device {
                status: Status::ErrErase,
                phase: Phase::Erasing,
                block: Some(first_erase.into()),
            },
            5,
        ),
        row(
            "errVERIFY at the last block",
            vec![Fault::ErrorAt {
                block: last_block,
                status: Status::ErrVerify,
            }],
            Device {
                status: Status::ErrVerify,
                phase: Phase::Writing,
                block: Some(u64::from(last_block)),
            },
            5,
        ),
        row(
            "dfuERROR after the zero-length DNLOAD is a failure",
            vec![Fault::ErrorInManifest(Status::ErrFirmware)],
            Device {
                status: Status::ErrFirmware,
                phase: Phase::Manifesting,
                block: Some(zero_length_block),
            },
            5,
        ),
        row(
            "unplug at block 30",
            vec![Fault::Unplug(When::Block(30))],
            Transfer {
                error: TransportError::NoDevice,
                request: Request::Dnload,
                phase: Phase::Writing,
                block: Some(30),
            },
            5,
        ),
        row(
            "unplug during an erase",
            vec![Fault::Unplug(When::Erase)],
            Transfer {
                error: TransportError::NoDevice,
                request: Request::Dnload,
                phase: Phase::Erasing,
                block: Some(first_erase.into()),
            },
            5,
        ),
        row(
            "unplug while manifesting",
            vec![Fault::Unplug(When::Manifest)],
            Transfer {
                error: TransportError::NoDevice,
                request: Request::GetStatus,
                phase: Phase::Manifesting,
                block: Some(zero_length_block),
            },
            5,
        ),
        row(
            "unplug at DETACH: never comes back",
            vec![Fault::Unplug(When::Detach)],
            NotBack,
            12,
        ),
        row(
            "comes back at another port",
            vec![Fault::ReenumerateAt("1-4".into())],
            NotBack,
            12,
        ),
        row(
            "GETSTATUS never completes",
            vec![Fault::HangGetStatusAfter(7)],
            Transfer {
                error: TransportError::Timeout,
                request: Request::GetStatus,
                phase: Phase::Writing,
                block: Some(7),
            },
            40,
        ),
        row(
            "stuck in dfuDNBUSY",
            vec![Fault::StuckBusyAt(9)],
            BusyTooLong { block: 9 },
            130,
        ),
        Row {
            tweak: |c| c.erase_time_per_sector = Duration::from_secs(60),
            ..row(
                "erase slower than any timeout",
                vec![],
                Transfer {
                    error: TransportError::Timeout,
                    request: Request::Dnload,
                    phase: Phase::Erasing,
                    block: Some(first_erase.into()),
                },
                40,
            )
        },
        Row {
            // Each region is one sector here: 6 s per erase, past dfu-util's fixed 5 s timeout.
            tweak: |c| c.erase_time_per_sector = Duration::from_secs(6),
            ..row("erase longer than 5 s succeeds", vec![], Flashed, 25)
        },
        Row {
            tweak: |c| c.start_mode = Mode::Dfu,
            ..row("board already in DFU mode", vec![], Flashed, 5)
        },
        Row {
            tweak: |c| c.transfer_size = 1024,
            ..row("1024-byte transfers", vec![], Flashed, 5)
        },
        Row {
            tweak: |c| {
                c.start_mode = Mode::Dfu;
                c.faults = vec![Fault::StartIn(State::DfuError)];
            },
            ..row("DFU mode with a left-over error", vec![], Flashed, 5)
        },
        Row {
            cancel_after: Some(4096),
            ..row("cancelled after 4 KiB", vec![], Cancelled, 5)
        },
        Row {
            tweak: |c| c.poll_timeout = Duration::from_millis(20),
            ..row("20 ms poll timeouts are honoured", vec![], Flashed, 10)
        },
    ];
    assert!(rows.len() >= 20);
    for row in &rows {
        let mut config = RomConfig::new(Chip::Esp32S2);
        config.faults = row.faults.clone();
        (row.tweak)(&mut config);
        let deadlines = Deadlines::default();
        let run = flash(config, &file, deadlines, row.cancel_after);
        check(row, &run);
        if matches!(row.expect, Expect::Flashed) {
            assert_flash_holds(&run.board, &file);
        }
        if matches!(row.expect, Expect::Cancelled) {
            // ABORT was sent, unless Cancel came while the board was busy with a block
            // (where DFU 1.1 allows only GETSTATUS).
            let state = run.board.lock().state();
            assert!(
                [State::DfuIdle, State::DfuDnloadSync, State::DfuDnBusy].contains(&state),
                "{state:?}"
            );
        }
    }
}

#[test]
fn a_corrupted_payload_is_refused_by_the_board_with_err_verify() {
    // A file whose index MD5 no longer matches its data (and whose suffix was rebuilt)
    // is refused by our reader; sent anyway as raw bytes, the ROM refuses it too.
    let mut file = std::fs::read(vector("1/dfu.bin")).unwrap();
    let image = FirmwareImage::describe(&file).unwrap();
    let at = image.regions[1].parts[0].payload_offset;
    file[at] ^= 0xFF;
    let clock = Arc::new(FakeClock::default());
    let bus = Bus::new(clock.clone());
    let mut config = RomConfig::new(Chip::Esp32S3);
    config.start_mode = Mode::Dfu;
    bus.plug(PORT, EspRom::new(config));
    let transport = bus.open(PORT).unwrap();
    let interface = transport.interface();
    let mut observer = |_: Progress<'_>| {};
    let result = Engine::new(&*clock, Deadlines::default(), &mut observer).flash(
        transport,
        interface,
        &mut bus.reenumerate(PORT),
        Payload::raw(&file[..file.len() - 16]),
    );
    match result {
        Err(DfuError::Device {
            status: Status::ErrVerify,
            ..
        }) => {}
        other => panic!("expected errVERIFY, got {other:?}"),
    }
}

/// An ESP32-S2 image with one 3 MiB app part (bigger than mkdfu's 512 KiB parts).
fn three_mib_part() -> Vec<u8> {
    let files = [firmware::FlashFile {
        address: 0x10000,
        name: "app.bin".into(),
        data: common::sample(3 << 20, 9),
    }];
    let options = firmware::PackOptions {
        flash_size: 8 << 20,
        part_size: 4 << 20,
        ..Default::default()
    };
    firmware::pack(&files, &options).unwrap()
}

/// Slow flash: 60 ms per 4 KiB sector, 46 s for a 3 MiB part.
fn slow_flash() -> RomConfig {
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.flash_size = 8 << 20;
    config.erase_time_per_sector = Duration::from_millis(60);
    config
}

#[test]
fn a_3_mib_part_on_slow_flash_may_erase_for_more_than_30_s() {
    let file = three_mib_part();
    let run = flash(slow_flash(), &file, Deadlines::default(), None);
    run.result.unwrap();
    assert_flash_holds(&run.board, &file);
    assert!(run.elapsed > Duration::from_secs(46), "{:?}", run.elapsed);
}

#[test]
fn cancel_during_an_erase_ends_as_soon_as_the_board_answers() {
    /// Cancels as soon as the erase of the first part starts; notes when.
    struct CancelOnErase<'c> {
        clock: &'c FakeClock,
        pressed: Option<Duration>,
    }
    impl Observer for CancelOnErase<'_> {
        fn progress(&mut self, p: Progress<'_>) {
            if p.phase == Phase::Erasing && p.part.is_some() && self.pressed.is_none() {
                self.pressed = Some(self.clock.now());
            }
        }
        fn cancelled(&self) -> bool {
            self.pressed.is_some()
        }
    }
    let file = three_mib_part();
    let clock = Arc::new(FakeClock::default());
    let bus = Bus::new(clock.clone());
    bus.plug(PORT, EspRom::new(slow_flash()));
    let image = FirmwareImage::describe(&file).unwrap();
    let transport = bus.open(PORT).unwrap();
    let interface = transport.interface();
    let mut observer = CancelOnErase {
        clock: &clock,
        pressed: None,
    };
    let result = Engine::new(&*clock, Deadlines::default(), &mut observer).flash(
        transport,
        interface,
        &mut bus.reenumerate(PORT),
        Payload::image(&image, &file),
    );
    assert!(
        matches!(result, Err(DfuError::Cancelled { .. })),
        "{result:?}"
    );
    let held = clock.now() - observer.pressed.unwrap();
    // The board holds the DNLOAD for its 46 s erase; the flash ends within 1 s after.
    let erase = Duration::from_millis(60 * 768);
    assert!(
        held >= erase && held <= erase + Duration::from_secs(1),
        "{held:?}"
    );
}
