//! One DFU interface alt setting as `dfu-util -l` lists it.

use std::fmt;

use serde::{Serialize, Serializer};

use super::UsbError;
use dfu::{FunctionalDescriptor, InterfaceMode, ProtocolError};
use firmware::{Chip, ESPRESSIF_VID};

/// What dfu-util prints for a missing or unreadable string.
pub const UNKNOWN: &str = "UNKNOWN";

/// One alt setting of a DFU interface (class 0xFE, subclass 1) on a USB device, with
/// dfu-util's identity fields. Serializes to the `list --json` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DfuTarget {
    /// USB vendor ID.
    pub vid: u16,
    /// USB product ID.
    pub pid: u16,
    /// bcdDevice (dfu-util's `ver`).
    pub bcd_device: u16,
    /// USB bus number (the start of `path`; left out of the JSON).
    #[serde(skip)]
    pub bus: u8,
    /// Device address on its bus.
    pub devnum: u8,
    /// bConfigurationValue.
    pub cfg: u8,
    /// Interface number (the wIndex of DFU requests).
    pub intf: u8,
    /// `BUS-PORT.PORT...`: stays the same when the board re-enumerates in DFU mode.
    pub path: String,
    /// bAlternateSetting (dfu-util's `alt`).
    pub alt: u8,
    /// The interface string, or `UNKNOWN`.
    pub name: String,
    /// The serial number string, or `UNKNOWN`.
    pub serial: String,
    /// Runtime (the application runs) or DFU mode (the loader runs).
    #[serde(serialize_with = "mode_name")]
    pub mode: InterfaceMode,
    /// The Espressif chip this VID:PID belongs to.
    #[serde(serialize_with = "chip_name")]
    pub chip: Option<Chip>,
    /// The DFU functional descriptor, or why it is unusable.
    #[serde(skip)]
    pub descriptor: Result<FunctionalDescriptor, ProtocolError>,
    /// Why the device could not be opened to read its strings, if it could not.
    #[serde(skip)]
    pub open_error: Option<UsbError>,
}

impl DfuTarget {
    /// Whether `other` is the same interface of the same enumerated device (strings aside).
    pub fn same_interface(&self, other: &DfuTarget) -> bool {
        (
            self.bus,
            self.devnum,
            &self.path,
            self.cfg,
            self.intf,
            self.alt,
        ) == (
            other.bus,
            other.devnum,
            &other.path,
            other.cfg,
            other.intf,
            other.alt,
        )
    }
}

/// The Espressif chip of a VID:PID (none for other vendors).
pub fn chip_of(vid: u16, pid: u16) -> Option<Chip> {
    (vid == ESPRESSIF_VID)
        .then(|| Chip::from_pid(pid))
        .flatten()
}

/// The port path as dfu-util prints it: bus number, `-`, port numbers joined by `.`.
pub fn port_path(bus: u8, ports: &[u8]) -> String {
    let mut path = bus.to_string();
    for (i, port) in ports.iter().enumerate() {
        path.push(if i == 0 { '-' } else { '.' });
        path.push_str(&port.to_string());
    }
    path
}

/// `runtime` or `dfu`.
fn mode_str(mode: InterfaceMode) -> &'static str {
    match mode {
        InterfaceMode::Runtime => "runtime",
        InterfaceMode::Dfu => "dfu",
    }
}

fn mode_name<S: Serializer>(mode: &InterfaceMode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(mode_str(*mode))
}

fn chip_name<S: Serializer>(chip: &Option<Chip>, s: S) -> Result<S::Ok, S::Error> {
    chip.map(Chip::name).serialize(s)
}

/// dfu-util's `-l` line, then the chip name for Espressif boards.
impl fmt::Display for DfuTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.mode {
            InterfaceMode::Runtime => "Runtime",
            InterfaceMode::Dfu => "DFU",
        };
        write!(
            f,
            "Found {kind}: [{:04x}:{:04x}] ver={:04x}, devnum={}, cfg={}, intf={}, path=\"{}\", alt={}, name=\"{}\", serial=\"{}\"",
            self.vid,
            self.pid,
            self.bcd_device,
            self.devnum,
            self.cfg,
            self.intf,
            self.path,
            self.alt,
            self.name,
            self.serial
        )?;
        match self.chip {
            Some(chip) => write!(f, " {chip}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::num::NonZeroU16;

    use super::*;
    use dfu::Attributes;

    /// An ESP32-S2 in download mode, as the ROM enumerates it.
    pub(crate) fn esp_runtime(path: &str, devnum: u8) -> DfuTarget {
        DfuTarget {
            vid: 0x303a,
            pid: 0x0002,
            bcd_device: 0x0723,
            bus: 1,
            devnum,
            cfg: 1,
            intf: 2,
            path: path.to_owned(),
            alt: 0,
            name: UNKNOWN.to_owned(),
            serial: "0".to_owned(),
            mode: InterfaceMode::Runtime,
            chip: chip_of(0x303a, 0x0002),
            descriptor: Ok(FunctionalDescriptor {
                attributes: Attributes(0x0D),
                detach_timeout_ms: 1000,
                transfer_size: NonZeroU16::new(64).unwrap(),
                dfu_version: 0x0110,
            }),
            open_error: None,
        }
    }

    #[test]
    fn paths_are_formatted_like_dfu_util() {
        assert_eq!(port_path(1, &[1]), "1-1");
        assert_eq!(port_path(3, &[2, 4, 1]), "3-2.4.1");
        assert_eq!(port_path(12, &[10, 255]), "12-10.255");
        assert_eq!(port_path(2, &[]), "2");
    }

    #[test]
    fn list_line_is_dfu_util_line_then_chip() {
        assert_eq!(
            esp_runtime("1-1", 5).to_string(),
            r#"Found Runtime: [303a:0002] ver=0723, devnum=5, cfg=1, intf=2, path="1-1", alt=0, name="UNKNOWN", serial="0" ESP32-S2"#
        );
        let mut other = esp_runtime("2-3.1", 17);
        (other.vid, other.pid, other.mode, other.chip, other.alt) = (
            0x0483,
            0xdf11,
            InterfaceMode::Dfu,
            chip_of(0x0483, 0xdf11),
            1,
        );
        other.name = "@Internal Flash".into();
        assert_eq!(
            other.to_string(),
            r#"Found DFU: [0483:df11] ver=0723, devnum=17, cfg=1, intf=2, path="2-3.1", alt=1, name="@Internal Flash", serial="0""#
        );
    }

    #[test]
    fn json_has_the_documented_fields() {
        let value = serde_json::to_value(esp_runtime("1-1", 5)).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "vid": 0x303a, "pid": 2, "bcd_device": 0x0723, "devnum": 5, "cfg": 1,
                "intf": 2, "path": "1-1", "alt": 0, "name": "UNKNOWN", "serial": "0",
                "mode": "runtime", "chip": "ESP32-S2"
            })
        );
        let mut dfu = esp_runtime("1-1", 6);
        (dfu.mode, dfu.chip) = (InterfaceMode::Dfu, None);
        let value = serde_json::to_value(dfu).unwrap();
        assert_eq!(value["mode"], "dfu");
        assert!(value["chip"].is_null());
    }

    #[test]
    fn chips_only_for_espressif() {
        assert_eq!(chip_of(0x303a, 0x0009), Some(Chip::Esp32S3));
        assert_eq!(chip_of(0x1234, 0x0009), None);
        assert_eq!(chip_of(0x303a, 0x1001), None);
    }
}
