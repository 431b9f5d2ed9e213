//! Espressif chips and the USB product IDs their ROM DFU devices use.

use std::fmt;

/// Espressif's USB vendor ID, used by every ESP ROM DFU device and every ESP `dfu.bin`.
pub const ESPRESSIF_VID: u16 = 0x303A;

/// The product ID old ESP-IDF versions write into a `dfu.bin`: fits any chip.
pub const ANY_CHIP_PID: u16 = 0xFFFF;

/// A chip whose ROM can be flashed over USB DFU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chip {
    /// ESP32-S2 (product ID 0x0002).
    Esp32S2,
    /// ESP32-S3 (product ID 0x0009).
    Esp32S3,
    /// ESP32-P4 (product ID 0x0012).
    Esp32P4,
    /// ESP32-S31 (product ID 0x0020).
    Esp32S31,
}

impl Chip {
    /// Every chip DFU Station knows, in product-ID order.
    pub const ALL: [Chip; 4] = [Chip::Esp32S2, Chip::Esp32S3, Chip::Esp32P4, Chip::Esp32S31];

    /// The chip whose ROM DFU device (VID 0x303A) uses this product ID.
    pub fn from_pid(pid: u16) -> Option<Chip> {
        Chip::ALL.into_iter().find(|chip| chip.pid() == pid)
    }

    /// The USB product ID of this chip's ROM DFU device.
    pub fn pid(self) -> u16 {
        match self {
            Chip::Esp32S2 => 0x0002,
            Chip::Esp32S3 => 0x0009,
            Chip::Esp32P4 => 0x0012,
            Chip::Esp32S31 => 0x0020,
        }
    }

    /// The chip whose ESP application image header carries this chip ID (byte 12, as
    /// ESP-IDF's `esp_chip_id_t`).
    pub fn from_image_chip_id(id: u16) -> Option<Chip> {
        match id {
            2 => Some(Chip::Esp32S2),
            9 => Some(Chip::Esp32S3),
            18 => Some(Chip::Esp32P4),
            _ => None,
        }
    }

    /// The chip named as ESP-IDF's targets are (`esp32s2`), as `--chip` takes it.
    pub fn from_target(target: &str) -> Option<Chip> {
        Chip::ALL.into_iter().find(|chip| chip.target() == target)
    }

    /// ESP-IDF's target name, e.g. `esp32s2` (`idf.py set-target`, `esptool.py --chip`).
    pub fn target(self) -> &'static str {
        match self {
            Chip::Esp32S2 => "esp32s2",
            Chip::Esp32S3 => "esp32s3",
            Chip::Esp32P4 => "esp32p4",
            Chip::Esp32S31 => "esp32s31",
        }
    }

    /// The name Espressif uses, e.g. `ESP32-S2`.
    pub fn name(self) -> &'static str {
        match self {
            Chip::Esp32S2 => "ESP32-S2",
            Chip::Esp32S3 => "ESP32-S3",
            Chip::Esp32P4 => "ESP32-P4",
            Chip::Esp32S31 => "ESP32-S31",
        }
    }
}

impl fmt::Display for Chip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_map_both_ways() {
        for chip in Chip::ALL {
            assert_eq!(Chip::from_pid(chip.pid()), Some(chip));
        }
        assert_eq!(Chip::from_pid(0x0002), Some(Chip::Esp32S2));
        assert_eq!(Chip::from_pid(ANY_CHIP_PID), None);
    }
}
