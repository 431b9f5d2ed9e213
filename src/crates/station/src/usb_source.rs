//! Real boards: the rusb backend as a [`DeviceSource`]. A board is its USB port path;
//! its first DFU interface is the one flashed (the ESP ROM has exactly one).

use std::collections::HashMap;

use crossbeam_channel::Sender;

use super::source::{Connection, DeviceSource, SourceEvent};
use super::{Device, DeviceId};
use dfu::TransportError;
use usb::{DfuModeWaiter, DfuTarget, Selector, Usb, UsbError, UsbEvent, WatchMode, Watcher};

/// The source name of real USB boards.
pub const USB: &str = "usb";

/// Boards on the computer's USB ports.
pub struct UsbSource {
    usb: Usb,
    mode: WatchMode,
}

impl UsbSource {
    /// Starts libusb; hotplug or polling as [`WatchMode::from_env`] says.
    pub fn new() -> Result<UsbSource, UsbError> {
        Ok(UsbSource {
            usb: Usb::new()?,
            mode: WatchMode::from_env(),
        })
    }

    /// The boards on the bus now, one per port path.
    pub fn devices(&self) -> Result<Vec<Device>, UsbError> {
        let mut devices: Vec<Device> = self.usb.list()?.iter().map(Device::from).collect();
        devices.sort_by(|a, b| a.id.cmp(&b.id));
        devices.dedup_by(|a, b| a.id == b.id);
        Ok(devices)
    }
}

impl From<&DfuTarget> for Device {
    fn from(target: &DfuTarget) -> Device {
        Device {
            id: DeviceId {
                source: USB,
                path: target.path.clone(),
            },
            vid: target.vid,
            pid: target.pid,
            mode: target.mode,
            serial: target.serial.clone(),
        }
    }
}

/// Passes the watcher's events on, one board per port path (a board may show several
/// DFU interfaces or alt settings). Returns when the station stops listening.
fn forward(watcher: &Watcher, events: &Sender<SourceEvent>) {
    let mut interfaces: HashMap<String, usize> = HashMap::new();
    for event in watcher.events() {
        let sent = match event {
            UsbEvent::Added(target) => {
                let count = interfaces.entry(target.path.clone()).or_default();
                *count += 1;
                *count > 1
                    || events
                        .send(SourceEvent::Added(Device::from(&target)))
                        .is_ok()
            }
            UsbEvent::Removed(target) => match interfaces.get_mut(&target.path) {
                Some(count) if *count > 1 => {
                    *count -= 1;
                    true
                }
                Some(_) => {
                    interfaces.remove(&target.path);
                    events
                        .send(SourceEvent::Removed(Device::from(&target).id))
                        .is_ok()
                }
                None => true,
            },
        };
        if !sent {
            return;
        }
    }
}

impl DeviceSource for UsbSource {
    fn name(&self) -> &'static str {
        USB
    }

    fn watch(&self, events: Sender<SourceEvent>) {
        let usb = self.usb.clone();
        let mode = self.mode;
        std::thread::Builder::new()
            .name("usb watcher".into()) // not for people: a thread's name
            .spawn(move || forward(&Watcher::start(usb, mode), &events))
            .expect("spawn the USB watcher");
    }

    fn open(&self, path: &str) -> Result<Connection, TransportError> {
        let targets = self.usb.at_path(path).map_err(TransportError::from)?;
        let target = targets.first().ok_or(TransportError::NoDevice)?;
        let (transport, interface) = self.usb.open(target).map_err(TransportError::from)?;
        let waiter = DfuModeWaiter::new(self.usb.clone(), target, &Selector::default());
        Ok(Connection::new(transport, interface, waiter))
    }
}
