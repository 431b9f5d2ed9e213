//! Every DFU device's descriptors in full, as a support report shows them: read from
//! libusb's cached copies, so no device is opened or asked anything.

use std::fmt::Write;

use rusb::{Device, UsbContext};

use super::{DFU_CLASS, Usb, UsbError, device_path};

impl Usb {
    /// The descriptors of every device with a DFU interface: device, configurations,
    /// interfaces with their alt settings and endpoints, and the raw class-specific bytes
    /// (the DFU functional descriptor), as text.
    pub fn describe_dfu_devices(&self) -> Result<Vec<String>, UsbError> {
        let devices = self.context.devices()?;
        Ok(devices
            .iter()
            .filter(has_dfu_interface)
            .map(|device| describe(&device))
            .collect())
    }
}

fn has_dfu_interface<T: UsbContext>(device: &Device<T>) -> bool {
    (0..device
        .device_descriptor()
        .map_or(0, |d| d.num_configurations()))
        .any(|i| {
            device.config_descriptor(i).is_ok_and(|config| {
                config.interfaces().any(|interface| {
                    interface
                        .descriptors()
                        .any(|s| (s.class_code(), s.sub_class_code()) == DFU_CLASS)
                })
            })
        })
}

fn describe<T: UsbContext>(device: &Device<T>) -> String {
    let mut out = String::new();
    let path = device_path(device);
    let _ = writeln!(
        out,
        "Device at {path} (bus {}, address {}, speed {:?})",
        device.bus_number(),
        device.address(),
        device.speed()
    );
    let Ok(d) = device.device_descriptor() else {
        let _ = writeln!(out, "  device descriptor unreadable");
        return out;
    };
    let _ = writeln!(
        out,
        "  idVendor 0x{:04x} idProduct 0x{:04x} bcdDevice {} bcdUSB {} class 0x{:02x}/0x{:02x}/0x{:02x} bMaxPacketSize0 {} iManufacturer {} iProduct {} iSerialNumber {} configurations {}",
        d.vendor_id(),
        d.product_id(),
        d.device_version(),
        d.usb_version(),
        d.class_code(),
        d.sub_class_code(),
        d.protocol_code(),
        d.max_packet_size(),
        d.manufacturer_string_index().unwrap_or(0),
        d.product_string_index().unwrap_or(0),
        d.serial_number_string_index().unwrap_or(0),
        d.num_configurations()
    );
    for index in 0..d.num_configurations() {
        let Ok(config) = device.config_descriptor(index) else {
            let _ = writeln!(out, "  configuration {index} unreadable");
            continue;
        };
        let _ = writeln!(
            out,
            "  configuration {} interfaces {} max power {} mA extra [{}]",
            config.number(),
            config.num_interfaces(),
            config.max_power(),
            hex(config.extra())
        );
        for interface in config.interfaces() {
            for s in interface.descriptors() {
                let _ = writeln!(
                    out,
                    "    interface {} alt {} class 0x{:02x}/0x{:02x}/0x{:02x} iInterface {} endpoints {} extra [{}]",
                    s.interface_number(),
                    s.setting_number(),
                    s.class_code(),
                    s.sub_class_code(),
                    s.protocol_code(),
                    s.description_string_index().unwrap_or(0),
                    s.num_endpoints(),
                    hex(s.extra())
                );
                for e in s.endpoint_descriptors() {
                    let _ = writeln!(
                        out,
                        "      endpoint 0x{:02x} {:?} {:?} max packet {} interval {}",
                        e.address(),
                        e.transfer_type(),
                        e.direction(),
                        e.max_packet_size(),
                        e.interval()
                    );
                }
            }
        }
    }
    out
}

/// Bytes as space-separated hex.
fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
