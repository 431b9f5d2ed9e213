//! Why a file is refused, and what is worth saying about a file that is accepted.

use std::fmt;

use super::Chip;
use failure::{Code, Failure};

/// Every reason a file is refused. Each message says what is wrong, with the detail an
/// engineer needs; what to do about it is [`crate::advice`]'s, by [`FirmwareError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FirmwareError {
    /// The file is shorter than a DFU suffix.
    #[error(
        "The file is {len} bytes long: too short to be a firmware image (a DFU file ends with a 16-byte suffix)."
    )]
    TooShort {
        /// Its length in bytes.
        len: usize,
    },
    /// The file does not end with a DFU suffix (no "UFD" signature).
    #[error("This is not a DFU file: it does not end with a DFU suffix (\"UFD\" signature).")]
    NoSuffix,
    /// The suffix's CRC does not match the contents: the file is damaged.
    #[error(
        "The file is damaged: its DFU suffix checksum is 0x{stored:08x} but the contents give 0x{computed:08x}."
    )]
    SuffixCrcMismatch {
        /// The CRC the suffix holds.
        stored: u32,
        /// The CRC of the contents.
        computed: u32,
    },
    /// The suffix gives a length other than DFU 1.1's 16 bytes.
    #[error(
        "The DFU suffix says it is {length} bytes long; DFU 1.1 suffixes are 16 bytes. The tool that made this file wrote a broken suffix."
    )]
    BadSuffixLength {
        /// The length the suffix gives.
        length: u8,
    },
    /// An Espressif suffix on contents that are not a dfu.bin (CPIO) archive.
    #[error(
        "The file has an Espressif DFU suffix but its contents are not a dfu.bin archive (no CPIO header at the start). A suffix added to a raw .bin is not enough."
    )]
    NotCpio,
    /// No CPIO header magic where an archive entry must start.
    #[error("The dfu.bin archive is damaged: no CPIO header where one must start (byte {offset}).")]
    CpioBadMagic {
        /// Where the header should be, in bytes from the start.
        offset: usize,
    },
    /// A CPIO header field that is not 8 hex digits.
    #[error(
        "The dfu.bin archive is damaged: the CPIO header at byte {offset} has a field \"{field}\" that is not 8 hex digits."
    )]
    CpioBadHexField {
        /// Where the header starts, in bytes from the start.
        offset: usize,
        /// The field's name.
        field: &'static str,
    },
    /// The archive ends inside an entry or before its end marker (TRAILER!!!).
    #[error(
        "The dfu.bin archive is cut short: it ends inside the entry at byte {offset} or before its end marker (TRAILER!!!). The file was not copied completely."
    )]
    CpioTruncated {
        /// Where the cut entry starts, in bytes from the start.
        offset: usize,
    },
    /// An entry's name lacks its terminating NUL.
    #[error(
        "The dfu.bin archive is damaged: the entry at byte {offset} has a name without its terminating NUL."
    )]
    CpioBadName {
        /// Where the entry starts, in bytes from the start.
        offset: usize,
    },
    /// An entry claims more bytes than the file has left.
    #[error(
        "The dfu.bin archive is damaged: entry \"{name}\" (byte {offset}) says it holds {size} bytes but only {available} remain in the file. The file was cut or altered."
    )]
    CpioSizePastEnd {
        /// The entry's name.
        name: String,
        /// Where the entry starts, in bytes from the start.
        offset: usize,
        /// The size its header gives.
        size: u32,
        /// The bytes left in the file after its header.
        available: usize,
    },
    /// The archive does not start with the dfuinfo0.dat index.
    #[error(
        "The dfu.bin has no index: its first entry is \"{first}\", not dfuinfo0.dat. The board's ROM needs the index first."
    )]
    IndexMissing {
        /// The name of the archive's first entry.
        first: String,
    },
    /// The index is not a whole number of 88-byte records.
    #[error(
        "The dfu.bin index is damaged: dfuinfo0.dat is {size} bytes, not a whole number of 88-byte records."
    )]
    IndexSize {
        /// The index's size in bytes.
        size: usize,
    },
    /// The index lists another number of files than the archive holds.
    #[error(
        "The dfu.bin index lists {records} files but the archive holds {entries}. The file was altered after it was built."
    )]
    IndexCount {
        /// The number of records in the index.
        records: usize,
        /// The number of files in the archive, the index aside.
        entries: usize,
    },
    /// An index record names another file than the archive entry at its position.
    #[error(
        "The dfu.bin index does not match the archive: record {position} names \"{in_index}\" but entry {position} is \"{in_archive}\"{}.",
        if *.reordered { " (the same files in another order)" } else { "" }
    )]
    IndexName {
        /// The position (from 0) of the record and of the entry.
        position: usize,
        /// The name in the index.
        in_index: String,
        /// The name in the archive.
        in_archive: String,
        /// Whether the archive holds the index's name at another position.
        reordered: bool,
    },
    /// An index record's name fills all 64 bytes with no terminating NUL.
    #[error(
        "The dfu.bin index is damaged: record {position} has a name that fills all 64 bytes with no terminating NUL, which the board's ROM cannot read."
    )]
    IndexNameNotTerminated {
        /// The record's position, from 0.
        position: usize,
    },
    /// A file's contents do not match the MD5 checksum the index gives.
    #[error(
        "The dfu.bin is corrupt: \"{name}\" does not match its MD5 checksum (index says {expected}, contents give {actual}); the board would refuse it."
    )]
    Md5Mismatch {
        /// The file's name.
        name: String,
        /// The checksum in the index, in hex.
        expected: String,
        /// The checksum of the contents, in hex.
        actual: String,
    },
    /// `flash_params.dat` is not 32 bytes long, or gives a flash size of 0.
    #[error(
        "flash_params.dat is {size} bytes or gives a flash size of 0; ESP-IDF writes 32 bytes with the flash size."
    )]
    BadFlashParams {
        /// Its size in bytes.
        size: usize,
    },
    /// Two parts of the image would be written to the same flash.
    #[error(
        "Two parts of the image overlap in flash: \"{first}\" (0x{first_start:x}..0x{first_end:x}) and \"{second}\" (0x{second_start:x}..0x{second_end:x}). One would overwrite the other."
    )]
    OverlappingRegions {
        /// The lower part's name.
        first: String,
        /// Its first flash address.
        first_start: u64,
        /// The flash address just past its end.
        first_end: u64,
        /// The other part's name.
        second: String,
        /// Its first flash address.
        second_start: u64,
        /// The flash address just past its end.
        second_end: u64,
    },
    /// A part ends past the flash size that flash_params.dat gives.
    #[error(
        "\"{name}\" ends at 0x{end:x}, past the end of the {flash_size}-byte flash the image was built for."
    )]
    RegionPastFlash {
        /// The part's name.
        name: String,
        /// The flash address just past its end.
        end: u64,
        /// The flash size in bytes.
        flash_size: u32,
    },
    /// A part's address plus its size overflows 32 bits: the index is corrupt.
    #[error(
        "\"{name}\" at 0x{address:08x} with {size} bytes runs past the 4 GiB address space. The index is corrupt."
    )]
    AddressOverflow {
        /// The part's name.
        name: String,
        /// Its flash address.
        address: u32,
        /// Its size in bytes.
        size: u32,
    },
    /// A raw ESP application image (starts with 0xE9, no DFU suffix), not a dfu.bin.
    #[error(
        "This is a raw ESP application image{} (it starts with 0xE9 and has no DFU suffix), not a dfu.bin. Flashing it as is would leave the board broken.",
        chip.map(|c| format!(" for {c}")).unwrap_or_default()
    )]
    RawEspApp {
        /// The chip its header names, if DFU Station knows it.
        chip: Option<Chip>,
    },
    /// An ELF file (the compiler's output), not a dfu.bin.
    #[error(
        "This is an ELF file (a program as the compiler leaves it, like build/app.elf), not a dfu.bin. Flashing it would leave the board broken."
    )]
    ElfFile,
}

impl FirmwareError {
    /// The failure code (in JSON output, logs and the help).
    pub fn code(&self) -> Code {
        match self {
            FirmwareError::TooShort { .. } => Code::TooShort,
            FirmwareError::NoSuffix => Code::NoSuffix,
            FirmwareError::SuffixCrcMismatch { .. } => Code::SuffixCrcMismatch,
            FirmwareError::BadSuffixLength { .. } => Code::BadSuffixLength,
            FirmwareError::NotCpio => Code::NotCpio,
            FirmwareError::CpioBadMagic { .. } => Code::CpioBadMagic,
            FirmwareError::CpioBadHexField { .. } => Code::CpioBadHexField,
            FirmwareError::CpioTruncated { .. } => Code::CpioTruncated,
            FirmwareError::CpioBadName { .. } => Code::CpioBadName,
            FirmwareError::CpioSizePastEnd { .. } => Code::CpioSizePastEnd,
            FirmwareError::IndexMissing { .. } => Code::IndexMissing,
            FirmwareError::IndexSize { .. } => Code::IndexSize,
            FirmwareError::IndexCount { .. } => Code::IndexCountMismatch,
            FirmwareError::IndexName { .. } => Code::IndexNameMismatch,
            FirmwareError::IndexNameNotTerminated { .. } => Code::IndexNameNotTerminated,
            FirmwareError::Md5Mismatch { .. } => Code::Md5Mismatch,
            FirmwareError::BadFlashParams { .. } => Code::BadFlashParams,
            FirmwareError::OverlappingRegions { .. } => Code::OverlappingRegions,
            FirmwareError::RegionPastFlash { .. } => Code::RegionPastFlash,
            FirmwareError::AddressOverflow { .. } => Code::AddressOverflow,
            FirmwareError::RawEspApp { .. } => Code::RawEspApp,
            FirmwareError::ElfFile => Code::ElfFile,
        }
    }

    /// The exact commands that make a dfu.bin out of the file at `path` (shown as given),
    /// where the file is something else a build leaves.
    pub fn remedy(&self, path: &str) -> Option<String> {
        let quoted = shell_quote(path);
        match self {
            FirmwareError::RawEspApp { chip } => {
                let chip = chip.map_or("CHIP", |c| c.target());
                Some(format!(
                    "dfu-station pack -o dfu.bin --chip {chip} 0x10000 {quoted}   (or `idf.py dfu` in its ESP-IDF project)"
                ))
            }
            FirmwareError::ElfFile => Some(format!(
                "idf.py dfu   (in its ESP-IDF project: writes build/dfu.bin), or: esptool.py --chip CHIP elf2image -o app.bin {quoted} && dfu-station pack -o dfu.bin --chip CHIP 0x10000 app.bin"
            )),
            _ => None,
        }
    }
}

/// `path` as one shell word: as it is when it needs no quoting, else in single quotes.
fn shell_quote(path: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c);
    if !path.is_empty() && path.chars().all(plain) {
        path.to_owned()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}

/// Something true of a valid file that the user should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// PID 0xFFFF: made by an old ESP-IDF; fits any chip, so no chip check is possible.
    AnyChip,
    /// VID 0x303A with a PID that is no chip DFU Station knows.
    UnknownChip {
        /// The product ID the suffix gives.
        pid: u16,
    },
    /// No flash_params.dat (ESP-IDF before v4.3.4 / v4.4.2 / v5.0).
    NoFlashParams,
    /// A part larger than 512 KiB: the ROM erases it in one go, which takes long.
    LongErase {
        /// The part's name.
        name: String,
        /// Its size in bytes.
        size: u32,
    },
    /// Bytes after the CPIO trailer that are not zero padding.
    DataAfterTrailer {
        /// How many bytes follow the trailer.
        bytes: usize,
    },
    /// An ESP archive with nothing to write.
    NothingToFlash,
}

/// A file refused: its code, its message, and the error itself as the cause.
impl From<FirmwareError> for Failure {
    fn from(error: FirmwareError) -> Failure {
        Failure::from_error(error.code(), error)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::AnyChip => f.write_str(
                "Made by an old ESP-IDF (product ID 0xFFFF): it fits any chip, so DFU Station cannot check it was built for this board's chip.",
            ),
            Warning::UnknownChip { pid } => write!(
                f,
                "Espressif product ID 0x{pid:04x} is not a chip DFU Station knows; it will only be flashed to a board with the same ID."
            ),
            Warning::NoFlashParams => f.write_str(
                "No flash_params.dat (made by ESP-IDF before v4.3.4/v4.4.2/v5.0): the flash size is unknown, so the image cannot be checked against it.",
            ),
            Warning::LongErase { name, size } => write!(
                f,
                "\"{name}\" is {} in one part: the board erases it in one go, which can take many seconds (newer ESP-IDF splits parts at 512 KiB).",
                human_size(u64::from(*size))
            ),
            Warning::DataAfterTrailer { bytes } => write!(
                f,
                "{bytes} bytes after the end of the archive are not zero padding; they are sent to the board but ignored by it."
            ),
            Warning::NothingToFlash => {
                f.write_str("The archive holds no file to write: flashing it changes nothing.")
            }
        }
    }
}

/// A size in English, for messages that stay English (errors, the production log's
/// reasons): `512 KiB`, `1.5 MiB`, `100 bytes`. The window says the same in the reader's
/// language (`i18n::size`).
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    let (amount, unit) = match bytes {
        b if b >= KIB * KIB => (b as f64 / (KIB * KIB) as f64, "MiB"),
        b if b >= KIB => (b as f64 / KIB as f64, "KiB"),
        1 => return "1 byte".to_owned(),
        b => return format!("{b} bytes"),
    };
    if amount.fract() == 0.0 {
        format!("{amount} {unit}")
    } else {
        format!("{amount:.1} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(100), "100 bytes");
        assert_eq!(human_size(1), "1 byte");
        assert_eq!(human_size(1100), "1.1 KiB");
        assert_eq!(human_size(512 * 1024), "512 KiB");
        assert_eq!(human_size(1536 * 1024), "1.5 MiB");
        assert_eq!(human_size(4 << 20), "4 MiB");
    }
}
