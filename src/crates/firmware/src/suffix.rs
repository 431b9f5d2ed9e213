//! The 16-byte DFU suffix every DFU file ends with (DFU 1.1, appendix B).

use super::Chip;
use super::FirmwareError;

/// Length of the DFU 1.1 suffix in bytes.
pub const SUFFIX_LEN: usize = 16;

/// The signature as stored in the file ("DFU" reversed).
const SIGNATURE: &[u8; 3] = b"UFD";

/// The DFU suffix fields, little-endian in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DfuSuffix {
    /// The device release the file is for, in BCD (0xFFFF: any).
    pub bcd_device: u16,
    /// The USB product ID of the device it is for (0xFFFF: any).
    pub id_product: u16,
    /// The USB vendor ID of the device it is for (0xFFFF: any).
    pub id_vendor: u16,
    /// The DFU specification release the suffix follows, in BCD.
    pub bcd_dfu: u16,
    /// The suffix's length in bytes (16 for DFU 1.1).
    pub length: u8,
    /// The DFU checksum (CRC-32, not inverted) of the file up to this field.
    pub crc: u32,
}

impl DfuSuffix {
    /// Reads and checks the suffix at the end of `file`.
    ///
    /// Unlike dfu-util, a CRC mismatch is a refusal: a damaged file is never flashed.
    pub fn parse(file: &[u8]) -> Result<DfuSuffix, FirmwareError> {
        if file.len() < SUFFIX_LEN {
            return Err(FirmwareError::TooShort { len: file.len() });
        }
        let raw = &file[file.len() - SUFFIX_LEN..];
        if &raw[8..11] != SIGNATURE {
            return Err(match file {
                [0xE9, ..] => FirmwareError::RawEspApp {
                    // The image header's chip ID (bytes 12-13) names its chip.
                    chip: Chip::from_image_chip_id(u16::from_le_bytes([file[12], file[13]])),
                },
                [0x7F, b'E', b'L', b'F', ..] => FirmwareError::ElfFile,
                _ => FirmwareError::NoSuffix,
            });
        }
        let u16_at = |i: usize| u16::from_le_bytes([raw[i], raw[i + 1]]);
        let suffix = DfuSuffix {
            bcd_device: u16_at(0),
            id_product: u16_at(2),
            id_vendor: u16_at(4),
            bcd_dfu: u16_at(6),
            length: raw[11],
            crc: u32::from_le_bytes([raw[12], raw[13], raw[14], raw[15]]),
        };
        if usize::from(suffix.length) != SUFFIX_LEN {
            return Err(FirmwareError::BadSuffixLength {
                length: suffix.length,
            });
        }
        let computed = jamcrc(&file[..file.len() - 4]);
        if computed != suffix.crc {
            return Err(FirmwareError::SuffixCrcMismatch {
                stored: suffix.crc,
                computed,
            });
        }
        Ok(suffix)
    }

    /// Appends a suffix for `vendor:product` to `body`, as mkdfu and dfu-suffix write it
    /// (bcdDevice 0xFFFF, bcdDFU 0x0100, CRC over everything before the CRC field).
    pub fn append(body: &mut Vec<u8>, id_vendor: u16, id_product: u16) {
        body.extend_from_slice(&0xFFFFu16.to_le_bytes());
        body.extend_from_slice(&id_product.to_le_bytes());
        body.extend_from_slice(&id_vendor.to_le_bytes());
        body.extend_from_slice(&0x0100u16.to_le_bytes());
        body.extend_from_slice(SIGNATURE);
        body.push(SUFFIX_LEN as u8);
        let crc = jamcrc(body);
        body.extend_from_slice(&crc.to_le_bytes());
    }
}

/// The DFU suffix checksum: the bitwise NOT of the zlib CRC-32 ("JAMCRC").
pub fn jamcrc(bytes: &[u8]) -> u32 {
    !crc32fast::hash(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_suffix_parses_back() {
        let mut file = b"hello".to_vec();
        DfuSuffix::append(&mut file, 0x1209, 0x0001);
        let suffix = DfuSuffix::parse(&file).unwrap();
        assert_eq!((suffix.id_vendor, suffix.id_product), (0x1209, 0x0001));
        assert_eq!((suffix.bcd_device, suffix.bcd_dfu), (0xFFFF, 0x0100));
        assert_eq!(file.len(), 5 + SUFFIX_LEN);
    }
}
