//! The download engine against a scripted fake DFU device and a fake clock: no real
//! sleeping, every request and its timeout recorded.

use std::num::NonZeroU16;
use std::time::Duration;

use dfu::{
    Attributes, CANCEL_CHECK, Clock, Control, Deadlines, DfuError, DfuInterface, Engine, FakeClock,
    FunctionalDescriptor, InterfaceMode, Location, Operation, Payload, Phase, Progress,
    ProtocolError, Request, State, Status, Transport, TransportError,
};
use firmware::{FirmwareImage, FlashFile, PackOptions, pack};
use station::advice::{Platform, advice};

const LONG: Duration = Duration::from_secs(30);
const SHORT: Duration = Duration::from_secs(5);

/// One thing the host did to the device.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Out {
        request: Request,
        value: u16,
        len: usize,
        timeout: Duration,
    },
    In {
        request: Request,
        timeout: Duration,
    },
    Reset,
}

/// What the device does after the zero-length DNLOAD.
#[derive(Debug, Clone, Copy)]
enum Manifest {
    /// dfuMANIFEST (busy, poll `manifest_poll_ms`) then dfuIDLE.
    Tolerant,
    /// dfuMANIFEST then dfuMANIFEST-WAIT-RESET; the bus reset makes it vanish.
    WaitReset,
    /// It is gone at once: GETSTATUS fails with NoDevice.
    Vanish,
    /// dfuERROR with this status.
    Fail(Status),
}

/// A DFU device following the DFU 1.1 state machine, with scripted quirks.
struct FakeDevice {
    state: State,
    status: Status,
    /// dfuDNBUSY replies per block before dfuDNLOAD-IDLE, each with `busy_poll_ms`.
    busy_polls: u32,
    busy_poll_ms: u32,
    /// bwPollTimeout in non-busy replies (the host must not sleep then).
    idle_poll_ms: u32,
    manifest_poll_ms: u32,
    manifest: Manifest,
    /// dfuERROR with this status after the block with this index.
    fail_block: Option<(usize, Status)>,
    /// The n-th (from 0) request of this kind fails with this error.
    fail_request: Option<(Request, usize, TransportError)>,
    detach_result: Result<(), TransportError>,
    /// Bytes of each GETSTATUS reply (6 unless a test breaks it).
    reply_len: usize,
    calls: Vec<Call>,
    received: Vec<u8>,
    blocks: Vec<u16>,
    busy_left: u32,
    manifested: bool,
}

impl FakeDevice {
    fn new() -> FakeDevice {
        FakeDevice {
            state: State::DfuIdle,
            status: Status::Ok,
            busy_polls: 0,
            busy_poll_ms: 0,
            idle_poll_ms: 0,
            manifest_poll_ms: 0,
            manifest: Manifest::Tolerant,
            fail_block: None,
            fail_request: None,
            detach_result: Ok(()),
            reply_len: 6,
            calls: Vec::new(),
            received: Vec::new(),
            blocks: Vec::new(),
            busy_left: 0,
            manifested: false,
        }
    }

    fn runtime() -> FakeDevice {
        FakeDevice {
            state: State::AppIdle,
            ..FakeDevice::new()
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Out { request, .. } | Call::In { request, .. } => Some(*request),
                Call::Reset => None,
            })
            .collect()
    }

    fn injected_failure(&self, request: Request) -> Option<TransportError> {
        let (kind, nth, error) = self.fail_request.clone()?;
        let seen = self.requests().iter().filter(|r| **r == kind).count();
        (kind == request && seen == nth + 1).then_some(error)
    }

    fn reply(&self, buf: &mut [u8], poll_ms: u32) -> usize {
        let poll = poll_ms.to_le_bytes();
        buf[..6].copy_from_slice(&[
            self.status as u8,
            poll[0],
            poll[1],
            poll[2],
            self.state as u8,
            0,
        ]);
        self.reply_len
    }

    fn fail(&mut self, status: Status) {
        self.state = State::DfuError;
        self.status = status;
    }
}

impl Transport for FakeDevice {
    fn control_out(&mut self, control: Control, data: &[u8]) -> Result<(), TransportError> {
        let Control { value, timeout, .. } = control;
        let request = Request::from_u8(control.request).expect("a DFU request");
        self.calls.push(Call::Out {
            request,
            value,
            len: data.len(),
            timeout,
        });
        if let Some(error) = self.injected_failure(request) {
            return Err(error);
        }
        match (request, self.state) {
            (Request::Detach, _) => self.detach_result.clone(),
            (Request::Dnload, State::DfuIdle | State::DfuDnloadIdle) if data.is_empty() => {
                self.state = State::DfuManifestSync;
                Ok(())
            }
            (Request::Dnload, State::DfuIdle | State::DfuDnloadIdle) => {
                self.blocks.push(value);
                self.received.extend_from_slice(data);
                self.state = State::DfuDnloadSync;
                self.busy_left = self.busy_polls;
                Ok(())
            }
            (Request::Abort, State::DfuIdle | State::DfuDnloadIdle | State::DfuUploadIdle) => {
                self.state = State::DfuIdle;
                Ok(())
            }
            (Request::ClrStatus, State::DfuError) => {
                self.state = State::DfuIdle;
                self.status = Status::Ok;
                Ok(())
            }
            _ => {
                self.fail(Status::ErrStalledPkt);
                Err(TransportError::Stall)
            }
        }
    }

    fn control_in(&mut self, control: Control, buf: &mut [u8]) -> Result<usize, TransportError> {
        let timeout = control.timeout;
        let request = Request::from_u8(control.request).expect("a DFU request");
        self.calls.push(Call::In { request, timeout });
        if let Some(error) = self.injected_failure(request) {
            return Err(error);
        }
        assert_eq!(request, Request::GetStatus, "only GETSTATUS is expected");
        match self.state {
            State::DfuDnloadSync | State::DfuDnBusy if self.busy_left > 0 => {
                self.busy_left -= 1;
                self.state = State::DfuDnBusy;
                Ok(self.reply(buf, self.busy_poll_ms))
            }
            State::DfuDnloadSync | State::DfuDnBusy => {
                match self.fail_block {
                    Some((index, status)) if index + 1 == self.blocks.len() => self.fail(status),
                    _ => self.state = State::DfuDnloadIdle,
                }
                Ok(self.reply(buf, self.idle_poll_ms))
            }
            State::DfuManifestSync | State::DfuManifest => match self.manifest {
                Manifest::Vanish => Err(TransportError::NoDevice),
                Manifest::Fail(status) => {
                    self.fail(status);
                    Ok(self.reply(buf, 0))
                }
                _ if !self.manifested => {
                    self.manifested = true;
                    self.state = State::DfuManifest;
                    Ok(self.reply(buf, self.manifest_poll_ms))
                }
                Manifest::WaitReset => {
                    self.state = State::DfuManifestWaitReset;
                    Ok(self.reply(buf, 0))
                }
                Manifest::Tolerant => {
                    self.state = State::DfuIdle;
                    Ok(self.reply(buf, self.idle_poll_ms))
                }
            },
            _ => Ok(self.reply(buf, self.idle_poll_ms)),
        }
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.calls.push(Call::Reset);
        match self.state {
            State::DfuManifestWaitReset => Err(TransportError::NoDevice),
            _ => Ok(()),
        }
    }
}

/// bmAttributes: CanDnload | ManifestationTolerant | WillDetach.
const TOLERANT: u8 = 0b1101;

fn descriptor(transfer_size: u16, attributes: u8) -> FunctionalDescriptor {
    FunctionalDescriptor {
        attributes: Attributes(attributes),
        detach_timeout_ms: 1000,
        transfer_size: NonZeroU16::new(transfer_size).unwrap(),
        dfu_version: 0x0110,
    }
}

fn dfu_interface(transfer_size: u16, attributes: u8) -> DfuInterface {
    DfuInterface {
        mode: InterfaceMode::Dfu,
        descriptor: descriptor(transfer_size, attributes),
    }
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Downloads `payload` to `device` in DFU mode with default deadlines; returns the result
/// and the fake time spent.
fn download(
    device: &mut FakeDevice,
    transfer_size: u16,
    attributes: u8,
    payload: &[u8],
) -> (Result<(), DfuError>, Duration) {
    let clock = FakeClock::default();
    let mut observer = |_: Progress<'_>| {};
    let mut engine = Engine::new(&clock, Deadlines::default(), &mut observer);
    let result = engine.download(
        device,
        &descriptor(transfer_size, attributes),
        Payload::raw(payload),
    );
    (result, clock.now())
}

#[test]
fn sends_every_block_then_zero_length_and_reaches_idle() {
    let mut device = FakeDevice::new();
    let payload = data(1000);
    let (result, _) = download(&mut device, 64, TOLERANT, &payload);
    result.unwrap();
    assert_eq!(device.received, payload);
    assert_eq!(device.blocks, (0..16).collect::<Vec<u16>>());
    let last = device.calls.iter().rev().find_map(|c| match c {
        Call::Out {
            request: Request::Dnload,
            value,
            len,
            ..
        } => Some((*value, *len)),
        _ => None,
    });
    assert_eq!(last, Some((16, 0)));
    assert_eq!(device.state, State::DfuIdle);
}

#[test]
fn every_dnload_is_followed_at_once_by_getstatus_with_long_timeouts() {
    let mut device = FakeDevice::new();
    download(&mut device, 64, TOLERANT, &data(200)).0.unwrap();
    let mut dnloads = 0;
    for pair in device.calls.windows(2) {
        if let Call::Out {
            request: Request::Dnload,
            timeout,
            ..
        } = pair[0]
        {
            dnloads += 1;
            assert_eq!(timeout, LONG);
            assert_eq!(
                pair[1],
                Call::In {
                    request: Request::GetStatus,
                    timeout: LONG
                }
            );
        }
    }
    assert_eq!(dnloads, 4 + 1, "4 blocks and the zero-length DNLOAD");
}

#[test]
fn block_numbers_wrap_past_65535() {
    let mut device = FakeDevice::new();
    let payload = data(70_000);
    download(&mut device, 1, TOLERANT, &payload).0.unwrap();
    assert_eq!(device.received, payload);
    assert_eq!(device.blocks.len(), 70_000);
    assert_eq!(device.blocks[65_535], 65_535);
    assert_eq!(device.blocks[65_536], 0);
    assert_eq!(device.blocks[69_999], (69_999 % 65_536) as u16);
    assert!(device.calls.contains(&Call::Out {
        request: Request::Dnload,
        value: (70_000 % 65_536) as u16,
        len: 0,
        timeout: LONG,
    }));
}

#[test]
fn sleeps_exactly_poll_timeout_and_only_while_busy() {
    let mut device = FakeDevice {
        busy_polls: 2,
        busy_poll_ms: 7,
        idle_poll_ms: 50,
        manifest_poll_ms: 11,
        ..FakeDevice::new()
    };
    let (result, elapsed) = download(&mut device, 64, TOLERANT, &data(640));
    result.unwrap();
    // 10 blocks x 2 busy replies x 7 ms, plus one dfuMANIFEST reply of 11 ms; the 50 ms
    // of the non-busy replies are never slept.
    assert_eq!(elapsed, Duration::from_millis(10 * 2 * 7 + 11));
}

#[test]
fn zero_poll_timeout_while_busy_means_no_sleep() {
    let mut device = FakeDevice {
        busy_polls: 3,
        ..FakeDevice::new()
    };
    let (result, elapsed) = download(&mut device, 64, TOLERANT, &data(128));
    result.unwrap();
    assert_eq!(elapsed, Duration::ZERO);
    let polls = device
        .requests()
        .iter()
        .filter(|r| **r == Request::GetStatus)
        .count();
    // One at the start, 2 blocks x (3 busy + 1 idle), 2 in manifestation.
    assert_eq!(polls, 1 + 2 * 4 + 2);
}

#[test]
fn aborts_from_dnload_idle_before_starting() {
    let mut device = FakeDevice {
        state: State::DfuDnloadIdle,
        ..FakeDevice::new()
    };
    download(&mut device, 64, TOLERANT, &data(64)).0.unwrap();
    assert_eq!(
        device.calls[..4],
        [
            Call::In {
                request: Request::GetStatus,
                timeout: LONG
            },
            Call::Out {
                request: Request::Abort,
                value: 0,
                len: 0,
                timeout: SHORT
            },
            Call::In {
                request: Request::GetStatus,
                timeout: LONG
            },
            Call::Out {
                request: Request::Dnload,
                value: 0,
                len: 64,
                timeout: LONG
            },
        ]
    );
}

#[test]
fn clears_dfu_error_before_starting() {
    let mut device = FakeDevice {
        state: State::DfuError,
        status: Status::ErrUnknown,
        ..FakeDevice::new()
    };
    download(&mut device, 64, TOLERANT, &data(64)).0.unwrap();
    assert_eq!(
        device.requests()[..4],
        [
            Request::GetStatus,
            Request::ClrStatus,
            Request::GetStatus,
            Request::Dnload
        ]
    );
    assert_eq!(device.received, data(64));
}

#[test]
fn device_in_app_mode_is_an_error_and_gets_no_data() {
    let mut device = FakeDevice::runtime();
    let (result, _) = download(&mut device, 64, TOLERANT, &data(64));
    let error = result.unwrap_err();
    assert_eq!(
        error,
        DfuError::AppMode {
            state: State::AppIdle
        }
    );
    assert_eq!(error.code(), "dfu-app-mode");
    let advice = advice(error.code(), None, Platform::current());
    assert!(advice.contains("download mode"), "{advice}");
    assert_eq!(device.requests(), [Request::GetStatus]);
}

#[test]
fn state_that_abort_and_clrstatus_cannot_fix_is_unexpected() {
    let mut device = FakeDevice {
        state: State::DfuManifestWaitReset,
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, TOLERANT, &data(64));
    let error = result.unwrap_err();
    assert_eq!(
        error,
        DfuError::UnexpectedState {
            state: State::DfuManifestWaitReset,
            expected: State::DfuIdle,
            at: Location {
                phase: Phase::Preparing,
                block: None
            },
        }
    );
    assert!(
        error
            .to_string()
            .contains("dfuMANIFEST-WAIT-RESET while getting the board ready, where dfuIDLE")
    );
    assert_eq!(device.requests(), [Request::GetStatus]);
}

#[test]
fn short_status_reply_is_a_typed_error() {
    let mut device = FakeDevice {
        reply_len: 4,
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, TOLERANT, &data(64));
    let error = result.unwrap_err();
    assert_eq!(
        error,
        DfuError::BadReply {
            error: ProtocolError::ShortStatus(4),
            at: Location {
                phase: Phase::Preparing,
                block: None
            },
        }
    );
    assert_eq!(error.code(), "dfu-bad-reply");
}

#[test]
fn error_after_zero_length_dnload_is_a_failure() {
    let mut device = FakeDevice {
        manifest: Manifest::Fail(Status::ErrVerify),
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, TOLERANT, &data(256));
    let error = result.unwrap_err();
    assert_eq!(
        error,
        DfuError::Device {
            status: Status::ErrVerify,
            state: State::DfuError,
            at: Location {
                phase: Phase::Manifesting,
                block: Some(4)
            },
        }
    );
    let message = error.to_string();
    assert!(message.contains("errVERIFY"), "{message}");
    assert!(
        message.contains("finishing the download (block 4)"),
        "{message}"
    );
    assert!(message.contains("not installed"), "{message}");
    assert_eq!(error.code(), "dfu-device-error");
}

#[test]
fn error_on_a_block_names_status_phase_and_block() {
    let mut device = FakeDevice {
        fail_block: Some((2, Status::ErrWrite)),
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, TOLERANT, &data(640));
    assert_eq!(
        result.unwrap_err(),
        DfuError::Device {
            status: Status::ErrWrite,
            state: State::DfuError,
            at: Location {
                phase: Phase::Writing,
                block: Some(2)
            },
        }
    );
    assert_eq!(device.blocks, [0, 1, 2], "nothing is sent after the error");
}

#[test]
fn manifest_wait_reset_then_vanishing_is_success() {
    let mut device = FakeDevice {
        manifest: Manifest::WaitReset,
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, 0b0001, &data(100));
    result.unwrap();
    assert_eq!(device.calls.last(), Some(&Call::Reset));
}

#[test]
fn vanishing_in_manifestation_is_success_only_if_not_tolerant() {
    let mut device = FakeDevice {
        manifest: Manifest::Vanish,
        ..FakeDevice::new()
    };
    download(&mut device, 64, 0b0001, &data(100)).0.unwrap();

    let mut device = FakeDevice {
        manifest: Manifest::Vanish,
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, TOLERANT, &data(100));
    assert_eq!(
        result.unwrap_err(),
        DfuError::Transfer {
            error: TransportError::NoDevice,
            operation: Operation::Request(Request::GetStatus),
            at: Location {
                phase: Phase::Manifesting,
                block: Some(2)
            },
        }
    );
}

#[test]
fn staying_busy_past_the_cap_is_an_error_even_when_asking_for_hours() {
    // bwPollTimeout is 24 bits of milliseconds: 0xFFFFFF ms is more than 4.6 hours, and
    // no sleep goes past the busy limit.
    for poll_ms in [1000, 0xFF_FFFF] {
        let mut device = FakeDevice {
            busy_polls: u32::MAX,
            busy_poll_ms: poll_ms,
            ..FakeDevice::new()
        };
        let (result, elapsed) = download(&mut device, 64, TOLERANT, &data(64));
        let error = result.unwrap_err();
        assert_eq!(
            error,
            DfuError::BusyTooLong {
                state: State::DfuDnBusy,
                limit: Duration::from_secs(120),
                at: Location {
                    phase: Phase::Writing,
                    block: Some(0)
                },
            }
        );
        assert_eq!(elapsed, Duration::from_secs(120), "{poll_ms} ms polls");
        assert!(error.to_string().contains("more than 120 s"));
        assert_eq!(error.code(), "dfu-busy-too-long");
    }
}

#[test]
fn timeout_error_names_request_phase_and_block() {
    let mut device = FakeDevice {
        fail_request: Some((Request::Dnload, 3, TransportError::Timeout)),
        ..FakeDevice::new()
    };
    let (result, _) = download(&mut device, 64, TOLERANT, &data(640));
    let error = result.unwrap_err();
    assert_eq!(
        error,
        DfuError::Transfer {
            error: TransportError::Timeout,
            operation: Operation::Request(Request::Dnload),
            at: Location {
                phase: Phase::Writing,
                block: Some(3)
            },
        }
    );
    let message = error.to_string();
    assert!(
        message.starts_with("The DNLOAD request failed while writing (block 3)"),
        "{message}"
    );
    assert!(message.contains("did not answer in time"), "{message}");
    assert_eq!(error.code(), "dfu-transfer-failed");
}

#[test]
fn cancelling_stops_and_sends_abort() {
    struct CancelAfter {
        blocks: u32,
        seen: u32,
    }
    impl dfu::Observer for CancelAfter {
        fn progress(&mut self, progress: Progress<'_>) {
            if progress.phase == Phase::Writing {
                self.seen += 1;
            }
        }
        fn cancelled(&self) -> bool {
            self.seen >= self.blocks
        }
    }
    let mut device = FakeDevice::new();
    let clock = FakeClock::default();
    let mut observer = CancelAfter { blocks: 3, seen: 0 };
    let mut engine = Engine::new(&clock, Deadlines::default(), &mut observer);
    let error = engine
        .download(
            &mut device,
            &descriptor(64, TOLERANT),
            Payload::raw(&data(640)),
        )
        .unwrap_err();
    assert_eq!(
        error,
        DfuError::Cancelled {
            at: Location {
                phase: Phase::Writing,
                block: Some(3)
            },
            done: 192,
            total: 640,
        }
    );
    assert_eq!(device.blocks, [0, 1, 2]);
    assert_eq!(
        device.calls.last(),
        Some(&Call::Out {
            request: Request::Abort,
            value: 0,
            len: 0,
            timeout: SHORT
        })
    );
    assert_eq!(device.state, State::DfuIdle);
    assert_eq!(error.code(), "dfu-cancelled");
}

/// What a flash through DETACH did.
struct Detached {
    result: Result<(), DfuError>,
    waited: Option<Duration>,
    phases: Vec<Phase>,
    elapsed: Duration,
}

/// Flashes `payload` starting from the runtime interface of `runtime`; the hook hands
/// over `board` in DFU mode (transfer size 128), or lets its whole timeout pass if `None`.
fn flash_via_detach(
    runtime: &mut FakeDevice,
    runtime_attributes: u8,
    board: Option<&mut FakeDevice>,
    payload: &[u8],
) -> Detached {
    let clock = FakeClock::default();
    let mut phases = Vec::new();
    let mut observer = |p: Progress<'_>| {
        if phases.last() != Some(&p.phase) {
            phases.push(p.phase)
        }
    };
    let mut waited = None;
    let mut board = board;
    let mut hook = |timeout: Duration| {
        waited = Some(timeout);
        match board.take() {
            Some(board) => Ok((board, dfu_interface(128, TOLERANT))),
            None => {
                clock.sleep(timeout);
                Err(TransportError::Timeout)
            }
        }
    };
    let interface = DfuInterface {
        mode: InterfaceMode::Runtime,
        descriptor: descriptor(64, runtime_attributes),
    };
    let result = Engine::new(&clock, Deadlines::default(), &mut observer).flash(
        runtime,
        interface,
        &mut hook,
        Payload::raw(payload),
    );
    Detached {
        result,
        waited,
        phases,
        elapsed: clock.now(),
    }
}

#[test]
fn stalling_detach_then_reenumerated_board_is_flashed() {
    let mut runtime = FakeDevice {
        detach_result: Err(TransportError::Stall),
        ..FakeDevice::runtime()
    };
    let mut board = FakeDevice::new();
    let payload = data(1000);
    let run = flash_via_detach(&mut runtime, TOLERANT, Some(&mut board), &payload);
    run.result.unwrap();
    assert_eq!(
        runtime.calls,
        [Call::Out {
            request: Request::Detach,
            value: 1000,
            len: 0,
            timeout: SHORT
        }],
        "WillDetach is set: DETACH only, no bus reset"
    );
    assert_eq!(
        run.waited,
        Some(CANCEL_CHECK),
        "asked in slices, to see Cancel"
    );
    assert_eq!(board.received, payload);
    assert_eq!(board.blocks.len(), 8, "the new transfer size (128) is used");
    assert_eq!(
        run.phases,
        [
            Phase::Detaching,
            Phase::WaitingForBoard,
            Phase::Preparing,
            Phase::Writing,
            Phase::Manifesting,
            Phase::Done
        ]
    );
    assert_eq!(run.elapsed, Duration::ZERO, "no fixed sleep after DETACH");
}

#[test]
fn bus_reset_after_detach_without_will_detach() {
    let mut runtime = FakeDevice::runtime();
    let mut board = FakeDevice::new();
    let run = flash_via_detach(&mut runtime, 0b0001, Some(&mut board), &data(10));
    run.result.unwrap();
    assert_eq!(runtime.requests(), [Request::Detach]);
    assert_eq!(runtime.calls.last(), Some(&Call::Reset));
}

#[test]
fn board_not_back_before_the_deadline_is_a_typed_error() {
    let mut runtime = FakeDevice {
        detach_result: Err(TransportError::NoDevice),
        ..FakeDevice::runtime()
    };
    let run = flash_via_detach(&mut runtime, TOLERANT, None, &data(10));
    let error = run.result.unwrap_err();
    assert_eq!(
        error,
        DfuError::NotBackAfterDetach {
            error: TransportError::Timeout,
            timeout: Duration::from_secs(10),
        }
    );
    assert!(error.to_string().contains("within 10 s after DETACH"));
    assert_eq!(error.code(), "dfu-not-back-after-detach");
    assert_eq!(run.elapsed, Duration::from_secs(10));
}

#[test]
fn board_back_still_in_app_mode_is_an_error() {
    let mut runtime = FakeDevice::runtime();
    let mut board = FakeDevice::runtime();
    let run = flash_via_detach(&mut runtime, TOLERANT, Some(&mut board), &data(10));
    assert_eq!(
        run.result.unwrap_err(),
        DfuError::AppMode {
            state: State::AppIdle
        }
    );
    assert!(board.received.is_empty());
}

/// An ESP image of a 300-byte bootloader at 0x1000 and an app of `app_len` bytes at
/// 0x10000, packed with `options`, and its description.
fn bootloader_and_app(app_len: usize, options: PackOptions) -> (Vec<u8>, FirmwareImage) {
    let files = [
        FlashFile {
            address: 0x1000,
            name: "bootloader.bin".into(),
            data: data(300),
        },
        FlashFile {
            address: 0x10000,
            name: "app.bin".into(),
            data: data(app_len),
        },
    ];
    let file = pack(&files, &options).unwrap();
    let image = FirmwareImage::describe(&file).unwrap();
    (file, image)
}

#[test]
fn esp_image_progress_names_the_region_and_reports_erasing_per_part() {
    let options = PackOptions {
        part_size: 512,
        ..PackOptions::default()
    };
    let (file, image) = bootloader_and_app(1200, options);
    let mut erasing = Vec::new();
    let mut writing_app = 0;
    let mut last_done = 0;
    let mut observer = |p: Progress<'_>| {
        assert!(p.done >= last_done && p.done <= p.total);
        last_done = p.done;
        match (p.phase, p.region, p.part) {
            (Phase::Erasing, Some(region), Some(part)) => {
                erasing.push((region.name.clone(), part.name.clone(), part.size));
                assert!((p.done..p.done + 64).contains(&(part.payload_offset as u64)));
            }
            (Phase::Erasing, ..) => panic!("erasing without a part"),
            (Phase::Writing, Some(region), _) if region.name == "app.bin" => writing_app += 1,
            _ => {}
        }
    };
    let clock = FakeClock::default();
    let mut device = FakeDevice::new();
    Engine::new(&clock, Deadlines::default(), &mut observer)
        .download(
            &mut device,
            &descriptor(64, TOLERANT),
            Payload::image(&image, &file),
        )
        .unwrap();
    assert_eq!(
        erasing,
        [
            (
                "bootloader.bin".to_string(),
                "bootloader.bin".to_string(),
                300
            ),
            ("app.bin".to_string(), "app.bin".to_string(), 512),
            ("app.bin".to_string(), "app.bin.1".to_string(), 512),
            ("app.bin".to_string(), "app.bin.2".to_string(), 176),
        ]
    );
    assert!(writing_app >= 1200 / 64 - 3);
    assert_eq!(
        device.received,
        image.payload(&file),
        "the suffix is not sent"
    );
    assert_eq!(device.received.len(), file.len() - 16);
}

/// Cancels once the fake clock reaches `at`, recording the phases reported.
struct CancelAt<'c> {
    clock: &'c FakeClock,
    at: Duration,
    phases: Vec<Phase>,
}

impl<'c> CancelAt<'c> {
    fn new(clock: &'c FakeClock, at: Duration) -> CancelAt<'c> {
        CancelAt {
            clock,
            at,
            phases: Vec::new(),
        }
    }
}

impl dfu::Observer for CancelAt<'_> {
    fn progress(&mut self, progress: Progress<'_>) {
        if self.phases.last() != Some(&progress.phase) {
            self.phases.push(progress.phase);
        }
    }
    fn cancelled(&self) -> bool {
        self.clock.now() >= self.at
    }
}

/// Downloads 640 bytes to `device`, cancelling at `at`; asserts the download ended as
/// cancelled in `phase` within 1 s of `at`.
fn assert_cancelled_within_a_second(device: &mut FakeDevice, at: Duration, phase: Phase) {
    let clock = FakeClock::default();
    let mut observer = CancelAt::new(&clock, at);
    let result = Engine::new(&clock, Deadlines::default(), &mut observer).download(
        device,
        &descriptor(64, TOLERANT),
        Payload::raw(&data(640)),
    );
    match result {
        Err(DfuError::Cancelled { at: location, .. }) => assert_eq!(location.phase, phase),
        other => panic!("expected a cancellation while {phase:?}, got {other:?}"),
    }
    let late = clock.now() - at;
    assert!(
        late <= Duration::from_secs(1),
        "ended {late:?} after Cancel"
    );
}

#[test]
fn cancel_ends_polling_a_busy_board_within_a_second() {
    let mut device = FakeDevice {
        busy_polls: u32::MAX,
        busy_poll_ms: 0xFF_FFFF,
        ..FakeDevice::new()
    };
    assert_cancelled_within_a_second(&mut device, Duration::from_millis(7_300), Phase::Writing);
}

#[test]
fn cancel_ends_preparing_within_a_second() {
    // The board is still busy with a block from an earlier run.
    let mut device = FakeDevice {
        state: State::DfuDnBusy,
        busy_left: u32::MAX,
        busy_poll_ms: 60_000,
        ..FakeDevice::new()
    };
    assert_cancelled_within_a_second(&mut device, Duration::from_secs(3), Phase::Preparing);
    assert!(device.blocks.is_empty());
}

#[test]
fn cancel_ends_manifestation_within_a_second() {
    let mut device = FakeDevice {
        manifest_poll_ms: 0xFF_FFFF,
        ..FakeDevice::new()
    };
    assert_cancelled_within_a_second(&mut device, Duration::from_secs(5), Phase::Manifesting);
}

/// Flashes from runtime mode with a hook that never finds the board (it waits out each
/// timeout it is given), cancelling at `at`.
fn cancel_around_detach(at: Duration) -> (FakeDevice, CancelAtResult) {
    let clock = FakeClock::default();
    let mut runtime = FakeDevice::runtime();
    let mut observer = CancelAt::new(&clock, at);
    let mut hook = |timeout: Duration| -> Result<(&mut FakeDevice, DfuInterface), TransportError> {
        clock.sleep(timeout);
        Err(TransportError::Timeout)
    };
    let interface = DfuInterface {
        mode: InterfaceMode::Runtime,
        descriptor: descriptor(64, TOLERANT),
    };
    let result = Engine::new(&clock, Deadlines::default(), &mut observer).flash(
        &mut runtime,
        interface,
        &mut hook,
        Payload::raw(&data(64)),
    );
    let late = clock.now().saturating_sub(at);
    (runtime, (result, late))
}

type CancelAtResult = (Result<(), DfuError>, Duration);

#[test]
fn cancel_before_detach_sends_nothing() {
    let (runtime, (result, _)) = cancel_around_detach(Duration::ZERO);
    assert!(
        matches!(result, Err(DfuError::Cancelled { at, .. }) if at.phase == Phase::Detaching),
        "{result:?}"
    );
    assert!(runtime.calls.is_empty());
}

#[test]
fn cancel_ends_the_wait_for_the_board_within_a_second() {
    let at = Duration::from_millis(4_100);
    let (runtime, (result, late)) = cancel_around_detach(at);
    assert!(
        matches!(result, Err(DfuError::Cancelled { at, .. }) if at.phase == Phase::WaitingForBoard),
        "{result:?}"
    );
    assert!(
        late <= Duration::from_secs(1),
        "ended {late:?} after Cancel"
    );
    assert_eq!(runtime.requests(), [Request::Detach]);
}

#[test]
fn a_board_that_cannot_be_opened_yet_is_tried_again_until_the_deadline() {
    // udev applies the access rule a moment after the board appears: the first opens fail.
    let clock = FakeClock::default();
    let mut runtime = FakeDevice::runtime();
    let mut board = FakeDevice::new();
    let mut waiting = Some(&mut board);
    let mut tries = 0;
    let mut hook = |_: Duration| {
        tries += 1;
        match waiting.take() {
            Some(board) if clock.now() >= Duration::from_secs(2) => {
                Ok((board, dfu_interface(64, TOLERANT)))
            }
            board => {
                waiting = board;
                Err(TransportError::Access)
            }
        }
    };
    let interface = DfuInterface {
        mode: InterfaceMode::Runtime,
        descriptor: descriptor(64, TOLERANT),
    };
    let mut observer = |_: Progress<'_>| {};
    Engine::new(&clock, Deadlines::default(), &mut observer)
        .flash(&mut runtime, interface, &mut hook, Payload::raw(&data(64)))
        .unwrap();
    assert_eq!(tries, 9, "tried every {CANCEL_CHECK:?} until it opened");
    assert_eq!(board.received, data(64));

    // Never opened: the last real error is reported, at the deadline.
    let clock = FakeClock::default();
    let mut runtime = FakeDevice::runtime();
    let mut hook = |_: Duration| -> Result<(&mut FakeDevice, DfuInterface), TransportError> {
        Err(TransportError::Access)
    };
    let interface = DfuInterface {
        mode: InterfaceMode::Runtime,
        descriptor: descriptor(64, TOLERANT),
    };
    let mut observer = |_: Progress<'_>| {};
    let error = Engine::new(&clock, Deadlines::default(), &mut observer)
        .flash(&mut runtime, interface, &mut hook, Payload::raw(&data(64)))
        .unwrap_err();
    assert_eq!(
        error,
        DfuError::NotBackAfterDetach {
            error: TransportError::Access,
            timeout: Duration::from_secs(10)
        }
    );
    assert_eq!(clock.now(), Duration::from_secs(10));
}

#[test]
fn the_dnload_that_starts_a_part_waits_as_long_as_its_erase_may_take() {
    let options = PackOptions {
        part_size: 4 * 1024 * 1024,
        flash_size: 8 * 1024 * 1024,
        ..PackOptions::default()
    };
    let (file, image) = bootloader_and_app(3 * 1024 * 1024, options);
    let mut device = FakeDevice::new();
    let clock = FakeClock::default();
    let mut observer = |_: Progress<'_>| {};
    Engine::new(&clock, Deadlines::default(), &mut observer)
        .download(
            &mut device,
            &descriptor(4096, TOLERANT),
            Payload::image(&image, &file),
        )
        .unwrap();
    let timeouts: Vec<Duration> = device
        .calls
        .iter()
        .filter_map(|c| match c {
            Call::Out {
                request: Request::Dnload,
                timeout,
                ..
            } => Some(*timeout),
            _ => None,
        })
        .collect();
    let app = &image.regions[1].parts[0];
    assert_eq!(
        app.erase_limit(),
        Duration::from_secs(90),
        "30 s + 20 s per MiB"
    );
    assert!(timeouts.contains(&Duration::from_secs(90)), "{timeouts:?}");
    assert!(
        timeouts
            .iter()
            .all(|t| *t >= LONG && *t <= Duration::from_secs(90))
    );
    assert!(
        timeouts.iter().filter(|t| **t > LONG).count() <= 2,
        "only the DNLOADs that start a part wait longer"
    );
}
