//! The DFU download engine: brings the device to dfuIDLE, sends the payload block by
//! block, manifests, and switches runtime devices to DFU mode first. All I/O goes through
//! [`Transport`], all waiting through [`Clock`]; nothing is allocated or logged per block.

use std::fmt;
use std::time::Duration;

use super::protocol::{DeviceStatus, DfuInterface, FunctionalDescriptor, InterfaceMode};
use super::protocol::{ProtocolError, Request, STATUS_LEN, State, Status};
use super::{Clock, Control, Transport, TransportError};
use failure::{Code, Failure};
use firmware::{FirmwareImage, Part, Region};

/// Time limits. The defaults suit the ESP ROM; the DNLOAD carrying a part's first byte,
/// which the ROM holds while it erases the whole part, gets the longer of `transfer` and
/// the part's own [`Part::erase_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Timeout of each DNLOAD and GETSTATUS transfer (30 s; dfu-util's 5 s fails long erases).
    pub transfer: Duration,
    /// Timeout of DETACH, ABORT and CLRSTATUS (5 s).
    pub control: Duration,
    /// Longest the device may stay busy on one block, or while manifesting (120 s, as fwupd).
    pub busy: Duration,
    /// Longest wait for the board to come back in DFU mode after DETACH (10 s).
    pub reenumeration: Duration,
    /// DETACH wValue: how long, in ms, the device should wait for a bus reset (1000).
    pub detach_ms: u16,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            transfer: Duration::from_secs(30),
            control: Duration::from_secs(5),
            busy: Duration::from_secs(120),
            reenumeration: Duration::from_secs(10),
            detach_ms: 1000,
        }
    }
}

/// What the engine is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Bringing the device to dfuIDLE.
    Preparing,
    /// Sending DETACH to a runtime interface.
    Detaching,
    /// Waiting for the board to come back in DFU mode.
    WaitingForBoard,
    /// Sending the block holding a part's first byte: the ESP ROM erases the part now.
    Erasing,
    /// Sending blocks.
    Writing,
    /// Sent the end of the download; the device installs the firmware.
    Manifesting,
    /// The device accepted the firmware.
    Done,
}

impl Phase {
    /// What happens in this phase, in a few words for users ("erasing flash").
    pub fn description(self) -> &'static str {
        match self {
            Phase::Preparing => "getting the board ready",
            Phase::Detaching => "switching the board to DFU mode",
            Phase::WaitingForBoard => "waiting for the board to come back in DFU mode",
            Phase::Erasing => "erasing flash",
            Phase::Writing => "writing",
            Phase::Manifesting => "finishing the download",
            Phase::Done => "done",
        }
    }
}

/// A progress report. Borrowed and `Copy`: reporting allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    /// What the engine is doing now.
    pub phase: Phase,
    /// Payload bytes the device has accepted.
    pub done: u64,
    /// Payload bytes in all (0 while detaching and waiting for the board).
    pub total: u64,
    /// The ESP image file the current block writes to (`app.bin`), if any.
    pub region: Option<&'a Region>,
    /// The part of `region` the current block writes to (what the ROM erases).
    pub part: Option<&'a Part>,
}

/// Receives progress and says whether to stop. Called once per block: keep it cheap.
pub trait Observer {
    /// Takes one progress report.
    fn progress(&mut self, progress: Progress<'_>);
    /// Whether the user asked to stop; checked before each block and request and at
    /// least every [`CANCEL_CHECK`] of waiting.
    fn cancelled(&self) -> bool {
        false
    }
}

impl<F: FnMut(Progress<'_>)> Observer for F {
    fn progress(&mut self, progress: Progress<'_>) {
        self(progress)
    }
}

/// Finds the same physical board (same USB port path) once it is back in DFU mode.
pub trait Reenumerate<T> {
    /// Waits at most `timeout` for the board to re-enumerate in DFU mode, then opens it.
    fn wait_for_dfu_mode(&mut self, timeout: Duration)
    -> Result<(T, DfuInterface), TransportError>;
}

impl<T, F> Reenumerate<T> for F
where
    F: FnMut(Duration) -> Result<(T, DfuInterface), TransportError>,
{
    fn wait_for_dfu_mode(
        &mut self,
        timeout: Duration,
    ) -> Result<(T, DfuInterface), TransportError> {
        self(timeout)
    }
}

/// What is sent: the file without its DFU suffix, and the ESP regions it holds (if any)
/// so progress can name the file being erased or written.
#[derive(Debug, Clone, Copy)]
pub struct Payload<'a> {
    /// The bytes sent to the device, in order.
    pub bytes: &'a [u8],
    /// The ESP image files those bytes hold (empty for a generic file).
    pub regions: &'a [Region],
}

impl<'a> Payload<'a> {
    /// A payload without region labels.
    pub fn raw(bytes: &'a [u8]) -> Payload<'a> {
        Payload {
            bytes,
            regions: &[],
        }
    }

    /// The payload of `file`, described as `image`.
    pub fn image(image: &'a FirmwareImage, file: &'a [u8]) -> Payload<'a> {
        Payload {
            bytes: image.payload(file),
            regions: &image.regions,
        }
    }
}

/// What was being done to the device when something failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A DFU class request.
    Request(Request),
    /// The USB bus reset (after DETACH, or out of dfuMANIFEST-WAIT-RESET).
    BusReset,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::Request(request) => write!(f, "The {request} request"),
            Operation::BusReset => f.write_str("The USB bus reset"),
        }
    }
}

/// Where in the download something happened: the phase and, while sending, the block
/// (counted from 0 without wrapping; the wire block number is this modulo 65536).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The download phase it happened in.
    pub phase: Phase,
    /// The block being sent then, if any.
    pub block: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "while {}", self.phase.description())?;
        match self.block {
            Some(block) => write!(f, " (block {block})"),
            None => Ok(()),
        }
    }
}

/// Why flashing failed. Messages say what happened, with the status, phase and block an
/// engineer needs; what to do is [`crate::advice`]'s, by [`DfuError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DfuError {
    /// The board answered GETSTATUS with an error status.
    #[error(
        "The board reported an error {at}: {} ({status}, state {state}). The firmware was not installed.",
        .status.description()
    )]
    Device {
        /// The error status the board reported.
        status: Status,
        /// Its DFU state then.
        state: State,
        /// Where in the download.
        at: Location,
    },
    /// A USB transfer to or from the board failed.
    #[error("{operation} failed {at}: {error}.")]
    Transfer {
        /// How the transfer failed.
        #[source]
        error: TransportError,
        /// What was being done: a DFU request or the bus reset.
        operation: Operation,
        /// Where in the download.
        at: Location,
    },
    /// The board's GETSTATUS reply does not follow DFU 1.1.
    #[error("The board sent a status reply that does not follow DFU 1.1 {at}: {error}.")]
    BadReply {
        /// What is wrong with the reply.
        error: ProtocolError,
        /// Where in the download.
        at: Location,
    },
    /// The board stayed busy longer than [`Deadlines::busy`] allows.
    #[error(
        "The board stayed busy ({state}) for more than {} s {at}.",
        .limit.as_secs()
    )]
    BusyTooLong {
        /// The busy state it stayed in.
        state: State,
        /// The longest wait allowed.
        limit: Duration,
        /// Where in the download.
        at: Location,
    },
    /// The board reports a runtime state: it runs its application, not the DFU loader.
    #[error("The board is running its application ({state}), not the DFU loader.")]
    AppMode {
        /// The runtime state it reported.
        state: State,
    },
    /// The board did not re-enumerate in DFU mode after DETACH in time.
    #[error(
        "The board did not come back in DFU mode within {} s after DETACH: {error}.",
        .timeout.as_secs()
    )]
    NotBackAfterDetach {
        /// The last error while looking for it.
        #[source]
        error: TransportError,
        /// How long it was waited for.
        timeout: Duration,
    },
    /// The board is in another DFU state than the download needs.
    #[error("The board is in state {state} {at}, where {expected} was expected.")]
    UnexpectedState {
        /// The state it is in.
        state: State,
        /// The state the download needs there.
        expected: State,
        /// Where in the download.
        at: Location,
    },
    /// The user stopped the download.
    #[error(
        "Flashing was cancelled {at}, after {done} of {total} bytes. The board's flash may hold a partial image."
    )]
    Cancelled {
        /// Where in the download.
        at: Location,
        /// Payload bytes the board had accepted.
        done: u64,
        /// Payload bytes in all.
        total: u64,
    },
}

impl DfuError {
    /// The failure code, one per variant.
    pub fn code(&self) -> Code {
        match self {
            DfuError::Device { .. } => Code::DfuDeviceError,
            DfuError::Transfer { .. } => Code::DfuTransferFailed,
            DfuError::BadReply { .. } => Code::DfuBadReply,
            DfuError::BusyTooLong { .. } => Code::DfuBusyTooLong,
            DfuError::AppMode { .. } => Code::DfuAppMode,
            DfuError::NotBackAfterDetach { .. } => Code::DfuNotBackAfterDetach,
            DfuError::UnexpectedState { .. } => Code::DfuUnexpectedState,
            DfuError::Cancelled { .. } => Code::DfuCancelled,
        }
    }
}

/// A failed flash: its code, its message, and the error itself as the cause (through
/// which the USB error behind it, if one was, is found).
impl From<DfuError> for Failure {
    fn from(error: DfuError) -> Failure {
        Failure::from_error(error.code(), error)
    }
}

/// How many ABORT / CLRSTATUS requests [`Engine`] sends before giving up on reaching dfuIDLE.
const MAX_RECOVERIES: usize = 3;

/// The longest the engine waits (sleeping, or for the board after DETACH) without
/// looking whether it was cancelled.
pub const CANCEL_CHECK: Duration = Duration::from_millis(250);

/// Drives one download. Holds the clock, the deadlines and the observer.
pub struct Engine<'a> {
    clock: &'a dyn Clock,
    deadlines: Deadlines,
    observer: &'a mut dyn Observer,
    /// Payload bytes accepted and in all, as last reported (for [`DfuError::Cancelled`]).
    done: u64,
    total: u64,
}

impl<'a> Engine<'a> {
    /// An engine waiting through `clock` and reporting to `observer`.
    pub fn new(
        clock: &'a dyn Clock,
        deadlines: Deadlines,
        observer: &'a mut dyn Observer,
    ) -> Engine<'a> {
        Engine {
            clock,
            deadlines,
            observer,
            done: 0,
            total: 0,
        }
    }

    /// Flashes `payload`: first switches a runtime interface to DFU mode
    /// ([`Engine::detach`]), then downloads ([`Engine::download`]).
    pub fn flash<T: Transport, R: Reenumerate<T> + ?Sized>(
        &mut self,
        transport: T,
        interface: DfuInterface,
        reenumerate: &mut R,
        payload: Payload<'_>,
    ) -> Result<(), DfuError> {
        let (mut transport, interface) = match interface.mode {
            InterfaceMode::Runtime => self.detach(transport, &interface.descriptor, reenumerate)?,
            InterfaceMode::Dfu => (transport, interface),
        };
        self.download(&mut transport, &interface.descriptor, payload)
    }

    /// Sends DETACH to a runtime interface (a failing DETACH is normal: the ESP ROM reboots
    /// at once), resets the bus unless the device detaches by itself, closes `transport`
    /// and waits for the board to come back in DFU mode.
    pub fn detach<T: Transport, R: Reenumerate<T> + ?Sized>(
        &mut self,
        mut transport: T,
        descriptor: &FunctionalDescriptor,
        reenumerate: &mut R,
    ) -> Result<(T, DfuInterface), DfuError> {
        let at = Location {
            phase: Phase::Detaching,
            block: None,
        };
        self.report(Phase::Detaching, 0, 0);
        self.check_cancel(at)?;
        let gone = match transport.control_out(
            Control::new(
                Request::Detach,
                self.deadlines.detach_ms,
                self.deadlines.control,
            ),
            &[],
        ) {
            Ok(()) => false,
            Err(TransportError::NoDevice) => true,
            Err(TransportError::Stall | TransportError::Timeout | TransportError::Other(_)) => {
                false
            }
            Err(error) => return Err(transfer_failed(error, Request::Detach.into(), at)),
        };
        if !gone && !descriptor.attributes.will_detach() {
            match transport.reset() {
                Ok(()) | Err(TransportError::NoDevice) => {}
                Err(error) => return Err(transfer_failed(error, Operation::BusReset, at)),
            }
        }
        drop(transport);
        self.report(Phase::WaitingForBoard, 0, 0);
        self.wait_for_board(reenumerate)
    }

    /// Asks `reenumerate` for the board in slices of at most [`CANCEL_CHECK`] until the
    /// re-enumeration deadline, so Cancel is seen and a failed open (udev may apply the
    /// access rule a moment after the board appears) is tried again.
    fn wait_for_board<T, R: Reenumerate<T> + ?Sized>(
        &mut self,
        reenumerate: &mut R,
    ) -> Result<(T, DfuInterface), DfuError> {
        let at = Location {
            phase: Phase::WaitingForBoard,
            block: None,
        };
        let timeout = self.deadlines.reenumeration;
        let deadline = self.clock.now() + timeout;
        let mut last_error = TransportError::Timeout;
        loop {
            self.check_cancel(at)?;
            let left = deadline.saturating_sub(self.clock.now());
            if left.is_zero() {
                return Err(DfuError::NotBackAfterDetach {
                    error: last_error,
                    timeout,
                });
            }
            let slice = left.min(CANCEL_CHECK);
            let slice_end = self.clock.now() + slice;
            match reenumerate.wait_for_dfu_mode(slice) {
                Ok(found) => return Ok(found),
                Err(TransportError::Timeout) => {}
                Err(error) => last_error = error,
            }
            // A hook that failed at once is asked again only when its slice is over.
            let rest = slice_end.saturating_sub(self.clock.now());
            if !rest.is_zero() {
                self.clock.sleep(rest);
            }
        }
    }

    /// Downloads `payload` to a DFU-mode interface: brings it to dfuIDLE, sends blocks of
    /// wTransferSize, the final zero-length DNLOAD, and waits out manifestation.
    pub fn download<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        descriptor: &FunctionalDescriptor,
        payload: Payload<'_>,
    ) -> Result<(), DfuError> {
        let total = payload.bytes.len() as u64;
        self.report(Phase::Preparing, 0, total);
        self.prepare(transport)?;

        let size = usize::from(descriptor.transfer_size.get());
        let mut parts = PartCursor::new(payload.regions);
        let mut block_number = 0u16;
        for (chunk_index, chunk) in payload.bytes.chunks(size).enumerate() {
            let start = chunk_index * size;
            let (phase, region, part) = parts.locate(start, start + chunk.len());
            let at = Location {
                phase,
                block: Some(chunk_index as u64),
            };
            let done = start as u64;
            if self.observer.cancelled() {
                // The device may refuse ABORT; we stop either way.
                let _ = self.send(transport, Request::Abort, at);
                return Err(DfuError::Cancelled { at, done, total });
            }
            self.done = done;
            self.observer.progress(Progress {
                phase,
                done,
                total,
                region,
                part,
            });
            let timeout = match (phase, part) {
                (Phase::Erasing, Some(part)) => self.deadlines.transfer.max(part.erase_limit()),
                _ => self.deadlines.transfer,
            };
            self.dnload(transport, block_number, chunk, timeout, at)?;
            let status = self.settle(transport, at)?;
            expect(status, State::DfuDnloadIdle, at)?;
            block_number = block_number.wrapping_add(1);
        }

        let at = Location {
            phase: Phase::Manifesting,
            block: Some(payload.bytes.len().div_ceil(size) as u64),
        };
        self.report(Phase::Manifesting, total, total);
        self.dnload(transport, block_number, &[], self.deadlines.transfer, at)?;
        self.manifest(transport, descriptor, at)?;
        self.report(Phase::Done, total, total);
        Ok(())
    }

    /// Brings the device to dfuIDLE as fwupd does: ABORT from dfuDNLOAD-IDLE and
    /// dfuUPLOAD-IDLE, CLRSTATUS from dfuERROR, then check again.
    fn prepare<T: Transport + ?Sized>(&mut self, transport: &mut T) -> Result<(), DfuError> {
        let at = Location {
            phase: Phase::Preparing,
            block: None,
        };
        let mut state = State::DfuIdle;
        for _ in 0..=MAX_RECOVERIES {
            self.check_cancel(at)?;
            state = self.settle(transport, at)?.state;
            let fix = match state {
                State::DfuIdle => return Ok(()),
                State::AppIdle | State::AppDetach => return Err(DfuError::AppMode { state }),
                State::DfuDnloadIdle | State::DfuUploadIdle => Request::Abort,
                State::DfuError => Request::ClrStatus,
                _ => break,
            };
            self.send(transport, fix, at)?;
        }
        Err(DfuError::UnexpectedState {
            state,
            expected: State::DfuIdle,
            at,
        })
    }

    /// Polls through manifestation. dfuIDLE is success; so is dfuMANIFEST-WAIT-RESET
    /// followed by a bus reset, and a device that is not manifestation tolerant vanishing.
    fn manifest<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        descriptor: &FunctionalDescriptor,
        at: Location,
    ) -> Result<(), DfuError> {
        let status = match self.settle(transport, at) {
            Err(DfuError::Transfer {
                error: TransportError::NoDevice,
                ..
            }) if !descriptor.attributes.manifestation_tolerant() => return Ok(()),
            status => status?,
        };
        if status.state == State::DfuManifestWaitReset && status.status == Status::Ok {
            return match transport.reset() {
                Ok(()) | Err(TransportError::NoDevice) => Ok(()),
                Err(error) => Err(transfer_failed(error, Operation::BusReset, at)),
            };
        }
        expect(status, State::DfuIdle, at)
    }

    /// GETSTATUS until the device is no longer busy, sleeping bwPollTimeout between
    /// polls but never past the busy deadline, which no reply can move.
    fn settle<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        at: Location,
    ) -> Result<DeviceStatus, DfuError> {
        let deadline = self.clock.now() + self.deadlines.busy;
        loop {
            let status = self.get_status(transport, at)?;
            if !status.state.is_busy() || status.status != Status::Ok {
                return Ok(status);
            }
            let left = deadline.saturating_sub(self.clock.now());
            if left.is_zero() {
                return Err(DfuError::BusyTooLong {
                    state: status.state,
                    limit: self.deadlines.busy,
                    at,
                });
            }
            self.pause(status.poll_timeout.min(left), at)?;
        }
    }

    /// Sleeps `duration` in slices of at most [`CANCEL_CHECK`], stopping when cancelled.
    fn pause(&mut self, duration: Duration, at: Location) -> Result<(), DfuError> {
        let end = self.clock.now() + duration;
        loop {
            let left = end.saturating_sub(self.clock.now());
            if left.is_zero() {
                return Ok(());
            }
            self.check_cancel(at)?;
            self.clock.sleep(left.min(CANCEL_CHECK));
        }
    }

    /// [`DfuError::Cancelled`] if the observer says so.
    fn check_cancel(&self, at: Location) -> Result<(), DfuError> {
        if self.observer.cancelled() {
            Err(DfuError::Cancelled {
                at,
                done: self.done,
                total: self.total,
            })
        } else {
            Ok(())
        }
    }

    fn get_status<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        at: Location,
    ) -> Result<DeviceStatus, DfuError> {
        let mut reply = [0u8; STATUS_LEN];
        let len = transport
            .control_in(
                Control::new(Request::GetStatus, 0, self.deadlines.transfer),
                &mut reply,
            )
            .map_err(|error| transfer_failed(error, Request::GetStatus.into(), at))?;
        DeviceStatus::parse(&reply[..len.min(STATUS_LEN)])
            .map_err(|error| DfuError::BadReply { error, at })
    }

    fn dnload<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        block_number: u16,
        data: &[u8],
        timeout: Duration,
        at: Location,
    ) -> Result<(), DfuError> {
        transport
            .control_out(Control::new(Request::Dnload, block_number, timeout), data)
            .map_err(|error| transfer_failed(error, Request::Dnload.into(), at))
    }

    /// Sends a request without data (ABORT, CLRSTATUS) with the short timeout.
    fn send<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        request: Request,
        at: Location,
    ) -> Result<(), DfuError> {
        transport
            .control_out(Control::new(request, 0, self.deadlines.control), &[])
            .map_err(|error| transfer_failed(error, request.into(), at))
    }

    fn report(&mut self, phase: Phase, done: u64, total: u64) {
        (self.done, self.total) = (done, total);
        self.observer.progress(Progress {
            phase,
            done,
            total,
            region: None,
            part: None,
        });
    }
}

impl From<Request> for Operation {
    fn from(request: Request) -> Operation {
        Operation::Request(request)
    }
}

fn transfer_failed(error: TransportError, operation: Operation, at: Location) -> DfuError {
    DfuError::Transfer {
        error,
        operation,
        at,
    }
}

/// Checks the device reached `expected` without error.
fn expect(status: DeviceStatus, expected: State, at: Location) -> Result<(), DfuError> {
    if status.state == State::DfuError || status.status != Status::Ok {
        Err(DfuError::Device {
            status: status.status,
            state: status.state,
            at,
        })
    } else if status.state != expected {
        Err(DfuError::UnexpectedState {
            state: status.state,
            expected,
            at,
        })
    } else {
        Ok(())
    }
}

/// Walks an ESP image's parts in payload order as blocks go by.
struct PartCursor<'p> {
    parts: Vec<(&'p Region, &'p Part)>,
    /// How many parts start before the end of the last block located.
    started: usize,
}

impl<'p> PartCursor<'p> {
    fn new(regions: &'p [Region]) -> PartCursor<'p> {
        let mut parts: Vec<_> = regions
            .iter()
            .flat_map(|r| r.parts.iter().map(move |p| (r, p)))
            .collect();
        parts.sort_by_key(|(_, p)| p.payload_offset);
        PartCursor { parts, started: 0 }
    }

    /// The phase of the block holding payload bytes `start..end` (Erasing if a part's
    /// first byte is in it) and the region and part it writes to.
    fn locate(
        &mut self,
        start: usize,
        end: usize,
    ) -> (Phase, Option<&'p Region>, Option<&'p Part>) {
        while self
            .parts
            .get(self.started)
            .is_some_and(|(_, p)| p.payload_offset < end)
        {
            self.started += 1;
        }
        match self.started.checked_sub(1).map(|i| self.parts[i]) {
            Some((region, part)) if part.payload_offset >= start => {
                (Phase::Erasing, Some(region), Some(part))
            }
            Some((region, part)) if part.payload_offset + part.size as usize > start => {
                (Phase::Writing, Some(region), Some(part))
            }
            _ => (Phase::Writing, None, None),
        }
    }
}
