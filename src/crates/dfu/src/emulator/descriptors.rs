//! The USB descriptors of the ESP32-S2/S3 ROM: a composite CDC-ACM + DFU runtime device
//! in download boot mode, a single DFU interface in DFU mode.

use super::rom::{Mode, RomConfig};
use firmware::ESPRESSIF_VID;

/// Descriptor types (high byte of GET_DESCRIPTOR's wValue).
pub(super) const DEVICE: u8 = 1;
pub(super) const CONFIGURATION: u8 = 2;
pub(super) const STRING: u8 = 3;
const INTERFACE: u8 = 4;
const ENDPOINT: u8 = 5;
const INTERFACE_ASSOCIATION: u8 = 11;
/// The DFU functional descriptor type.
pub(super) const DFU_FUNCTIONAL: u8 = 0x21;
const CS_INTERFACE: u8 = 0x24;

/// Length of the device descriptor.
pub(super) const DEVICE_LEN: usize = 18;
/// The interface number of DFU in download boot (runtime) mode.
pub(super) const RUNTIME_DFU_INTERFACE: u8 = 2;
/// String descriptor indexes.
const MANUFACTURER: u8 = 1;
const PRODUCT: u8 = 2;
const SERIAL: u8 = 3;
/// US English, the only language.
const LANGID_EN_US: u16 = 0x0409;
/// The serial number string the ROM reports.
pub(super) const SERIAL_NUMBER: &str = "0";
/// bmAttributes: WillDetach | ManifestationTolerant | CanDnload.
const DFU_ATTRIBUTES: u8 = 0x0D;
const DETACH_TIMEOUT_MS: u16 = 1000;
const BCD_DFU: u16 = 0x0110;

/// The 9-byte DFU functional descriptor.
pub(super) fn functional(config: &RomConfig) -> [u8; 9] {
    let [detach_lo, detach_hi] = DETACH_TIMEOUT_MS.to_le_bytes();
    let [size_lo, size_hi] = config.transfer_size.to_le_bytes();
    let [bcd_lo, bcd_hi] = BCD_DFU.to_le_bytes();
    [
        9,
        DFU_FUNCTIONAL,
        DFU_ATTRIBUTES,
        detach_lo,
        detach_hi,
        size_lo,
        size_hi,
        bcd_lo,
        bcd_hi,
    ]
}

/// The device descriptor followed by the configuration descriptor (with its interface,
/// endpoint and class descriptors) for `mode`: what sysfs `descriptors` holds.
pub(super) fn build(config: &RomConfig, mode: Mode) -> Vec<u8> {
    let (class, subclass, protocol) = match mode {
        // Composite device with interface association descriptors.
        Mode::Runtime => (0xEF, 0x02, 0x01),
        Mode::Dfu => (0, 0, 0),
    };
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(&[
        DEVICE_LEN as u8,
        DEVICE,
        0x00,
        0x02,
        class,
        subclass,
        protocol,
        64,
    ]);
    out.extend_from_slice(&ESPRESSIF_VID.to_le_bytes());
    out.extend_from_slice(&config.pid(mode).to_le_bytes());
    out.extend_from_slice(&config.bcd_device.to_le_bytes());
    out.extend_from_slice(&[MANUFACTURER, PRODUCT, SERIAL, 1]);

    let config_start = out.len();
    let interfaces = match mode {
        Mode::Runtime => 3,
        Mode::Dfu => 1,
    };
    // wTotalLength (bytes 2-3) is filled in at the end.
    out.extend_from_slice(&[9, CONFIGURATION, 0, 0, interfaces, 1, 0, 0x80, 50]);
    match mode {
        Mode::Runtime => {
            out.extend_from_slice(&[8, INTERFACE_ASSOCIATION, 0, 2, 0x02, 0x02, 0x00, 0]);
            // CDC communication interface: header, call management, ACM, union, notification endpoint.
            out.extend_from_slice(&[9, INTERFACE, 0, 0, 1, 0x02, 0x02, 0x00, 0]);
            out.extend_from_slice(&[5, CS_INTERFACE, 0x00, 0x10, 0x01]);
            out.extend_from_slice(&[5, CS_INTERFACE, 0x01, 0x00, 1]);
            out.extend_from_slice(&[4, CS_INTERFACE, 0x02, 0x02]);
            out.extend_from_slice(&[5, CS_INTERFACE, 0x06, 0, 1]);
            out.extend_from_slice(&[7, ENDPOINT, 0x81, 0x03, 16, 0, 10]);
            // CDC data interface: bulk OUT and IN.
            out.extend_from_slice(&[9, INTERFACE, 1, 0, 2, 0x0A, 0x00, 0x00, 0]);
            out.extend_from_slice(&[7, ENDPOINT, 0x02, 0x02, 64, 0, 0]);
            out.extend_from_slice(&[7, ENDPOINT, 0x82, 0x02, 64, 0, 0]);
            out.extend_from_slice(&[
                9,
                INTERFACE,
                RUNTIME_DFU_INTERFACE,
                0,
                0,
                0xFE,
                0x01,
                0x01,
                0,
            ]);
        }
        Mode::Dfu => {
            out.extend_from_slice(&[
                9,
                INTERFACE,
                config.dfu_interface,
                0,
                0,
                0xFE,
                0x01,
                0x02,
                0,
            ]);
        }
    }
    out.extend_from_slice(&functional(config));
    let total = (out.len() - config_start) as u16;
    out[config_start + 2..config_start + 4].copy_from_slice(&total.to_le_bytes());
    out
}

/// Writes string descriptor `index` (0: the language list) into `buf`, truncated to its
/// length; returns the bytes written, or `None` for an unknown string.
pub(super) fn string(config: &RomConfig, index: u8, buf: &mut [u8]) -> Option<usize> {
    let text = match index {
        0 => None,
        MANUFACTURER => Some("Espressif"),
        PRODUCT => Some(config.chip.name()),
        SERIAL => Some(config.serial.as_str()),
        _ => return None,
    };
    let units = text.map_or(1, |t| t.encode_utf16().count());
    let total = 2 + 2 * units;
    let header = [total as u8, STRING];
    let utf16 = text
        .into_iter()
        .flat_map(str::encode_utf16)
        .chain(text.is_none().then_some(LANGID_EN_US));
    let bytes = header.into_iter().chain(utf16.flat_map(u16::to_le_bytes));
    let mut len = 0;
    for (slot, byte) in buf.iter_mut().zip(bytes) {
        *slot = byte;
        len += 1;
    }
    Some(len)
}
