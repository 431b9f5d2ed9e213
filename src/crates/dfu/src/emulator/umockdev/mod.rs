//! Emulated boards behind the real libusb: a umockdev testbed whose USB devices are
//! [`EspRom`](crate::emulator::EspRom)s on a [`Bus`], for end-to-end runs of `dfu-util`
//! and our CLI without hardware (feature `umockdev`; run under `umockdev-wrapper`).
//!
//! The [`Harness`] mirrors the bus into the testbed: each enumerated board gets a sysfs
//! record, a FIFO device node `/dev/bus/usb/BBB/DDD` and an ioctl handler that answers
//! usbfs with the ROM model. When a board leaves the bus (DETACH, unplug) its device is
//! removed ("remove" uevent, ENODEV); when it comes back (DFU mode after DETACH, plug)
//! it is added with a new device number ("add" uevent).

mod control;
mod device;
mod error;
mod ffi;
mod spec;
mod testbed;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use self::control::{BusAction, CONTROL_ENV};
use self::device::UsbDevice;
use self::testbed::{IoctlHandler, Testbed};
use crate::emulator::{Board, Bus, DeviceInfo, EspRom, Mode, SECTOR};
use crate::{Clock, SystemClock};
pub use error::HarnessError;
pub use spec::{BoardSpec, OptionError, SpecError, Timed};

/// How often the main loop looks at the bus and the command at the latest.
const TICK: Duration = Duration::from_millis(10);
/// The major number of usbfs device nodes.
const USB_DEVICE_MAJOR: u32 = 189;
/// A kernel file that refuses to open for writing even to root (a read-only sysctl):
/// the node of a `noaccess` board links to it when `chmod 000` does not stop us.
const UNWRITABLE: &str = "/proc/sys/kernel/ostype";

/// A board as the harness knows it.
struct Slot {
    /// The path it was created at (its name in reports and flash files).
    home: String,
    board: Board,
    noaccess: bool,
}

/// A device currently in the testbed.
struct Attached {
    path: String,
    devnum: u8,
    syspath: String,
    devnode: String,
    device: Arc<UsbDevice>,
    /// Keeps the ioctl handler alive for as long as the device is in the testbed.
    _handler: IoctlHandler,
}

/// Emulated boards in a umockdev testbed, kept in step with their [`Bus`].
pub struct Harness {
    attached: Vec<Attached>,
    /// Devices taken out of the testbed that clients still hold open: they answer
    /// ENODEV until each client closes them, and are ticked until then so that the
    /// references to those clients (which reference the device back) are let go.
    removed: Vec<Arc<UsbDevice>>,
    testbed: Testbed,
    bus: Bus,
    clock: Arc<dyn Clock>,
    slots: Vec<Slot>,
    /// Scheduled actions not run yet, with their time after the command's start.
    schedule: Vec<(Duration, BusAction)>,
    /// Actions from the control FIFO.
    controls: Receiver<Result<BusAction, HarnessError>>,
    control_path: PathBuf,
    wake: Sender<()>,
    woken: Receiver<()>,
    verbose: bool,
    /// When the command started (until then, when the harness was created): the zero of
    /// the schedule and of the times in the log.
    started: Instant,
}

impl Harness {
    /// Creates the testbed (this process must run under `umockdev-wrapper`) and the
    /// control FIFO (at `control`, or in the testbed's directory), and plugs the boards in.
    pub fn new(
        boards: Vec<BoardSpec>,
        unplug: Vec<Timed>,
        plug: Vec<Timed>,
        control: Option<PathBuf>,
        verbose: bool,
    ) -> Result<Harness, HarnessError> {
        let testbed = Testbed::new()?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock::default());
        let bus = Bus::new(clock.clone());
        let mut slots = Vec::new();
        for spec in boards {
            if slots.iter().any(|s: &Slot| s.home == spec.path) {
                return Err(HarnessError::TwoBoards { path: spec.path });
            }
            let board = bus.plug(&spec.path, EspRom::new(spec.config));
            if spec.unplugged {
                // Off the bus before the testbed ever sees it.
                bus.unplug(&spec.path);
            }
            slots.push(Slot {
                home: spec.path,
                board,
                noaccess: spec.noaccess,
            });
        }
        let schedule = (unplug
            .into_iter()
            .map(|t| (t.at, BusAction::Unplug(t.path))))
        .chain(plug.into_iter().map(|t| (t.at, BusAction::Plug(t.path))))
        .collect();
        let (wake, woken) = mpsc::channel();
        let control_path = control.unwrap_or_else(|| testbed.root_dir().join("control"));
        let (actions, controls) = mpsc::channel();
        control::listen(&control_path, actions, wake.clone())?;
        let mut harness = Harness {
            attached: Vec::new(),
            removed: Vec::new(),
            testbed,
            bus,
            clock,
            slots,
            schedule,
            controls,
            control_path,
            wake,
            woken,
            verbose,
            started: Instant::now(),
        };
        harness.sync()?;
        Ok(harness)
    }

    /// Runs `command` (it inherits the preload and the testbed, and finds the control
    /// FIFO in [`CONTROL_ENV`]) while emulating the boards; returns its exit status.
    pub fn run(&mut self, command: &mut Command) -> Result<ExitStatus, HarnessError> {
        let mut child = command
            .env(CONTROL_ENV, &self.control_path)
            .spawn()
            .map_err(|source| HarnessError::Start {
                program: command.get_program().to_owned(),
                source,
            })?;
        self.started = Instant::now();
        let result = self.emulate_until_exit(&mut child);
        if result.is_err() {
            let _ = child.kill();
            let _ = child.wait();
        }
        result
    }

    fn emulate_until_exit(&mut self, child: &mut Child) -> Result<ExitStatus, HarnessError> {
        loop {
            if let Some(status) = child.try_wait().map_err(HarnessError::Wait)? {
                return Ok(status);
            }
            let now = Instant::now();
            self.run_schedule(now - self.started)?;
            for action in self.controls.try_iter().collect::<Vec<_>>() {
                self.act(action?)?;
            }
            self.sync()?;
            let mut next = now + TICK;
            for attached in &self.attached {
                next = attached.device.tick(now).map_or(next, |due| due.min(next));
            }
            self.removed.retain(|device| {
                device.tick(now);
                device.has_clients()
            });
            // Woken early when a completion falls due sooner or a board leaves the bus.
            let _ = self
                .woken
                .recv_timeout(next.saturating_duration_since(Instant::now()));
        }
    }

    /// Every board: where it is, its mode and state, and its flash, written to
    /// `flash_dir/PATH.bin` if given.
    pub fn report(&self, flash_dir: Option<&Path>) -> Result<Vec<BoardReport>, HarnessError> {
        let devices = self.bus.devices();
        let mut reports = Vec::new();
        for slot in &self.slots {
            let rom = slot.board.lock();
            let devnum = (devices.iter())
                .find(|d| d.path == slot.home)
                .map(|d| d.devnum);
            let flash = rom.flash();
            let flash_file = match flash_dir {
                Some(dir) => {
                    let file = dir.join(format!("{}.bin", slot.home));
                    fs::write(&file, flash).map_err(|source| HarnessError::Write {
                        path: file.clone(),
                        source,
                    })?;
                    Some(file)
                }
                None => None,
            };
            reports.push(BoardReport {
                path: slot.home.clone(),
                chip: rom.config().chip.name(),
                mode: match rom.mode() {
                    Mode::Runtime => "runtime",
                    Mode::Dfu => "dfu",
                },
                devnum,
                state: format!("{:?}", rom.state()),
                status: format!("{:?}", rom.status()),
                flash_size: flash.len(),
                flash_sha256: hex::encode(Sha256::digest(flash)),
                flash_file,
                programmed: programmed(flash),
                requests: rom.requests(),
            });
        }
        Ok(reports)
    }

    fn run_schedule(&mut self, elapsed: Duration) -> Result<(), HarnessError> {
        let (due, later): (Vec<_>, _) = std::mem::take(&mut self.schedule)
            .into_iter()
            .partition(|(at, _)| *at <= elapsed);
        self.schedule = later;
        due.into_iter().try_for_each(|(_, action)| self.act(action))
    }

    fn act(&mut self, action: BusAction) -> Result<(), HarnessError> {
        match action {
            BusAction::Plug(path) => {
                let Some(slot) = self.slots.iter().find(|s| s.home == path) else {
                    return Err(HarnessError::NoSuchBoard { path });
                };
                self.bus.plug(&path, slot.board.clone());
            }
            BusAction::Unplug(path) => {
                self.bus.unplug(&path);
            }
        }
        Ok(())
    }

    /// Makes the testbed match the bus: removes devices that left it, adds new ones.
    fn sync(&mut self) -> Result<(), HarnessError> {
        let devices = self.bus.devices();
        let (keep, gone) = std::mem::take(&mut self.attached)
            .into_iter()
            .partition(|a| (devices.iter()).any(|d| d.path == a.path && d.devnum == a.devnum));
        self.attached = keep;
        for attached in gone {
            self.remove(attached)?;
        }
        for info in &devices {
            if !(self.attached.iter()).any(|a| a.path == info.path && a.devnum == info.devnum) {
                self.add(info)?;
            }
        }
        Ok(())
    }

    fn add(&mut self, info: &DeviceInfo) -> Result<(), HarnessError> {
        let board = self
            .bus
            .open(&info.path)
            .map_err(|source| HarnessError::Open {
                path: info.path.clone(),
                source,
            })?
            .board()
            .clone();
        let noaccess = (self.slots.iter()).any(|s| s.home == info.path && s.noaccess);
        let bus = BoardSpec::bus(&info.path);
        let devnode = format!("/dev/bus/usb/{bus:03}/{:03}", info.devnum);
        let node = self.node_path(&devnode);
        if let Some(dir) = node.parent() {
            fs::create_dir_all(dir).map_err(|source| HarnessError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        // A stale node of an earlier device with this number.
        let _ = fs::remove_file(&node);
        if noaccess {
            make_unopenable(&node)?;
        }
        let fifo = (!noaccess).then_some(node.as_path());
        let device = UsbDevice::new(
            board.clone(),
            self.clock.clone(),
            info.devnum,
            fifo,
            self.wake.clone(),
        )
        .map_err(|source| HarnessError::Io {
            path: node.clone(),
            source,
        })?;
        let device = Arc::new(device);
        let handler = IoctlHandler::new(device.clone());
        // The handler must be in place before the "add" uevent: clients open at once.
        self.testbed.attach_ioctl(&devnode, &handler)?;
        let record = record(&board, info, bus, &devnode);
        // umockdev leaves the `/sys/dev/char` link of a removed device behind: a later
        // device with the same number (device numbers wrap after 127) could not be added.
        let char_link = format!("sys/dev/char/189:{}", minor(bus, info.devnum));
        let _ = fs::remove_file(self.testbed.root_dir().join(char_link));
        self.testbed.add_from_string(&record.text)?;
        if self.verbose {
            self.log(format_args!(
                "{} added as {devnode} ({:?} mode)",
                info.path, info.mode
            ));
        }
        self.attached.push(Attached {
            path: info.path.clone(),
            devnum: info.devnum,
            syspath: record.syspath,
            devnode,
            device,
            _handler: handler,
        });
        Ok(())
    }

    fn remove(&mut self, attached: Attached) -> Result<(), HarnessError> {
        attached.device.disconnect();
        self.testbed.uevent(&attached.syspath, "remove")?;
        // Logged at the uevent: removing the sysfs record takes umockdev ~80 ms.
        if self.verbose {
            self.log(format_args!(
                "{} ({}) removed",
                attached.path, attached.devnode
            ));
        }
        self.testbed.remove_device(&attached.syspath)?;
        self.testbed.detach_ioctl(&attached.devnode)?;
        let _ = fs::remove_file(self.node_path(&attached.devnode));
        self.removed.push(attached.device);
        Ok(())
    }

    /// Logs `message` on stderr with the milliseconds since the command started.
    fn log(&self, message: std::fmt::Arguments<'_>) {
        let ms = self.started.elapsed().as_secs_f64() * 1e3;
        eprintln!("harness: +{ms:.1} ms: {message}");
    }

    /// Where the testbed keeps `/dev/...`.
    fn node_path(&self, devnode: &str) -> PathBuf {
        self.testbed
            .root_dir()
            .join(devnode.trim_start_matches('/'))
    }
}

impl Drop for Harness {
    /// Removes the control FIFO (a `--control` path outlives the testbed otherwise).
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.control_path);
    }
}

/// One board at the end of a run.
#[derive(Debug, Clone, Serialize)]
pub struct BoardReport {
    /// Port path.
    pub path: String,
    /// The chip's name (`ESP32-S2`).
    pub chip: &'static str,
    /// `runtime` or `dfu`.
    pub mode: &'static str,
    /// The device number, if the board is on the bus.
    pub devnum: Option<u8>,
    /// DFU state and status, e.g. `DfuIdle`, `Ok`.
    pub state: String,
    /// The DFU status, e.g. `Ok`.
    pub status: String,
    /// Bytes of emulated flash.
    pub flash_size: usize,
    /// The SHA-256 of the whole flash, lowercase hex.
    pub flash_sha256: String,
    /// Where the flash contents were written (`flash_dir/PATH.bin`), if asked.
    pub flash_file: Option<PathBuf>,
    /// The 4 KiB sectors not erased (0xFF), merged into `[offset, length]` ranges.
    pub programmed: Vec<[usize; 2]>,
    /// Control requests the board received (a board nobody opened got none).
    pub requests: u64,
}

/// A umockdev device record and the sysfs path it creates.
struct Record {
    text: String,
    syspath: String,
}

/// The minor number of USB device `devnum` on `bus` (major 189), as Linux numbers them.
fn minor(bus: u8, devnum: u8) -> u32 {
    (u32::from(bus) - 1) * 128 + u32::from(devnum) - 1
}

/// The sysfs record of a board enumerated as `info`.
fn record(board: &Board, info: &DeviceInfo, bus: u8, devnode: &str) -> Record {
    let rom = board.lock();
    let descriptors = rom.descriptors();
    let product = rom.config().chip.name();
    let (class, subclass, protocol) = (descriptors[4], descriptors[5], descriptors[6]);
    let interfaces = descriptors[18 + 4];
    let minor = minor(bus, info.devnum);
    let port = info.path.split_once('-').map_or("1", |(_, port)| port);
    // The record is lines of text: a test serial's control characters stay in the USB
    // string descriptor only.
    let serial: String = info.serial.chars().filter(|c| !c.is_control()).collect();
    let syspath = format!("/sys/devices/usb{bus}/{}", info.path);
    let mut text = format!("P: /devices/usb{bus}/{}\n", info.path);
    let properties = [
        ("DEVNAME", devnode.to_owned()),
        ("DEVTYPE", "usb_device".into()),
        ("DRIVER", "usb".into()),
        ("SUBSYSTEM", "usb".into()),
        ("MAJOR", USB_DEVICE_MAJOR.to_string()),
        ("MINOR", minor.to_string()),
        ("BUSNUM", format!("{bus:03}")),
        ("DEVNUM", format!("{:03}", info.devnum)),
        (
            "PRODUCT",
            format!("{:x}/{:x}/{:x}", info.vid, info.pid, info.bcd_device),
        ),
        ("TYPE", format!("{class}/{subclass}/{protocol}")),
        ("ID_VENDOR", "Espressif".into()),
        ("ID_VENDOR_ID", format!("{:04x}", info.vid)),
        ("ID_MODEL", product.replace('-', "_")),
        ("ID_MODEL_ID", format!("{:04x}", info.pid)),
        ("ID_REVISION", format!("{:04x}", info.bcd_device)),
        (
            "ID_SERIAL",
            format!("Espressif_{}_{serial}", product.replace('-', "_")),
        ),
        ("ID_SERIAL_SHORT", serial.clone()),
        ("ID_BUS", "usb".into()),
    ];
    for (key, value) in properties {
        text.push_str(&format!("E: {key}={value}\n"));
    }
    let attributes = [
        ("busnum", bus.to_string()),
        ("devnum", info.devnum.to_string()),
        ("devpath", port.to_owned()),
        ("dev", format!("{USB_DEVICE_MAJOR}:{minor}")),
        ("idVendor", format!("{:04x}", info.vid)),
        ("idProduct", format!("{:04x}", info.pid)),
        ("bcdDevice", format!("{:04x}", info.bcd_device)),
        ("bDeviceClass", format!("{class:02x}")),
        ("bDeviceSubClass", format!("{subclass:02x}")),
        ("bDeviceProtocol", format!("{protocol:02x}")),
        ("bMaxPacketSize0", descriptors[7].to_string()),
        ("bNumConfigurations", "1".into()),
        ("bConfigurationValue", "1".into()),
        ("bNumInterfaces", format!("{interfaces:2}")),
        ("configuration", String::new()),
        ("speed", "12".into()),
        ("version", " 2.00".into()),
        ("manufacturer", "Espressif".into()),
        ("product", product.into()),
        ("serial", serial),
    ];
    for (key, value) in attributes {
        text.push_str(&format!("A: {key}={value}\\n\n"));
    }
    text.push_str(&format!(
        "H: descriptors={}\n",
        hex::encode_upper(descriptors)
    ));
    Record { text, syspath }
}

/// Makes `node` a device node that open() refuses with EACCES: mode 000, or, for a
/// process that permissions do not stop (root), a link to a file the kernel refuses
/// to open for writing to everyone (libusb opens device nodes read-write).
fn make_unopenable(node: &Path) -> Result<(), HarnessError> {
    use std::os::unix::fs::PermissionsExt;
    let error = |source| HarnessError::Io {
        path: node.to_owned(),
        source,
    };
    fs::write(node, b"").map_err(error)?;
    fs::set_permissions(node, fs::Permissions::from_mode(0o000)).map_err(error)?;
    if fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(node)
        .is_ok()
    {
        fs::remove_file(node).map_err(error)?;
        std::os::unix::fs::symlink(UNWRITABLE, node).map_err(error)?;
    }
    Ok(())
}

/// Merged ranges of sectors that are not all 0xFF.
fn programmed(flash: &[u8]) -> Vec<[usize; 2]> {
    let mut ranges: Vec<[usize; 2]> = Vec::new();
    for (index, sector) in flash.chunks(SECTOR).enumerate() {
        if sector.iter().all(|&b| b == 0xFF) {
            continue;
        }
        let offset = index * SECTOR;
        match ranges.last_mut() {
            Some([start, length]) if *start + *length == offset => *length += sector.len(),
            _ => ranges.push([offset, sector.len()]),
        }
    }
    ranges
}

/// The shell-style exit code of a finished command (128 + signal if killed).
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(1)
}
