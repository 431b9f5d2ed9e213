//! The ESP32-S2/S3 ROM as a USB device: answers control transfers (standard requests,
//! DFU runtime and DFU mode class requests) at a given time, streams the download into
//! its flash, and misbehaves on request ([`Fault`]).

use std::time::Duration;

use super::descriptors::{self, DEVICE_LEN, RUNTIME_DFU_INTERFACE, SERIAL_NUMBER};
use super::protocol::{Setup, standard};
use super::stream::Writer;
use crate::{Request, State, Status, TransportError};
use firmware::Chip;

/// The shortest bwPollTimeout reported with dfuDNBUSY, so a stuck device never asks
/// the host to poll in a tight loop.
const MIN_BUSY_POLL: Duration = Duration::from_millis(1);

/// Which ROM personality is on the bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Download boot mode: composite CDC-ACM + DFU runtime (interface 2, protocol 1).
    Runtime,
    /// DFU mode after DETACH: one DFU interface (protocol 2).
    Dfu,
}

/// When an unplug fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// At data block `n` (see [`Fault`]).
    Block(u32),
    /// At DETACH: the board drops off the bus and never re-enumerates.
    Detach,
    /// At the first DNLOAD that erases flash (the erase is done, the request is lost).
    Erase,
    /// At the GETSTATUS that starts manifestation (the flash is complete).
    Manifest,
}

/// A misbehaviour to inject. Each fires once. Block numbers count the data DNLOADs the
/// board received since it was created, from 0 (not wValue, which wraps and restarts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Stall the DNLOAD of block `n` (the device enters dfuERROR errUNKNOWN).
    StallAt(u32),
    /// Accept the DNLOAD of `block` but drop its data and enter dfuERROR with `status`.
    ErrorAt {
        /// The data block, counted from 0.
        block: u32,
        /// The error status to report.
        status: Status,
    },
    /// Drop off the bus for good.
    Unplug(When),
    /// The GETSTATUS after block `n` never completes (the next one answers).
    HangGetStatusAfter(u32),
    /// From block `n` on, GETSTATUS reports dfuDNBUSY forever (until a bus reset).
    StuckBusyAt(u32),
    /// After DETACH, re-enumerate at this port path instead of the same one.
    ReenumerateAt(String),
    /// DETACH stalls (the chip still reboots into DFU mode, as some ROMs do).
    StallDetach,
    /// After the zero-length DNLOAD, manifestation fails with `status` (dfuERROR).
    ErrorInManifest(Status),
    /// Enter DFU mode in this state, left over from an earlier run: dfuDNLOAD-IDLE (in
    /// the middle of an earlier image: any new entry is a CPIO error) or dfuERROR.
    StartIn(State),
    /// The host's next open of the board fails with this error, as when another program
    /// holds it (`Busy`) or no driver lets programs open it (`NotSupported`).
    RefuseOpen(TransportError),
}

/// Everything configurable about an emulated board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RomConfig {
    /// The chip: its product ID and product string.
    pub chip: Chip,
    /// The mode the board powers on in (download boot mode: [`Mode::Runtime`]).
    pub start_mode: Mode,
    /// Bytes of flash, erased (0xFF) at first.
    pub flash_size: usize,
    /// wTransferSize: the largest DNLOAD accepted (the ROM's is 64).
    pub transfer_size: u16,
    /// The DFU interface number in DFU mode (unknown on real chips).
    pub dfu_interface: u8,
    /// The product ID in DFU mode, if not the chip's (unknown on real chips).
    pub dfu_pid: Option<u16>,
    /// bcdDevice (0x0723 on real chips).
    pub bcd_device: u16,
    /// bwPollTimeout while programming or manifesting (0: no dfuDNBUSY).
    pub poll_timeout: Duration,
    /// Time to erase one 4 KiB sector: the DNLOAD that starts an entry completes only
    /// after its erase.
    pub erase_time_per_sector: Duration,
    /// Time between DETACH and the board's appearance in DFU mode.
    pub reenumeration_delay: Duration,
    /// Misbehaviours to inject, each once.
    pub faults: Vec<Fault>,
    /// The serial number string (the ROM's is "0"; any text, to test how it is shown).
    pub serial: String,
}

impl RomConfig {
    /// A well-behaved board of `chip`: runtime mode, 4 MiB flash, 64-byte transfers,
    /// DFU interface 0, 1 ms poll, 25 ms per sector (so a 1 MiB part takes 6.4 s, as
    /// ESP-IDF saw exceed dfu-util's 5 s), re-enumeration after 1 s.
    pub fn new(chip: Chip) -> RomConfig {
        RomConfig {
            chip,
            start_mode: Mode::Runtime,
            flash_size: 4 << 20,
            transfer_size: 64,
            dfu_interface: 0,
            dfu_pid: None,
            bcd_device: 0x0723,
            poll_timeout: Duration::from_millis(1),
            erase_time_per_sector: Duration::from_millis(25),
            reenumeration_delay: Duration::from_secs(1),
            faults: Vec::new(),
            serial: SERIAL_NUMBER.to_owned(),
        }
    }

    /// The product ID in `mode`.
    pub fn pid(&self, mode: Mode) -> u16 {
        match (mode, self.dfu_pid) {
            (Mode::Dfu, Some(pid)) => pid,
            _ => self.chip.pid(),
        }
    }
}

/// Whether the board is on the bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// On the bus.
    Attached,
    /// Off the bus; back (in DFU mode) at `back_at`, or never.
    Detached {
        /// When it comes back, on the bus clock; `None`: never.
        back_at: Option<Duration>,
    },
}

/// How a control transfer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferEnd {
    /// Completes at `ready_at` (later than the request while the device erases); an IN
    /// transfer returns `len` bytes, written at the start of the buffer.
    Done {
        /// Bytes returned by an IN transfer.
        len: usize,
        /// When the transfer completes, on the bus clock.
        ready_at: Duration,
    },
    /// The device stalls the request.
    Stall,
    /// The device never answers: only the host's timeout ends the transfer.
    Never,
    /// The device is not on the bus (any more).
    Gone,
}

/// An emulated ESP32-S2/S3 ROM.
#[derive(Debug)]
pub struct EspRom {
    config: RomConfig,
    /// Faults not fired yet.
    faults: Vec<Fault>,
    mode: Mode,
    presence: Presence,
    /// The port the pending re-enumeration moves the board to.
    moved_to: Option<String>,
    configuration: u8,
    state: State,
    status: Status,
    /// The device is busy (erasing) until then: requests complete no earlier.
    busy_until: Duration,
    /// dfuDNBUSY or dfuMANIFEST lasts until then.
    poll_until: Duration,
    /// Data DNLOADs received since creation.
    blocks: u32,
    /// Control requests received since creation (standard and class, any mode).
    requests: u64,
    stuck: bool,
    hang_next_status: bool,
    writer: Writer,
    descriptors: Vec<u8>,
}

impl EspRom {
    /// A board powered on in `config.start_mode`.
    pub fn new(mut config: RomConfig) -> EspRom {
        let faults = std::mem::take(&mut config.faults);
        let mut rom = EspRom {
            writer: Writer::new(config.flash_size),
            descriptors: descriptors::build(&config, config.start_mode),
            mode: config.start_mode,
            config,
            faults,
            presence: Presence::Attached,
            moved_to: None,
            configuration: 0,
            state: State::AppIdle,
            status: Status::Ok,
            busy_until: Duration::ZERO,
            poll_until: Duration::ZERO,
            blocks: 0,
            requests: 0,
            stuck: false,
            hang_next_status: false,
        };
        rom.power_on();
        rom
    }

    /// Control requests the board received since it was made (standard and class).
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Power-cycles the board (as when plugged in): back in its start mode, on the bus,
    /// flash kept.
    pub fn power_on(&mut self) {
        self.writer.reset_limit();
        self.presence = Presence::Attached;
        self.moved_to = None;
        self.enter(self.config.start_mode);
    }

    /// Re-enumeration after DETACH: the board is back on the bus in DFU mode. Returns
    /// the port path it moved to, if a [`Fault::ReenumerateAt`] moved it.
    pub fn reattach(&mut self) -> Option<String> {
        self.presence = Presence::Attached;
        self.enter(Mode::Dfu);
        self.moved_to.take()
    }

    /// The configuration the board was made with (its faults excluded).
    pub fn config(&self) -> &RomConfig {
        &self.config
    }

    /// The current personality: runtime (download boot) or DFU mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether the board is on the bus, or when it comes back.
    pub fn presence(&self) -> Presence {
        self.presence
    }

    /// The DFU state (appIDLE in runtime mode).
    pub fn state(&self) -> State {
        self.state
    }

    /// The DFU status (bStatus of GETSTATUS).
    pub fn status(&self) -> Status {
        self.status
    }

    /// The whole flash.
    pub fn flash(&self) -> &[u8] {
        self.writer.flash()
    }

    /// The whole flash, to preload contents.
    pub fn flash_mut(&mut self) -> &mut [u8] {
        self.writer.flash_mut()
    }

    /// The flash size the ROM writes within (smaller than the flash if the last
    /// `flash_params.dat` said so; it stays in force until the board powers off).
    pub fn flash_limit(&self) -> usize {
        self.writer.limit()
    }

    /// Device descriptor then configuration descriptor of the current mode (sysfs
    /// `descriptors`, umockdev's `H: descriptors=`).
    pub fn descriptors(&self) -> &[u8] {
        &self.descriptors
    }

    /// The vendor ID.
    pub fn vid(&self) -> u16 {
        firmware::ESPRESSIF_VID
    }

    /// The product ID in the current mode.
    pub fn pid(&self) -> u16 {
        self.config.pid(self.mode)
    }

    /// The serial number string.
    pub fn serial(&self) -> &str {
        &self.config.serial
    }

    /// The DFU interface number in the current mode.
    pub fn dfu_interface(&self) -> u8 {
        match self.mode {
            Mode::Runtime => RUNTIME_DFU_INTERFACE,
            Mode::Dfu => self.config.dfu_interface,
        }
    }

    /// Answers a device-to-host control transfer arriving at `now`; `buf` receives the
    /// data (at most `setup.length` bytes).
    pub fn control_in(&mut self, setup: &Setup, buf: &mut [u8], now: Duration) -> TransferEnd {
        self.requests += 1;
        if self.presence != Presence::Attached {
            return TransferEnd::Gone;
        }
        let at = now.max(self.busy_until);
        let len = buf.len().min(usize::from(setup.length));
        let buf = &mut buf[..len];
        let [index, kind] = setup.value.to_le_bytes();
        match (setup.request_type, setup.request) {
            (0x80, standard::GET_DESCRIPTOR) => match kind {
                descriptors::DEVICE => reply(buf, &self.descriptors[..DEVICE_LEN], at),
                descriptors::CONFIGURATION if index == 0 => {
                    reply(buf, &self.descriptors[DEVICE_LEN..], at)
                }
                descriptors::STRING => match descriptors::string(&self.config, index, buf) {
                    Some(len) => TransferEnd::Done { len, ready_at: at },
                    None => TransferEnd::Stall,
                },
                _ => TransferEnd::Stall,
            },
            (0x81, standard::GET_DESCRIPTOR)
                if kind == descriptors::DFU_FUNCTIONAL && self.is_dfu_interface(setup) =>
            {
                reply(buf, &descriptors::functional(&self.config), at)
            }
            (0x80, standard::GET_CONFIGURATION) => reply(buf, &[self.configuration], at),
            (0x81, standard::GET_INTERFACE) if self.has_interface(setup.index) => {
                reply(buf, &[0], at)
            }
            (0x80..=0x82, standard::GET_STATUS) => reply(buf, &[0, 0], at),
            (Setup::CLASS_IN, _) if self.is_dfu_interface(setup) => {
                self.class_in(Request::from_u8(setup.request), buf, at)
            }
            _ => TransferEnd::Stall,
        }
    }

    /// Answers a host-to-device control transfer carrying `data`, arriving at `now`.
    pub fn control_out(&mut self, setup: &Setup, data: &[u8], now: Duration) -> TransferEnd {
        self.requests += 1;
        if self.presence != Presence::Attached {
            return TransferEnd::Gone;
        }
        let at = now.max(self.busy_until);
        let ack = TransferEnd::Done {
            len: 0,
            ready_at: at,
        };
        match (setup.request_type, setup.request) {
            (0x00, standard::SET_CONFIGURATION) if setup.value <= 1 => {
                self.configuration = setup.value as u8;
                ack
            }
            (0x00 | 0x02, standard::CLEAR_FEATURE | standard::SET_FEATURE) => ack,
            (0x01, standard::SET_INTERFACE)
                if setup.value == 0 && self.has_interface(setup.index) =>
            {
                ack
            }
            (Setup::CLASS_OUT, _) if self.is_dfu_interface(setup) => {
                self.class_out(Request::from_u8(setup.request), data, at)
            }
            _ => TransferEnd::Stall,
        }
    }

    /// A USB bus reset: in DFU mode, abandons any download and clears errors and stuck
    /// states (dfuIDLE).
    pub fn bus_reset(&mut self, now: Duration) -> TransferEnd {
        if self.presence != Presence::Attached {
            return TransferEnd::Gone;
        }
        if self.mode == Mode::Dfu {
            self.idle();
        }
        TransferEnd::Done {
            len: 0,
            ready_at: now.max(self.busy_until),
        }
    }

    fn enter(&mut self, mode: Mode) {
        self.mode = mode;
        self.descriptors = descriptors::build(&self.config, mode);
        self.configuration = 0;
        self.state = State::AppIdle;
        if mode == Mode::Dfu {
            self.idle();
            if let Some(Fault::StartIn(state)) = self.take(|f| matches!(f, Fault::StartIn(_))) {
                self.state = state;
                match state {
                    State::DfuError => self.status = Status::ErrUnknown,
                    State::DfuDnloadIdle => self.writer.leave_mid_stream(),
                    _ => {}
                }
            }
        }
    }

    /// dfuIDLE, status OK, a fresh download stream.
    fn idle(&mut self) {
        self.state = State::DfuIdle;
        self.status = Status::Ok;
        self.stuck = false;
        self.hang_next_status = false;
        self.poll_until = Duration::ZERO;
        self.writer.restart();
    }

    fn has_interface(&self, index: u16) -> bool {
        match self.mode {
            Mode::Runtime => index <= u16::from(RUNTIME_DFU_INTERFACE),
            Mode::Dfu => index == u16::from(self.config.dfu_interface),
        }
    }

    fn is_dfu_interface(&self, setup: &Setup) -> bool {
        setup.index == u16::from(self.dfu_interface())
    }

    /// The error of a [`Fault::RefuseOpen`], which fires on this open.
    pub fn refuse_open(&mut self) -> Option<TransportError> {
        match self.take(|f| matches!(f, Fault::RefuseOpen(_))) {
            Some(Fault::RefuseOpen(error)) => Some(error),
            _ => None,
        }
    }

    /// Removes and returns the first fault matching `which`.
    fn take(&mut self, which: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let position = self.faults.iter().position(which)?;
        Some(self.faults.remove(position))
    }

    fn class_out(&mut self, req: Option<Request>, data: &[u8], at: Duration) -> TransferEnd {
        let ack = TransferEnd::Done {
            len: 0,
            ready_at: at,
        };
        if self.mode == Mode::Runtime {
            return match req {
                Some(Request::Detach) => self.detach(at),
                _ => TransferEnd::Stall,
            };
        }
        match (req, self.state) {
            (Some(Request::Dnload), State::DfuIdle | State::DfuDnloadIdle)
                if !data.is_empty() && data.len() <= usize::from(self.config.transfer_size) =>
            {
                self.dnload(data, at)
            }
            (Some(Request::Dnload), State::DfuDnloadIdle) if data.is_empty() => {
                self.state = State::DfuManifestSync;
                ack
            }
            (
                Some(Request::Abort),
                State::DfuIdle
                | State::DfuDnloadSync
                | State::DfuDnloadIdle
                | State::DfuManifestSync
                | State::DfuUploadIdle,
            )
            | (Some(Request::ClrStatus), State::DfuError) => {
                self.idle();
                ack
            }
            _ => self.reject(),
        }
    }

    fn class_in(&mut self, req: Option<Request>, buf: &mut [u8], at: Duration) -> TransferEnd {
        match (self.mode, req) {
            (Mode::Runtime, Some(Request::GetStatus)) => reply(
                buf,
                &status_bytes(Status::Ok, Duration::ZERO, State::AppIdle),
                at,
            ),
            (Mode::Runtime, Some(Request::GetState)) => reply(buf, &[State::AppIdle as u8], at),
            (Mode::Runtime, _) => TransferEnd::Stall,
            (Mode::Dfu, Some(Request::GetStatus)) => self.get_status(buf, at),
            (Mode::Dfu, Some(Request::GetState))
                if !matches!(self.state, State::DfuDnBusy | State::DfuManifest) =>
            {
                reply(buf, &[self.state as u8], at)
            }
            (Mode::Dfu, _) => self.reject(),
        }
    }

    /// DETACH: the chip reboots into DFU mode at once, so the request is lost.
    fn detach(&mut self, at: Duration) -> TransferEnd {
        let back_at = if self.take(|f| *f == Fault::Unplug(When::Detach)).is_some() {
            None
        } else {
            self.moved_to = match self.take(|f| matches!(f, Fault::ReenumerateAt(_))) {
                Some(Fault::ReenumerateAt(port)) => Some(port),
                _ => None,
            };
            Some(at + self.config.reenumeration_delay)
        };
        self.state = State::AppDetach;
        self.presence = Presence::Detached { back_at };
        match self.take(|f| *f == Fault::StallDetach) {
            Some(_) => TransferEnd::Stall,
            None => TransferEnd::Gone,
        }
    }

    fn dnload(&mut self, data: &[u8], at: Duration) -> TransferEnd {
        let block = self.blocks;
        self.blocks += 1;
        if self
            .take(|f| *f == Fault::Unplug(When::Block(block)))
            .is_some()
        {
            self.unplug();
            return TransferEnd::Gone;
        }
        if self.take(|f| *f == Fault::StallAt(block)).is_some() {
            return self.reject();
        }
        let ack = TransferEnd::Done {
            len: 0,
            ready_at: at,
        };
        if let Some(Fault::ErrorAt { status, .. }) =
            self.take(|f| matches!(f, Fault::ErrorAt { block: b, .. } if *b == block))
        {
            self.fail(status);
            return ack;
        }
        self.stuck |= self.take(|f| *f == Fault::StuckBusyAt(block)).is_some();
        self.hang_next_status |= self
            .take(|f| *f == Fault::HangGetStatusAfter(block))
            .is_some();
        self.state = State::DfuDnloadSync;
        match self.writer.write(data) {
            Ok(0) => ack,
            Ok(sectors) => {
                if self.take(|f| *f == Fault::Unplug(When::Erase)).is_some() {
                    self.unplug();
                    return TransferEnd::Gone;
                }
                self.busy_until = at + self.config.erase_time_per_sector * sectors as u32;
                TransferEnd::Done {
                    len: 0,
                    ready_at: self.busy_until,
                }
            }
            Err(status) => {
                self.fail(status);
                ack
            }
        }
    }

    fn get_status(&mut self, buf: &mut [u8], at: Duration) -> TransferEnd {
        if std::mem::take(&mut self.hang_next_status) {
            return TransferEnd::Never;
        }
        let busy_poll = match self.config.poll_timeout {
            Duration::ZERO if !self.stuck => Duration::ZERO,
            poll => poll.max(MIN_BUSY_POLL),
        };
        let poll = match self.state {
            State::DfuDnBusy | State::DfuManifest if at < self.poll_until => return self.reject(),
            // Programming takes bwPollTimeout (none if 0); a stuck device never ends.
            State::DfuDnloadSync | State::DfuDnBusy
                if self.stuck || (self.state == State::DfuDnloadSync && !busy_poll.is_zero()) =>
            {
                self.state = State::DfuDnBusy;
                self.poll_until = at + busy_poll;
                busy_poll
            }
            State::DfuDnloadSync | State::DfuDnBusy => {
                self.state = State::DfuDnloadIdle;
                Duration::ZERO
            }
            State::DfuManifestSync if !self.writer.is_complete() => {
                self.fail(Status::ErrNotDone);
                Duration::ZERO
            }
            State::DfuManifestSync => {
                if let Some(Fault::ErrorInManifest(status)) =
                    self.take(|f| matches!(f, Fault::ErrorInManifest(_)))
                {
                    self.fail(status);
                    return reply(buf, &status_bytes(status, Duration::ZERO, self.state), at);
                }
                if self.take(|f| *f == Fault::Unplug(When::Manifest)).is_some() {
                    self.unplug();
                    return TransferEnd::Gone;
                }
                self.state = State::DfuManifest;
                self.poll_until = at + self.config.poll_timeout;
                self.config.poll_timeout
            }
            State::DfuManifest => {
                self.idle();
                Duration::ZERO
            }
            _ => Duration::ZERO,
        };
        reply(buf, &status_bytes(self.status, poll, self.state), at)
    }

    fn fail(&mut self, status: Status) {
        self.state = State::DfuError;
        self.status = status;
    }

    /// A request the state does not allow: dfuERROR errUNKNOWN and a stall, like Zephyr.
    fn reject(&mut self) -> TransferEnd {
        self.fail(Status::ErrUnknown);
        TransferEnd::Stall
    }

    /// Pulls the board off the bus (for good, until [`EspRom::power_on`]).
    pub fn unplug(&mut self) {
        self.presence = Presence::Detached { back_at: None };
    }
}

/// The 6 bytes of a GETSTATUS answer.
fn status_bytes(status: Status, poll: Duration, state: State) -> [u8; 6] {
    let ms = u32::try_from(poll.as_millis())
        .unwrap_or(u32::MAX)
        .min(0xFF_FFFF);
    let [p0, p1, p2, _] = ms.to_le_bytes();
    [status as u8, p0, p1, p2, state as u8, 0]
}

/// Copies as much of `bytes` as `buf` holds; the transfer completes at `at`.
fn reply(buf: &mut [u8], bytes: &[u8], at: Duration) -> TransferEnd {
    let len = buf.len().min(bytes.len());
    buf[..len].copy_from_slice(&bytes[..len]);
    TransferEnd::Done { len, ready_at: at }
}
