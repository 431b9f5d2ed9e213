//! Emulated boards on a USB bus, for in-process use: port paths, device numbers,
//! re-enumeration after DETACH on a shared clock, and a [`Transport`] to a board.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::descriptors::DEVICE_LEN;
use super::protocol::Setup;
use super::rom::{EspRom, Mode, Presence, TransferEnd};
use crate::{
    Clock, Control, DfuInterface, FunctionalDescriptor, InterfaceMode, Reenumerate, Transport,
    TransportError,
};

/// Bytes of the configuration descriptor's own header, before its interfaces.
const CONFIG_HEADER_LEN: usize = 9;

/// How often [`Bus::wait_for_dfu_mode`] looks at the bus.
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// The bus number of every port path.
const BUS_NUMBER: u8 = 1;

/// A shared handle to one emulated board, valid whether or not it is on the bus (to
/// read its flash after a download, or plug it in again).
#[derive(Debug, Clone)]
pub struct Board(Arc<Mutex<EspRom>>);

impl Board {
    /// Locks the board (do not hold the lock across transfers).
    pub fn lock(&self) -> MutexGuard<'_, EspRom> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl From<EspRom> for Board {
    fn from(rom: EspRom) -> Board {
        Board(Arc::new(Mutex::new(rom)))
    }
}

/// A device on the bus, as `dfu-util -l` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Port path, e.g. `1-2`.
    pub path: String,
    /// The bus number.
    pub busnum: u8,
    /// The device number on the bus (changes when the board re-enumerates).
    pub devnum: u8,
    /// USB vendor ID.
    pub vid: u16,
    /// USB product ID.
    pub pid: u16,
    /// bcdDevice.
    pub bcd_device: u16,
    /// The ROM personality on the bus: download boot (runtime) or DFU mode.
    pub mode: Mode,
    /// The serial number string.
    pub serial: String,
    /// The DFU interface number.
    pub interface: u8,
    /// wTransferSize of the DFU functional descriptor.
    pub transfer_size: u16,
}

#[derive(Debug)]
struct Slot {
    path: String,
    devnum: u8,
    board: Board,
}

#[derive(Debug, Default)]
struct BusState {
    slots: Vec<Slot>,
    last_devnum: u8,
}

impl BusState {
    /// The next free device number after the last one given, as Linux hands them out.
    fn next_devnum(&mut self) -> u8 {
        let mut devnum = self.last_devnum;
        loop {
            devnum = devnum % 127 + 1;
            if self.slots.iter().all(|s| s.devnum != devnum) {
                self.last_devnum = devnum;
                return devnum;
            }
        }
    }

    /// Brings back boards whose re-enumeration time has come, forgets boards gone for good.
    fn refresh(&mut self, now: Duration) {
        let mut i = 0;
        while i < self.slots.len() {
            let presence = self.slots[i].board.lock().presence();
            match presence {
                Presence::Attached => {}
                Presence::Detached { back_at: None } => {
                    self.slots.remove(i);
                    continue;
                }
                Presence::Detached { back_at: Some(at) } if at <= now => {
                    let moved_to = self.slots[i].board.lock().reattach();
                    let devnum = self.next_devnum();
                    let slot = &mut self.slots[i];
                    slot.devnum = devnum;
                    if let Some(path) = moved_to {
                        slot.path = path;
                    }
                }
                Presence::Detached { .. } => {}
            }
            i += 1;
        }
    }

    fn info(slot: &Slot) -> Option<DeviceInfo> {
        let rom = slot.board.lock();
        (rom.presence() == Presence::Attached).then(|| DeviceInfo {
            path: slot.path.clone(),
            busnum: BUS_NUMBER,
            devnum: slot.devnum,
            vid: rom.vid(),
            pid: rom.pid(),
            bcd_device: rom.config().bcd_device,
            mode: rom.mode(),
            serial: rom.serial().to_owned(),
            interface: rom.dfu_interface(),
            transfer_size: rom.config().transfer_size,
        })
    }
}

/// Emulated boards at port paths on one bus, on a shared clock. Cheap to clone; usable
/// from several threads.
#[derive(Clone)]
pub struct Bus {
    state: Arc<Mutex<BusState>>,
    clock: Arc<dyn Clock>,
}

impl Bus {
    /// An empty bus on `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Bus {
        Bus {
            state: Arc::default(),
            clock,
        }
    }

    /// The bus's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Plugs a board in at `path` (pulling out whatever was there) with a new device
    /// number. A board off the bus powers on in its start mode; a new [`EspRom`] keeps
    /// the state it was made in (e.g. left over from an earlier run). Returns its handle.
    pub fn plug(&self, path: &str, board: impl Into<Board>) -> Board {
        let board = board.into();
        {
            let mut rom = board.lock();
            if rom.presence() != Presence::Attached {
                rom.power_on();
            }
        }
        let mut state = self.lock();
        for slot in state.slots.iter().filter(|s| s.path == path) {
            slot.board.lock().unplug();
        }
        state.slots.retain(|s| s.path != path);
        let devnum = state.next_devnum();
        state.slots.push(Slot {
            path: path.to_owned(),
            devnum,
            board: board.clone(),
        });
        board
    }

    /// Pulls out the board at `path`, if any (also one off the bus re-enumerating).
    pub fn unplug(&self, path: &str) -> Option<Board> {
        let mut state = self.lock();
        let position = state.slots.iter().position(|s| s.path == path)?;
        let board = state.slots.remove(position).board;
        board.lock().unplug();
        Some(board)
    }

    /// The devices on the bus now, by port path.
    pub fn devices(&self) -> Vec<DeviceInfo> {
        let mut state = self.lock();
        state.refresh(self.clock.now());
        let mut devices: Vec<DeviceInfo> = state.slots.iter().filter_map(BusState::info).collect();
        devices.sort_by(|a, b| a.path.cmp(&b.path));
        devices
    }

    /// Opens the DFU interface of the device at `path`.
    pub fn open(&self, path: &str) -> Result<EmulatedTransport, TransportError> {
        let mut state = self.lock();
        state.refresh(self.clock.now());
        let slot = state
            .slots
            .iter()
            .find(|s| s.path == path)
            .ok_or(TransportError::NoDevice)?;
        let info = BusState::info(slot).ok_or(TransportError::NoDevice)?;
        if let Some(error) = slot.board.lock().refuse_open() {
            return Err(error);
        }
        Ok(EmulatedTransport {
            bus: self.clone(),
            board: slot.board.clone(),
            info,
        })
    }

    /// Waits until a device in DFU mode is at `path` (as after DETACH), polling the bus
    /// until `deadline` (clock time); `NoDevice` if none came.
    pub fn wait_for_dfu_mode(
        &self,
        path: &str,
        deadline: Duration,
    ) -> Result<(EmulatedTransport, DeviceInfo), TransportError> {
        loop {
            match self.open(path) {
                Ok(transport) if transport.info.mode == Mode::Dfu => {
                    let info = transport.info.clone();
                    return Ok((transport, info));
                }
                _ => {}
            }
            let now = self.clock.now();
            if now >= deadline {
                return Err(TransportError::NoDevice);
            }
            self.clock.sleep(POLL_INTERVAL.min(deadline - now));
        }
    }

    /// The engine's re-enumeration hook for the board at `path`: waits (at most the
    /// timeout the engine gives) for it to be back in DFU mode, then opens it.
    pub fn reenumerate(&self, path: &str) -> impl Reenumerate<EmulatedTransport> + Send + 'static {
        let bus = self.clone();
        let path = path.to_owned();
        move |timeout: Duration| {
            let deadline = bus.clock.now() + timeout;
            let (transport, _) = bus.wait_for_dfu_mode(&path, deadline)?;
            let interface = transport.interface();
            Ok((transport, interface))
        }
    }

    fn lock(&self) -> MutexGuard<'_, BusState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `board` is still enumerated as `devnum` (not unplugged, not re-enumerated).
    fn holds(&self, board: &Board, devnum: u8) -> bool {
        self.lock()
            .slots
            .iter()
            .any(|s| s.devnum == devnum && Arc::ptr_eq(&s.board.0, &board.0))
    }
}

/// An open DFU interface of an emulated board, valid until the board leaves the bus
/// or re-enumerates. Time comes from the bus's clock: a completion later than now is
/// waited for with [`Clock::sleep`], or, past the timeout, the timeout is slept and the
/// transfer fails with `Timeout`.
pub struct EmulatedTransport {
    bus: Bus,
    board: Board,
    info: DeviceInfo,
}

impl EmulatedTransport {
    /// The device as it was when opened.
    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    /// The board behind the transport.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// The DFU interface as a host reads it: the mode it was opened in and the
    /// functional descriptor parsed from the board's configuration descriptor.
    pub fn interface(&self) -> DfuInterface {
        let rom = self.board.lock();
        let (device, config) = rom.descriptors().split_at(DEVICE_LEN);
        let descriptor = FunctionalDescriptor::find(&[], &config[CONFIG_HEADER_LEN..], device[7])
            .expect("the emulated ROM describes its DFU interface");
        let mode = match self.info.mode {
            Mode::Runtime => InterfaceMode::Runtime,
            Mode::Dfu => InterfaceMode::Dfu,
        };
        DfuInterface { mode, descriptor }
    }

    fn setup(&self, request_type: u8, control: Control, length: usize) -> Setup {
        Setup {
            request_type,
            request: control.request,
            value: control.value,
            index: u16::from(self.info.interface),
            length: length as u16,
        }
    }

    /// Runs a transfer on the board (when it is still this device), then waits for it.
    fn transfer(
        &self,
        timeout: Duration,
        run: impl FnOnce(&mut EspRom, Duration) -> TransferEnd,
    ) -> Result<usize, TransportError> {
        if !self.bus.holds(&self.board, self.info.devnum) {
            return Err(TransportError::NoDevice);
        }
        let clock = &self.bus.clock;
        let now = clock.now();
        let outcome = run(&mut self.board.lock(), now);
        match outcome {
            TransferEnd::Done { len, ready_at } => {
                let wait = ready_at.saturating_sub(now);
                if wait > timeout {
                    clock.sleep(timeout);
                    return Err(TransportError::Timeout);
                }
                if !wait.is_zero() {
                    clock.sleep(wait);
                }
                Ok(len)
            }
            TransferEnd::Stall => Err(TransportError::Stall),
            TransferEnd::Never => {
                clock.sleep(timeout);
                Err(TransportError::Timeout)
            }
            TransferEnd::Gone => Err(TransportError::NoDevice),
        }
    }
}

impl Transport for EmulatedTransport {
    fn control_out(&mut self, control: Control, data: &[u8]) -> Result<(), TransportError> {
        let setup = self.setup(Setup::CLASS_OUT, control, data.len());
        self.transfer(control.timeout, |rom, now| {
            rom.control_out(&setup, data, now)
        })
        .map(drop)
    }

    fn control_in(&mut self, control: Control, buf: &mut [u8]) -> Result<usize, TransportError> {
        let setup = self.setup(Setup::CLASS_IN, control, buf.len());
        self.transfer(control.timeout, |rom, now| rom.control_in(&setup, buf, now))
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.transfer(Duration::MAX, |rom, now| rom.bus_reset(now))
            .map(drop)
    }
}
