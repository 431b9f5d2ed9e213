//! Building an ESP `dfu.bin`, byte-identical to ESP-IDF's `mkdfu.py` (`idf.py dfu`).

use std::collections::BTreeMap;

use md5::{Digest, Md5};

use super::cpio::{self, TRAILER_NAME};
use super::esp::{
    self, FLAG_IGNORE_MD5, FLAG_NOERASE, FLAG_PARAM, FLASH_PARAMS_NAME, INDEX_NAME, INDEX_NAME_LEN,
    IndexRecord,
};
use super::{DfuSuffix, ESPRESSIF_VID, FirmwareError, FirmwareImage};

/// mkdfu pads the archive to a multiple of this many bytes.
const ARCHIVE_BLOCK: usize = 10240;

/// One file to place in flash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashFile {
    /// The flash address it goes to.
    pub address: u32,
    /// The name stored in the archive (mkdfu uses the file's base name).
    pub name: String,
    /// Its contents.
    pub data: Vec<u8>,
}

/// mkdfu's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackOptions {
    /// USB product ID of the target chip (0x0002 ESP32-S2, 0x0009 ESP32-S3, ...).
    pub pid: u16,
    /// Flash size in bytes, written to `flash_params.dat` (mkdfu's default: 2 MB).
    pub flash_size: u32,
    /// Files larger than this are split into parts (mkdfu's default: 512 KiB).
    pub part_size: u32,
}

impl Default for PackOptions {
    fn default() -> Self {
        PackOptions {
            pid: super::Chip::Esp32S2.pid(),
            flash_size: 2 * 1024 * 1024,
            part_size: esp::DEFAULT_PART_SIZE,
        }
    }
}

/// Why a `dfu.bin` could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// No file was given to pack.
    #[error("Nothing to pack: give at least one ADDRESS FILE pair or --json flasher_args.json.")]
    NoFiles,
    /// A part size of 0 was asked for.
    #[error("The part size must be at least 1 byte.")]
    ZeroPartSize,
    /// A name that, with the ".N" of split parts, does not fit the index's name field.
    #[error(
        "\"{name}\" is too long a name for the dfu.bin index (at most 63 bytes, including the \".N\" of split parts); rename the file."
    )]
    NameTooLong {
        /// The name as given.
        name: String,
    },
    /// A flash address that does not read as a number (the text as given).
    #[error("\"{0}\" is not an address: write it like 0x10000 or 65536.")]
    BadAddress(String),
    /// A flash size that does not read as one (the text as given).
    #[error("\"{0}\" is not a flash size: write it like 4MB, 16MB or 4194304.")]
    BadFlashSize(String),
    /// `flasher_args.json` is not JSON in the shape ESP-IDF writes (what is wrong).
    #[error("flasher_args.json cannot be read: {0}")]
    BadFlasherArgs(String),
    /// A file to add to is not an ESP `dfu.bin`.
    #[error("The file is not an ESP dfu.bin, so no file can be added to it.")]
    NotEsp,
    /// A file to add to has no `flash_params.dat` (mkdfu before ESP-IDF v4.3.4 / v4.4.2 / v5.0).
    #[error(
        "The dfu.bin has no flash_params.dat (built by an ESP-IDF older than v4.3.4, v4.4.2 or v5.0), so nothing can be added to it: rebuild it with `idf.py dfu` from a newer ESP-IDF."
    )]
    NoFlashParams,
    /// The built image fails the checks every file is put through.
    #[error("The packed image would be invalid: {0}")]
    Invalid(#[from] FirmwareError),
}

/// Builds a `dfu.bin` from files at flash addresses, as mkdfu does: files sorted by
/// address (a later file for the same address replaces an earlier one), each split into
/// parts of `part_size`, the index first, then `flash_params.dat`, the parts, the trailer,
/// zero padding to 10240 bytes, and the DFU suffix. The result is checked with
/// [`FirmwareImage::describe`], so overlapping files or files past the flash are refused.
pub fn pack(files: &[FlashFile], options: &PackOptions) -> Result<Vec<u8>, PackError> {
    if files.is_empty() {
        return Err(PackError::NoFiles);
    }
    if options.part_size == 0 {
        return Err(PackError::ZeroPartSize);
    }
    let by_address: BTreeMap<u32, &FlashFile> = files.iter().map(|f| (f.address, f)).collect();

    let params = esp::flash_params(options.flash_size);
    let mut records = vec![record(
        0,
        FLAG_PARAM | FLAG_NOERASE | FLAG_IGNORE_MD5,
        FLASH_PARAMS_NAME,
        &params,
    )];
    let mut entries = Vec::new();
    cpio::write_entry(&mut entries, FLASH_PARAMS_NAME, &params);
    for file in by_address.values() {
        for (n, chunk) in file.data.chunks(options.part_size as usize).enumerate() {
            let name = match n {
                0 => file.name.clone(),
                n => format!("{}.{n}", file.name),
            };
            if name.len() >= INDEX_NAME_LEN || name.contains('\0') {
                return Err(PackError::NameTooLong { name });
            }
            let offset = n as u64 * u64::from(options.part_size);
            let address = u32::try_from(u64::from(file.address) + offset).map_err(|_| {
                FirmwareError::AddressOverflow {
                    name: name.clone(),
                    address: file.address,
                    size: file.data.len() as u32,
                }
            })?;
            records.push(record(address, 0, &name, chunk));
            cpio::write_entry(&mut entries, &name, chunk);
        }
    }
    let mut index = Vec::with_capacity(records.len() * esp::INDEX_RECORD_LEN);
    records.iter().for_each(|r| r.write(&mut index));

    let mut out = Vec::with_capacity(entries.len() + index.len() + ARCHIVE_BLOCK);
    cpio::write_entry(&mut out, INDEX_NAME, &index);
    out.extend_from_slice(&entries);
    cpio::write_entry(&mut out, TRAILER_NAME, b"");
    out.resize(out.len().div_ceil(ARCHIVE_BLOCK) * ARCHIVE_BLOCK, 0);
    DfuSuffix::append(&mut out, ESPRESSIF_VID, options.pid);
    FirmwareImage::describe(&out)?;
    Ok(out)
}

/// `file` (a checked ESP `dfu.bin`, described by `image`) with `extra` added as one
/// more entry, so the ROM writes it in the same session: every part keeps its name,
/// address and bytes (a part lying wholly inside `extra`'s range is replaced by it), the
/// flash size and chip stay, and the archive is rebuilt as [`pack`] builds one. `extra` is
/// split into parts like mkdfu splits files ([`esp::DEFAULT_PART_SIZE`]).
pub fn add_file(
    image: &FirmwareImage,
    file: &[u8],
    extra: FlashFile,
) -> Result<Vec<u8>, PackError> {
    if image.kind != super::ImageKind::Esp {
        return Err(PackError::NotEsp);
    }
    let flash_size = image.flash_size.ok_or(PackError::NoFlashParams)?;
    let extra_end = u64::from(extra.address) + extra.data.len() as u64;
    let inside = |part: &super::Part| {
        part.address >= extra.address && u64::from(part.address) + u64::from(part.size) <= extra_end
    };
    let mut files = Vec::new();
    let mut largest = esp::DEFAULT_PART_SIZE;
    for part in image.regions.iter().flat_map(|r| &r.parts) {
        if inside(part) {
            continue;
        }
        let data = file
            .get(part.payload_offset..part.payload_offset + part.size as usize)
            .ok_or(FirmwareError::CpioTruncated {
                offset: part.payload_offset,
            })?;
        largest = largest.max(part.size);
        files.push(FlashFile {
            address: part.address,
            name: part.name.clone(),
            data: data.to_vec(),
        });
    }
    files.push(extra);
    let options = PackOptions {
        pid: image.suffix.id_product,
        flash_size,
        part_size: largest,
    };
    pack(&files, &options)
}

fn record(address: u32, flags: u32, name: &str, data: &[u8]) -> IndexRecord {
    IndexRecord {
        address,
        flags,
        name: name.as_bytes().to_vec(),
        md5: Md5::digest(data).into(),
    }
}

/// The `(address, path)` pairs of ESP-IDF's `flasher_args.json` (`flash_files`), paths
/// as written in the file (relative to the JSON file's folder).
pub fn flasher_args_files(json: &str) -> Result<Vec<(u32, String)>, PackError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| PackError::BadFlasherArgs(e.to_string()))?;
    let files = value
        .get("flash_files")
        .and_then(|f| f.as_object())
        .ok_or_else(|| PackError::BadFlasherArgs("no \"flash_files\" object".into()))?;
    files
        .iter()
        .map(|(address, path)| {
            let path = path.as_str().ok_or_else(|| {
                PackError::BadFlasherArgs(format!("the path for {address} is not a string"))
            })?;
            Ok((parse_address(address)?, path.to_owned()))
        })
        .collect()
}

/// Parses an address as Python's `int(text, 0)` does: `0x1000`, `4096`, `0o10000`, `0b1`.
pub fn parse_address(text: &str) -> Result<u32, PackError> {
    let t = text.trim().replace('_', "");
    let lower = t.to_ascii_lowercase();
    let parsed = if let Some(hex) = lower.strip_prefix("0x") {
        u32::from_str_radix(hex, 16)
    } else if let Some(oct) = lower.strip_prefix("0o") {
        u32::from_str_radix(oct, 8)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        u32::from_str_radix(bin, 2)
    } else {
        lower.parse()
    };
    parsed.map_err(|_| PackError::BadAddress(text.to_owned()))
}

/// Parses a flash size: `4MB`, `4M`, `512KB`, `4194304` or `0x400000`.
pub fn parse_flash_size(text: &str) -> Result<u32, PackError> {
    let bad = || PackError::BadFlashSize(text.to_owned());
    let upper = text.trim().to_ascii_uppercase();
    let (number, unit) = if let Some(n) = upper.strip_suffix("MB").or(upper.strip_suffix('M')) {
        (n, 1024 * 1024)
    } else if let Some(n) = upper.strip_suffix("KB").or(upper.strip_suffix('K')) {
        (n, 1024)
    } else {
        return parse_address(text)
            .map_err(|_| bad())
            .and_then(|v| match v {
                0 => Err(bad()),
                v => Ok(v),
            });
    };
    number
        .trim()
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|&v| v > 0)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_added_to_a_dfu_bin_lands_beside_every_part() {
        let options = PackOptions {
            part_size: 0x1000,
            ..PackOptions::default()
        };
        let files = [
            FlashFile {
                address: 0x8000,
                name: "partition-table.bin".into(),
                data: vec![0xAA; 0xC00],
            },
            FlashFile {
                address: 0x10000,
                name: "app.bin".into(),
                data: (0..0x2800).map(|i| i as u8).collect(),
            },
        ];
        let base = pack(&files, &options).unwrap();
        let image = FirmwareImage::describe(&base).unwrap();
        let nvs = FlashFile {
            address: 0x9000,
            name: "nvs.bin".into(),
            data: vec![0x5A; 0x6000],
        };
        let with = add_file(&image, &base, nvs.clone()).unwrap();
        // The same bytes as packing all three at once (parts of 0x1000, nvs in one part).
        let mut all = files.to_vec();
        all.push(nvs.clone());
        let all_parts: Vec<FlashFile> = FirmwareImage::describe(&pack(&all, &options).unwrap())
            .unwrap()
            .regions
            .iter()
            .map(|r| (r.address, r.name.clone(), r.size))
            .map(|(address, name, size)| FlashFile {
                address,
                name,
                data: vec![0; size as usize],
            })
            .collect();
        let described = FirmwareImage::describe(&with).unwrap();
        assert_eq!(described.regions.len(), all_parts.len());
        for (got, want) in described.regions.iter().zip(&all_parts) {
            assert_eq!(
                (got.address, &got.name, got.size),
                (want.address, &want.name, want.data.len() as u32)
            );
        }
        assert_eq!(described.flash_size, image.flash_size);
        assert_eq!(described.suffix.id_product, image.suffix.id_product);
        // Adding to the result again replaces the earlier entry at that address.
        let again = add_file(&described, &with, nvs).unwrap();
        assert_eq!(again, with);
        // An entry overlapping a part (not wholly covering it) is refused.
        assert!(matches!(
            add_file(
                &image,
                &base,
                FlashFile {
                    address: 0x8100,
                    name: "x".into(),
                    data: vec![1; 16]
                }
            ),
            Err(PackError::Invalid(_))
        ));
    }

    #[test]
    fn sizes_and_addresses_parse_like_mkdfu() {
        assert_eq!(parse_flash_size("4MB"), Ok(4 << 20));
        assert_eq!(parse_flash_size("16m"), Ok(16 << 20));
        assert_eq!(parse_flash_size("0x400000"), Ok(4 << 20));
        assert!(parse_flash_size("lots").is_err());
        assert!(parse_flash_size("0MB").is_err());
        assert_eq!(parse_address("0x8000"), Ok(0x8000));
        assert_eq!(parse_address("65536"), Ok(0x10000));
        assert!(parse_address("0xZZ").is_err());
    }

    #[test]
    fn flasher_args_lists_every_file() {
        let json =
            r#"{"flash_files": {"0x1000": "bootloader/bootloader.bin", "0x10000": "app.bin"}}"#;
        let mut files = flasher_args_files(json).unwrap();
        files.sort();
        assert_eq!(
            files,
            vec![
                (0x1000, "bootloader/bootloader.bin".into()),
                (0x10000, "app.bin".into())
            ]
        );
        assert!(matches!(
            flasher_args_files("{}"),
            Err(PackError::BadFlasherArgs(_))
        ));
    }
}
