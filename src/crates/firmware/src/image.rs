//! A whole DFU file, checked and described: what `info`, the app's image card and the
//! flashing engine work from.

use sha2::{Digest, Sha256};

use super::esp::{self, Region};
use super::suffix::{DfuSuffix, SUFFIX_LEN};
use super::{ANY_CHIP_PID, Chip, ESPRESSIF_VID, FirmwareError, Warning};

/// Which kind of DFU file this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// An ESP `dfu.bin` (VID 0x303A, CPIO archive) for the chip's ROM.
    Esp,
    /// Any other DFU file: its payload is sent to the device as is.
    Generic,
}

impl ImageKind {
    /// The name used in JSON output: `esp` or `generic`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImageKind::Esp => "esp",
            ImageKind::Generic => "generic",
        }
    }
}

/// A valid DFU file, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareImage {
    /// ESP `dfu.bin` or generic DFU file.
    pub kind: ImageKind,
    /// The file's DFU suffix, checked.
    pub suffix: DfuSuffix,
    /// Flash size from `flash_params.dat` (ESP images from ESP-IDF v4.3.4 / v4.4.2 / v5.0 on).
    pub flash_size: Option<u32>,
    /// What lands where in flash (ESP images; empty for generic ones).
    pub regions: Vec<Region>,
    /// Bytes sent to the device: the whole file minus its suffix.
    pub payload_len: usize,
    /// The SHA-256 of the whole file, suffix included.
    pub sha256: [u8; 32],
    /// What is worth telling the user about the file.
    pub warnings: Vec<Warning>,
}

impl FirmwareImage {
    /// Checks `file` (a whole DFU file) and describes it, reading it once.
    pub fn describe(file: &[u8]) -> Result<FirmwareImage, FirmwareError> {
        let suffix = DfuSuffix::parse(file)?;
        let body = &file[..file.len() - SUFFIX_LEN];
        let (kind, flash_size, regions, mut warnings) = if suffix.id_vendor == ESPRESSIF_VID {
            let esp = esp::read_esp(body)?;
            (ImageKind::Esp, esp.flash_size, esp.regions, esp.warnings)
        } else {
            (ImageKind::Generic, None, Vec::new(), Vec::new())
        };
        if kind == ImageKind::Esp {
            match suffix.id_product {
                ANY_CHIP_PID => warnings.insert(0, Warning::AnyChip),
                pid if Chip::from_pid(pid).is_none() => {
                    warnings.insert(0, Warning::UnknownChip { pid })
                }
                _ => {}
            }
        }
        Ok(FirmwareImage {
            kind,
            suffix,
            flash_size,
            regions,
            payload_len: body.len(),
            sha256: Sha256::digest(file).into(),
            warnings,
        })
    }

    /// The chip this ESP image was built for (`None` for generic files and PID 0xFFFF).
    pub fn chip(&self) -> Option<Chip> {
        match self.kind {
            ImageKind::Esp => Chip::from_pid(self.suffix.id_product),
            ImageKind::Generic => None,
        }
    }

    /// Whether the file may be flashed to a device with this VID:PID. PID 0xFFFF and
    /// VID 0xFFFF in the file are wildcards, as in dfu-util.
    pub fn fits_device(&self, vid: u16, pid: u16) -> bool {
        let s = &self.suffix;
        (s.id_vendor == 0xFFFF || s.id_vendor == vid)
            && (s.id_product == ANY_CHIP_PID || s.id_product == pid)
    }

    /// The bytes to send to the device: `file` minus its suffix.
    pub fn payload<'a>(&self, file: &'a [u8]) -> &'a [u8] {
        &file[..self.payload_len]
    }

    /// Short SHA-256, as shown to people (first 12 hex digits).
    pub fn short_sha256(&self) -> String {
        hex::encode(&self.sha256[..6])
    }
}
