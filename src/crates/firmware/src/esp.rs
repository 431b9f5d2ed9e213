//! The ESP-specific parts of a `dfu.bin`: the `dfuinfo0.dat` index, `flash_params.dat`,
//! and how split parts (`app.bin`, `app.bin.1`, ...) join back into flash regions.

use std::time::Duration;

use md5::{Digest, Md5};

use super::cpio::{self, Entry};
use super::{FirmwareError, Warning};

/// The index entry's name; it must be the first entry of the archive.
pub const INDEX_NAME: &str = "dfuinfo0.dat";
/// The flash parameters entry's name.
pub const FLASH_PARAMS_NAME: &str = "flash_params.dat";
/// Bytes per index record.
pub const INDEX_RECORD_LEN: usize = 88;
/// Bytes of the name field in an index record.
pub const INDEX_NAME_LEN: usize = 64;
/// Index flag: the entry carries parameters, not flash contents.
pub const FLAG_PARAM: u32 = 1 << 2;
/// Index flag: do not erase before writing.
pub const FLAG_NOERASE: u32 = 1 << 3;
/// Index flag: the ROM does not check this entry's MD5.
pub const FLAG_IGNORE_MD5: u32 = 1 << 4;
/// ESP-IDF's default part size: bigger files are split so no erase takes too long.
pub const DEFAULT_PART_SIZE: u32 = 512 * 1024;
/// Bytes of `flash_params.dat`.
pub const FLASH_PARAMS_LEN: usize = 32;

/// One 88-byte record of `dfuinfo0.dat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRecord {
    /// The flash address the entry is written to.
    pub address: u32,
    /// Flag bits ([`FLAG_PARAM`], [`FLAG_NOERASE`], [`FLAG_IGNORE_MD5`]).
    pub flags: u32,
    /// The name without its NUL padding.
    pub name: Vec<u8>,
    /// The MD5 checksum of the entry's contents.
    pub md5: [u8; 16],
}

impl IndexRecord {
    fn parse(raw: &[u8], position: usize) -> Result<IndexRecord, FirmwareError> {
        let field = &raw[8..8 + INDEX_NAME_LEN];
        let len = field
            .iter()
            .position(|&b| b == 0)
            .ok_or(FirmwareError::IndexNameNotTerminated { position })?;
        Ok(IndexRecord {
            address: u32::from_le_bytes(raw[0..4].try_into().expect("4 bytes")),
            flags: u32::from_le_bytes(raw[4..8].try_into().expect("4 bytes")),
            name: field[..len].to_vec(),
            md5: raw[72..88].try_into().expect("16 bytes"),
        })
    }

    /// Appends the record as ESP-IDF's mkdfu writes it. The name must be shorter than 64 bytes.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.address.to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        let mut name = [0u8; INDEX_NAME_LEN];
        name[..self.name.len()].copy_from_slice(&self.name);
        out.extend_from_slice(&name);
        out.extend_from_slice(&self.md5);
    }
}

/// Writes `flash_params.dat` for a flash of `flash_size` bytes, with ESP-IDF's constants.
pub fn flash_params(flash_size: u32) -> Vec<u8> {
    [0, 0, 0, flash_size, 0x10000, 0x1000, 0x100, 0xFFFF]
        .iter()
        .flat_map(|v: &u32| v.to_le_bytes())
        .collect()
}

/// One piece of an image file as stored in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The entry's name in the archive, e.g. `app.bin.1`.
    pub name: String,
    /// The flash address it is written to.
    pub address: u32,
    /// Its size in bytes.
    pub size: u32,
    /// The MD5 checksum the index gives for it (checked against its contents).
    pub md5: [u8; 16],
    /// Where the part's data starts in the payload sent to the board.
    pub payload_offset: usize,
}

/// The time the ESP ROM may take to erase a part, before the DNLOAD carrying its first
/// byte returns: [`ERASE_LIMIT_BASE`] plus [`ERASE_LIMIT_PER_MIB`] (slow flash erases
/// 64 KiB blocks in up to 2 s: 32 s per MiB at worst, 20 s allowing for faster sectors),
/// at most [`ERASE_LIMIT_CEILING`].
pub const ERASE_LIMIT_PER_MIB: Duration = Duration::from_secs(20);
/// See [`ERASE_LIMIT_PER_MIB`].
pub const ERASE_LIMIT_BASE: Duration = Duration::from_secs(30);
/// See [`ERASE_LIMIT_PER_MIB`].
pub const ERASE_LIMIT_CEILING: Duration = Duration::from_secs(300);

impl Part {
    /// The longest the ESP ROM may hold the DNLOAD carrying this part's first byte while
    /// it erases the part (grows with its size, up to [`ERASE_LIMIT_CEILING`]).
    pub fn erase_limit(&self) -> Duration {
        let per_mib = ERASE_LIMIT_PER_MIB.mul_f64(f64::from(self.size) / (1024.0 * 1024.0));
        (ERASE_LIMIT_BASE + per_mib).min(ERASE_LIMIT_CEILING)
    }
}

/// One image file (bootloader, partition table, app...) as it lands in flash:
/// its parts joined back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The file's name, e.g. `app.bin` (its parts are `app.bin`, `app.bin.1`, ...).
    pub name: String,
    /// The flash address of its first byte.
    pub address: u32,
    /// Its size in bytes: the sum of its parts'.
    pub size: u32,
    /// Its parts in flash order.
    pub parts: Vec<Part>,
}

impl Region {
    /// The first address after the region (may be 2^32).
    pub fn end(&self) -> u64 {
        u64::from(self.address) + u64::from(self.size)
    }

    /// Whether `part` continues this region: named `<name>.<n>` for the next n, at the next address.
    fn is_continued_by(&self, part: &Part) -> bool {
        part.name == format!("{}.{}", self.name, self.parts.len())
            && u64::from(part.address) == self.end()
    }
}

/// What the archive of an ESP `dfu.bin` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspContents {
    /// The flash size `flash_params.dat` gives, in bytes; `None` without that file.
    pub flash_size: Option<u32>,
    /// The image files to write, in archive order.
    pub regions: Vec<Region>,
    /// What is worth telling the user about the file.
    pub warnings: Vec<Warning>,
}

/// Reads and checks the archive `body` (the file without its suffix).
pub fn read_esp(body: &[u8]) -> Result<EspContents, FirmwareError> {
    if !body.starts_with(cpio::MAGIC) {
        return Err(FirmwareError::NotCpio);
    }
    let archive = cpio::read_archive(body)?;
    let mut warnings = Vec::new();
    let padding = &body[archive.end..];
    if padding.iter().any(|&b| b != 0) {
        warnings.push(Warning::DataAfterTrailer {
            bytes: padding.len(),
        });
    }
    let (index, files) = match archive.entries.split_first() {
        Some((index, files)) if index.name == INDEX_NAME.as_bytes() => (index, files),
        first => {
            return Err(FirmwareError::IndexMissing {
                first: first.map_or_else(|| "nothing".into(), |(entry, _)| entry.display_name()),
            });
        }
    };
    let records = read_index(index.data, files)?;

    let mut flash_size = None;
    let mut regions: Vec<Region> = Vec::new();
    for (record, entry) in records.iter().zip(files) {
        let name = entry.display_name();
        let actual: [u8; 16] = Md5::digest(entry.data).into();
        if actual != record.md5 {
            return Err(FirmwareError::Md5Mismatch {
                name,
                expected: hex::encode(record.md5),
                actual: hex::encode(actual),
            });
        }
        if record.flags & FLAG_PARAM != 0 || entry.name == FLASH_PARAMS_NAME.as_bytes() {
            flash_size = Some(read_flash_size(entry.data)?);
            continue;
        }
        let size = entry.data.len() as u32;
        if u64::from(record.address) + u64::from(size) > 1 << 32 {
            return Err(FirmwareError::AddressOverflow {
                name,
                address: record.address,
                size,
            });
        }
        if size > DEFAULT_PART_SIZE {
            warnings.push(Warning::LongErase {
                name: name.clone(),
                size,
            });
        }
        let part = Part {
            name,
            address: record.address,
            size,
            md5: record.md5,
            payload_offset: entry.data_offset,
        };
        match regions.last_mut() {
            Some(region) if region.is_continued_by(&part) => {
                region.size += part.size;
                region.parts.push(part);
            }
            _ => regions.push(Region {
                name: part.name.clone(),
                address: part.address,
                size: part.size,
                parts: vec![part],
            }),
        }
    }
    check_layout(&regions, flash_size)?;
    if flash_size.is_none() {
        warnings.push(Warning::NoFlashParams);
    }
    if regions.is_empty() {
        warnings.push(Warning::NothingToFlash);
    }
    Ok(EspContents {
        flash_size,
        regions,
        warnings,
    })
}

/// Parses the index and checks it lists exactly the archive's files, in order.
fn read_index(index: &[u8], files: &[Entry<'_>]) -> Result<Vec<IndexRecord>, FirmwareError> {
    if !index.len().is_multiple_of(INDEX_RECORD_LEN) {
        return Err(FirmwareError::IndexSize { size: index.len() });
    }
    let records = index
        .chunks_exact(INDEX_RECORD_LEN)
        .enumerate()
        .map(|(position, raw)| IndexRecord::parse(raw, position))
        .collect::<Result<Vec<_>, _>>()?;
    if records.len() != files.len() {
        return Err(FirmwareError::IndexCount {
            records: records.len(),
            entries: files.len(),
        });
    }
    if let Some(position) = (0..files.len()).find(|&i| records[i].name != files[i].name) {
        let reordered = files
            .iter()
            .any(|f| f.name == records[position].name.as_slice());
        return Err(FirmwareError::IndexName {
            position,
            in_index: String::from_utf8_lossy(&records[position].name).into_owned(),
            in_archive: files[position].display_name(),
            reordered,
        });
    }
    Ok(records)
}

fn read_flash_size(params: &[u8]) -> Result<u32, FirmwareError> {
    let bad = FirmwareError::BadFlashParams { size: params.len() };
    if params.len() != FLASH_PARAMS_LEN {
        return Err(bad);
    }
    match u32::from_le_bytes(params[12..16].try_into().expect("4 bytes")) {
        0 => Err(bad),
        size => Ok(size),
    }
}

/// Refuses regions that overlap or do not fit the flash.
fn check_layout(regions: &[Region], flash_size: Option<u32>) -> Result<(), FirmwareError> {
    let mut by_address: Vec<&Region> = regions.iter().filter(|r| r.size > 0).collect();
    by_address.sort_by_key(|r| (r.address, r.end()));
    let mut furthest: Option<&Region> = None;
    for &region in &by_address {
        if let Some(first) = furthest.filter(|f| u64::from(region.address) < f.end()) {
            return Err(FirmwareError::OverlappingRegions {
                first: first.name.clone(),
                first_start: first.address.into(),
                first_end: first.end(),
                second: region.name.clone(),
                second_start: region.address.into(),
                second_end: region.end(),
            });
        }
        if furthest.is_none_or(|f| region.end() > f.end()) {
            furthest = Some(region);
        }
    }
    if let Some(flash_size) = flash_size
        && let Some(region) = regions.iter().find(|r| r.end() > u64::from(flash_size))
    {
        return Err(FirmwareError::RegionPastFlash {
            name: region.name.clone(),
            end: region.end(),
            flash_size,
        });
    }
    Ok(())
}
