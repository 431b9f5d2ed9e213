//! USB DFU devices through libusb (rusb): listing with dfu-util's identity fields,
//! opening as an engine [`Transport`](dfu::Transport), waiting for a board to come
//! back in DFU mode, hotplug events, and errors that tell the user what to do; on
//! Windows, the [`driver`] doctor: which driver holds a board's DFU interface.
//!
//! Nothing here panics without USB: a machine without it gives [`UsbError::Unavailable`].
#![warn(missing_docs)]

mod describe;
pub mod driver;
mod error;
mod select;
mod target;
mod transport;
mod watch;

use rusb::{Context, Device, UsbContext};

pub use error::{UsbError, transport_error};
pub use select::{AltFilter, IdFilter, Pick, Selector, SelectorError};
pub use target::{DfuTarget, UNKNOWN, chip_of, port_path};
pub use transport::{DfuModeWaiter, UsbTransport};
pub use watch::{POLL_ENV, POLL_INTERVAL, UsbEvent, WatchMode, Watcher};

use dfu::{DfuInterface, FunctionalDescriptor, InterfaceMode, TransportError};

/// Interface class and subclass of DFU (protocol 1 = runtime, 2 = DFU mode).
const DFU_CLASS: (u8, u8) = (0xFE, 0x01);

/// A libusb session: lists and opens DFU devices. Cheap to clone.
#[derive(Clone)]
pub struct Usb {
    context: Context,
}

impl Usb {
    /// Starts libusb; fails with [`UsbError::Unavailable`] where there is no USB.
    pub fn new() -> Result<Usb, UsbError> {
        Context::new()
            .map(|context| Usb { context })
            .map_err(|e| UsbError::Unavailable(e.to_string()))
    }

    /// Every DFU interface alt setting of every device, in bus order.
    pub fn list(&self) -> Result<Vec<DfuTarget>, UsbError> {
        self.list_known(&[])
    }

    /// Like [`Usb::list`], but a device already in `known` (same bus, address and path)
    /// is taken from there and not asked for its strings again: a board busy erasing
    /// would hold every scan.
    pub fn list_known(&self, known: &[DfuTarget]) -> Result<Vec<DfuTarget>, UsbError> {
        Ok(self
            .devices()?
            .iter()
            .flat_map(|d| {
                let path = device_path(&d);
                let seen: Vec<DfuTarget> = (known.iter())
                    .filter(|t| (t.bus, t.devnum) == (d.bus_number(), d.address()))
                    .filter(|t| t.path == path)
                    .cloned()
                    .collect();
                if seen.is_empty() {
                    targets_of(&d)
                } else {
                    seen
                }
            })
            .collect())
    }

    /// The DFU interfaces of the device at port `path` (none if nothing is there). Only
    /// that device is opened, to read its strings: the other boards on the bus, maybe
    /// busy erasing, get no request.
    pub fn at_path(&self, path: &str) -> Result<Vec<DfuTarget>, UsbError> {
        Ok(self
            .devices()?
            .iter()
            .filter(|d| device_path(d) == path)
            .flat_map(|d| targets_of(&d))
            .collect())
    }

    /// The devices on the bus now (from the system's list: no device is asked anything).
    fn devices(&self) -> Result<rusb::DeviceList<Context>, UsbError> {
        (self.context.devices()).map_err(|e| UsbError::Unavailable(e.to_string()))
    }

    /// Opens `target`, claims its interface and, in DFU mode, selects its alt setting.
    pub fn open(&self, target: &DfuTarget) -> Result<(UsbTransport, DfuInterface), UsbError> {
        let descriptor = target
            .descriptor
            .clone()
            .map_err(|e| UsbError::Device(TransportError::Other(e.to_string())))?;
        let device = self
            .context
            .devices()?
            .iter()
            .find(|d| {
                d.bus_number() == target.bus
                    && d.address() == target.devnum
                    && device_path(d) == target.path
            })
            .ok_or(UsbError::Device(TransportError::NoDevice))?;
        log::debug!(
            "opening {:04x}:{:04x} at {} (address {}), interface {} alt {}",
            target.vid,
            target.pid,
            target.path,
            target.devnum,
            target.intf,
            target.alt
        );
        let handle = device
            .open()
            .inspect_err(|e| log::debug!("open failed: {e}"))?;
        // Not every platform can detach kernel drivers; claiming then says what is wrong.
        let _ = handle.set_auto_detach_kernel_driver(true);
        handle.claim_interface(target.intf)?;
        if target.mode == InterfaceMode::Dfu {
            handle.set_alternate_setting(target.intf, target.alt)?;
        }
        let interface = DfuInterface {
            mode: target.mode,
            descriptor,
        };
        Ok((UsbTransport::new(handle, target.intf), interface))
    }

    /// Starts a hotplug watcher on this session (polling where hotplug is missing).
    pub fn watch(&self, mode: WatchMode) -> Watcher {
        Watcher::start(self.clone(), mode)
    }
}

fn device_path<T: UsbContext>(device: &Device<T>) -> String {
    port_path(
        device.bus_number(),
        &device.port_numbers().unwrap_or_default(),
    )
}

/// The DFU interfaces of one device; none if its descriptors cannot be read.
fn targets_of<T: UsbContext>(device: &Device<T>) -> Vec<DfuTarget> {
    let Ok(desc) = device.device_descriptor() else {
        return Vec::new();
    };
    let configs: Vec<_> = (0..desc.num_configurations())
        .filter_map(|i| device.config_descriptor(i).ok())
        .collect();
    let is_dfu = |i: &rusb::InterfaceDescriptor<'_>| {
        (i.class_code(), i.sub_class_code()) == DFU_CLASS
            && InterfaceMode::from_protocol(i.protocol_code()).is_some()
    };
    if !configs
        .iter()
        .any(|c| c.interfaces().any(|i| i.descriptors().any(|d| is_dfu(&d))))
    {
        return Vec::new();
    }

    // Strings need an open handle; a device we may not open is still listed.
    let handle = device.open().map_err(UsbError::from);
    let read = |index: Option<u8>| -> String {
        handle
            .as_ref()
            .ok()
            .zip(index.filter(|&i| i != 0))
            .and_then(|(h, i)| h.read_string_descriptor_ascii(i).ok())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| UNKNOWN.to_owned())
    };
    let serial = read(desc.serial_number_string_index());
    let path = device_path(device);
    let (vid, pid) = (desc.vendor_id(), desc.product_id());
    let bcd_device = raw_bcd_device(device).unwrap_or(0);

    let mut targets = Vec::new();
    for config in &configs {
        for setting in config.interfaces().flat_map(|i| i.descriptors()) {
            let Some(mode) =
                InterfaceMode::from_protocol(setting.protocol_code()).filter(|_| is_dfu(&setting))
            else {
                continue;
            };
            targets.push(DfuTarget {
                vid,
                pid,
                bcd_device,
                bus: device.bus_number(),
                devnum: device.address(),
                cfg: config.number(),
                intf: setting.interface_number(),
                path: path.clone(),
                alt: setting.setting_number(),
                name: read(setting.description_string_index()),
                serial: serial.clone(),
                mode,
                chip: chip_of(vid, pid),
                descriptor: FunctionalDescriptor::find(
                    setting.extra(),
                    config.extra(),
                    desc.max_packet_size(),
                ),
                open_error: handle.as_ref().err().cloned(),
            });
        }
    }
    targets
}

/// bcdDevice as the device sent it (rusb only offers it decoded as BCD, which loses
/// non-BCD values such as 0x00ff).
fn raw_bcd_device<T: UsbContext>(device: &Device<T>) -> Option<u16> {
    let mut desc = std::mem::MaybeUninit::<rusb::ffi::libusb_device_descriptor>::uninit();
    // SAFETY: `device` holds a reference to a live libusb_device, and libusb fills the whole
    // descriptor when it returns 0 (it only copies the cached device descriptor).
    let rc = unsafe { rusb::ffi::libusb_get_device_descriptor(device.as_raw(), desc.as_mut_ptr()) };
    // SAFETY: initialised by the successful call above.
    (rc == 0).then(|| unsafe { desc.assume_init() }.bcdDevice)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This machine may have no USB at all: starting and listing must not panic.
    #[test]
    fn listing_without_usb_fails_cleanly_or_lists() {
        match Usb::new() {
            Ok(usb) => {
                let _ = usb.list();
            }
            Err(error) => assert!(matches!(error, UsbError::Unavailable(_))),
        }
    }
}
