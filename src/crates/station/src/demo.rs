//! Demo boards: emulated ESP32-S2/S3 ROMs on an in-process [`Bus`] with the real clock
//! and realistic timings, so the whole flow can be tried without hardware.

use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::source::{Connection, DeviceSource, SourceEvent};
use super::{Device, DeviceId};
use dfu::emulator::{Bus, DeviceInfo, EspRom, Mode, RomConfig};
use dfu::{Clock, InterfaceMode, TransportError};
use firmware::Chip;

/// The source name of the window's demo boards (Demo menu, `--demo`): they never reach
/// the production log nor count in the shift.
pub const DEMO: &str = "demo";

/// The source name of emulated boards standing in for real ones (`flash --all --demo N`,
/// tests, benchmarks): flashed, logged and counted as real boards are.
pub const EMULATED: &str = "emulated";

/// The chips demo boards can be.
pub const DEMO_CHIPS: [Chip; 2] = [Chip::Esp32S2, Chip::Esp32S3];

/// How often the watcher looks at the bus when nothing pokes it (re-enumeration after
/// DETACH happens in the bus's own time).
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Timings of demo boards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoTimings {
    /// Time to erase one 4 KiB sector (25 ms, as a real ROM).
    pub erase_time_per_sector: Duration,
    /// Time from DETACH to the board's return in DFU mode (1 s).
    pub reenumeration_delay: Duration,
}

impl Default for DemoTimings {
    fn default() -> Self {
        DemoTimings {
            erase_time_per_sector: Duration::from_millis(25),
            reenumeration_delay: Duration::from_secs(1),
        }
    }
}

/// Emulated boards on port paths `1-1`, `1-2`, ... of their own bus.
pub struct DemoSource {
    name: &'static str,
    bus: Bus,
    timings: DemoTimings,
    /// Wakes the watcher at once after a plug or unplug.
    poke: (Sender<()>, Receiver<()>),
}

impl DemoSource {
    /// An empty demo bus (source [`DEMO`]) whose boards run on `clock`.
    pub fn new(timings: DemoTimings, clock: Arc<dyn Clock>) -> DemoSource {
        DemoSource::named(DEMO, timings, clock)
    }

    /// An empty bus of boards standing in for real ones (source [`EMULATED`]), on `clock`.
    pub fn emulated(timings: DemoTimings, clock: Arc<dyn Clock>) -> DemoSource {
        DemoSource::named(EMULATED, timings, clock)
    }

    fn named(name: &'static str, timings: DemoTimings, clock: Arc<dyn Clock>) -> DemoSource {
        DemoSource {
            name,
            bus: Bus::new(clock),
            timings,
            poke: unbounded(),
        }
    }

    /// Plugs in a new board of `chip` in download boot mode at the first free port path;
    /// returns the path.
    pub fn plug(&self, chip: Chip) -> String {
        let mut config = RomConfig::new(chip);
        config.erase_time_per_sector = self.timings.erase_time_per_sector;
        config.reenumeration_delay = self.timings.reenumeration_delay;
        self.plug_config(config)
    }

    /// Plugs in a board made from `config` (its own timings and faults) at the first free
    /// port path; returns the path. For tests and trainers who show a failure.
    pub fn plug_config(&self, config: RomConfig) -> String {
        let taken: Vec<String> = self.bus.devices().into_iter().map(|d| d.path).collect();
        let path = (1..)
            .map(|port| format!("1-{port}"))
            .find(|path| !taken.contains(path))
            .expect("a free port");
        self.bus.plug(&path, EspRom::new(config));
        self.poke();
        path
    }

    /// The boards on the bus now.
    pub fn devices(&self) -> Vec<Device> {
        let devices = self.bus.devices();
        devices.iter().map(|info| device(self.name, info)).collect()
    }

    /// The bus the boards are on (to read their flash in tests and benchmarks).
    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// Pulls out the board at `path`.
    pub fn unplug(&self, path: &str) {
        self.bus.unplug(path);
        self.poke();
    }

    /// Puts the board at `path` in download boot mode, as holding BOOT while pressing
    /// RESET does: it re-enumerates in runtime mode, its flash kept.
    pub fn download_mode(&self, path: &str) {
        if let Some(board) = self.bus.unplug(path) {
            self.bus.plug(path, board);
        }
        self.poke();
    }

    fn poke(&self) {
        let _ = self.poke.0.send(());
    }
}

fn device(source: &'static str, info: &DeviceInfo) -> Device {
    Device {
        id: DeviceId {
            source,
            path: info.path.clone(),
        },
        vid: info.vid,
        pid: info.pid,
        mode: match info.mode {
            Mode::Runtime => InterfaceMode::Runtime,
            Mode::Dfu => InterfaceMode::Dfu,
        },
        serial: info.serial.clone(),
    }
}

/// Sends what changed from `before` to `now`: a board with a new device number left
/// and came back.
fn diff(
    source: &'static str,
    before: &[DeviceInfo],
    now: &[DeviceInfo],
    events: &Sender<SourceEvent>,
) -> bool {
    let same = |a: &DeviceInfo, b: &DeviceInfo| a.path == b.path && a.devnum == b.devnum;
    let gone = before.iter().filter(|b| !now.iter().any(|n| same(b, n)));
    let new = now.iter().filter(|n| !before.iter().any(|b| same(b, n)));
    gone.map(|b| SourceEvent::Removed(device(source, b).id))
        .chain(new.map(|n| SourceEvent::Added(device(source, n))))
        .all(|event| events.send(event).is_ok())
}

impl DeviceSource for DemoSource {
    fn name(&self) -> &'static str {
        self.name
    }

    fn watch(&self, events: Sender<SourceEvent>) {
        let (name, bus) = (self.name, self.bus.clone());
        let poke = self.poke.1.clone();
        std::thread::Builder::new()
            .name("demo-watch".into())
            .spawn(move || {
                let mut before = Vec::new();
                loop {
                    let now = bus.devices();
                    if !diff(name, &before, &now, &events) {
                        return;
                    }
                    before = now;
                    let _ = poke.recv_timeout(POLL_INTERVAL);
                }
            })
            .expect("spawn the demo watcher");
    }

    fn open(&self, path: &str) -> Result<Connection, TransportError> {
        let transport = self.bus.open(path)?;
        let interface = transport.interface();
        Ok(Connection::new(
            transport,
            interface,
            self.bus.reenumerate(path),
        ))
    }
}
