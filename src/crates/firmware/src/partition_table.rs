//! ESP-IDF's binary partition table (as `gen_esp32part.py` writes it), and finding it
//! inside a `dfu.bin` to look up the partition a board's NVS image goes to.

use md5::{Digest, Md5};

use super::FirmwareImage;

/// Where ESP-IDF puts the partition table unless `CONFIG_PARTITION_TABLE_OFFSET` moves it.
pub const DEFAULT_OFFSET: u32 = 0x8000;
/// Bytes of one entry.
const ENTRY: usize = 32;
/// The first two bytes of a partition entry.
pub const MAGIC: [u8; 2] = [0xAA, 0x50];
/// The first two bytes of the MD5 entry.
const MD5_MAGIC: [u8; 2] = [0xEB, 0xEB];
/// Type `data`.
pub const TYPE_DATA: u8 = 0x01;
/// Subtype `nvs` of type `data`.
pub const SUBTYPE_NVS: u8 = 0x02;
/// An NVS partition is whole 4096-byte pages.
const NVS_PAGE: u32 = 4096;

/// One partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// Its label (at most 16 bytes).
    pub name: String,
    /// Its type: 0x00 app, 0x01 data, others custom.
    pub kind: u8,
    /// Its subtype (for data: 0x02 nvs, 0x01 phy, ...).
    pub subtype: u8,
    /// Its flash address.
    pub offset: u32,
    /// Its size in bytes.
    pub size: u32,
    /// Flag bits (bit 0 encrypted, bit 1 readonly).
    pub flags: u32,
}

/// A parsed partition table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionTable {
    /// The partitions, in table order.
    pub partitions: Vec<Partition>,
    /// Whether the table carried an MD5 entry (checked when it did).
    pub has_md5: bool,
}

/// Why there is no usable partition table or partition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    /// The table's bytes stop inside an entry.
    #[error(
        "The partition table is {len} bytes, not a whole number of 32-byte entries, and has no end marker."
    )]
    Truncated {
        /// Bytes given.
        len: usize,
    },
    /// An entry without the 0xAA 0x50 magic.
    #[error(
        "Partition table entry {index} starts with {found} instead of aa50: this is not a partition table."
    )]
    BadMagic {
        /// The entry's position (0-based).
        index: usize,
        /// Its first two bytes in hex.
        found: String,
    },
    /// A label that is not UTF-8.
    #[error("Partition table entry {index} has a name that is not UTF-8 text.")]
    BadName {
        /// The entry's position (0-based).
        index: usize,
    },
    /// The MD5 entry does not match the entries before it.
    #[error(
        "The partition table's MD5 is {stored} but its entries hash to {actual}: the table is damaged."
    )]
    Md5Mismatch {
        /// The MD5 in the table.
        stored: String,
        /// The MD5 of the entries.
        actual: String,
    },
    /// The entries run to the end without an all-0xFF end marker.
    #[error("The partition table has no end marker (an entry of 32 0xFF bytes).")]
    NoEnd,
    /// The dfu.bin has no partition table.
    #[error(
        "The file has no partition table (none at {DEFAULT_OFFSET:#x}, no part starting with aa50): build the dfu.bin with `idf.py dfu` from a project with a partition table."
    )]
    NoTable,
    /// No partition of that name.
    #[error("The partition table has no partition named \"{name}\"; it has: {}.", .names.join(", "))]
    NotFound {
        /// The name asked for.
        name: String,
        /// The names there are.
        names: Vec<String>,
    },
    /// The partition is not `data`/`nvs`.
    #[error(
        "Partition \"{name}\" is type {kind:#04x} subtype {subtype:#04x}, not an NVS data partition (type 0x01 subtype 0x02)."
    )]
    NotNvs {
        /// The partition's name.
        name: String,
        /// Its type.
        kind: u8,
        /// Its subtype.
        subtype: u8,
    },
    /// An NVS partition that is not whole pages.
    #[error("Partition \"{name}\" is {size:#x} bytes, not a multiple of 0x1000 (NVS pages).")]
    NotPages {
        /// The partition's name.
        name: String,
        /// Its size.
        size: u32,
    },
}

impl PartitionTable {
    /// Parses a binary table as `gen_esp32part.py` does: 32-byte entries up to an
    /// all-0xFF one; an entry starting 0xEB 0xEB holds the MD5 of the entries before it,
    /// which must match.
    pub fn parse(bytes: &[u8]) -> Result<PartitionTable, PartitionError> {
        let mut md5 = Md5::new();
        let mut table = PartitionTable {
            partitions: Vec::new(),
            has_md5: false,
        };
        for (index, entry) in bytes.chunks(ENTRY).enumerate() {
            if entry.len() != ENTRY {
                return Err(PartitionError::Truncated { len: bytes.len() });
            }
            if entry.iter().all(|&b| b == 0xFF) {
                return Ok(table);
            }
            if entry[..2] == MD5_MAGIC {
                let actual: [u8; 16] = md5.clone().finalize().into();
                if entry[16..] != actual {
                    return Err(PartitionError::Md5Mismatch {
                        stored: hex::encode(&entry[16..]),
                        actual: hex::encode(actual),
                    });
                }
                table.has_md5 = true;
                continue;
            }
            md5.update(entry);
            if entry[..2] != MAGIC {
                return Err(PartitionError::BadMagic {
                    index,
                    found: hex::encode(&entry[..2]),
                });
            }
            let label = &entry[12..28];
            let label = &label[..label.iter().position(|&b| b == 0).unwrap_or(label.len())];
            let word = |at: usize| {
                u32::from_le_bytes([entry[at], entry[at + 1], entry[at + 2], entry[at + 3]])
            };
            table.partitions.push(Partition {
                name: String::from_utf8(label.to_vec())
                    .map_err(|_| PartitionError::BadName { index })?,
                kind: entry[2],
                subtype: entry[3],
                offset: word(4),
                size: word(8),
                flags: word(28),
            });
        }
        Err(PartitionError::NoEnd)
    }

    /// Finds the partition table in a checked `dfu.bin`: the region at
    /// [`DEFAULT_OFFSET`], or else the first region whose bytes start with the entry
    /// magic and parse as a table.
    pub fn in_dfu(image: &FirmwareImage, file: &[u8]) -> Result<PartitionTable, PartitionError> {
        let bytes = |region: &super::Region| -> Vec<u8> {
            region
                .parts
                .iter()
                .flat_map(|p| {
                    file.get(p.payload_offset..p.payload_offset + p.size as usize)
                        .unwrap_or_default()
                })
                .copied()
                .collect()
        };
        if let Some(region) = image.regions.iter().find(|r| r.address == DEFAULT_OFFSET) {
            return PartitionTable::parse(&bytes(region));
        }
        image
            .regions
            .iter()
            .map(bytes)
            .filter(|data| data.starts_with(&MAGIC))
            .find_map(|data| PartitionTable::parse(&data).ok())
            .ok_or(PartitionError::NoTable)
    }

    /// The partition called `name`.
    pub fn find(&self, name: &str) -> Result<&Partition, PartitionError> {
        self.partitions
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| PartitionError::NotFound {
                name: name.to_owned(),
                names: self.partitions.iter().map(|p| p.name.clone()).collect(),
            })
    }

    /// The NVS data partition called `name`: refused when missing, of another type or
    /// subtype, or not whole 4096-byte pages.
    pub fn nvs(&self, name: &str) -> Result<&Partition, PartitionError> {
        let partition = self.find(name)?;
        if (partition.kind, partition.subtype) != (TYPE_DATA, SUBTYPE_NVS) {
            return Err(PartitionError::NotNvs {
                name: name.to_owned(),
                kind: partition.kind,
                subtype: partition.subtype,
            });
        }
        if !partition.size.is_multiple_of(NVS_PAGE) {
            return Err(PartitionError::NotPages {
                name: name.to_owned(),
                size: partition.size,
            });
        }
        Ok(partition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FlashFile, PackOptions, pack};
    use proptest::prelude::*;

    const BOARD: &[u8] = include_bytes!("../../../../tests/vectors/esp-idf/partitions/board.bin");
    const BOARD_NO_MD5: &[u8] =
        include_bytes!("../../../../tests/vectors/esp-idf/partitions/board-nomd5.bin");
    const IDF_HOST_TEST: &[u8] =
        include_bytes!("../../../../tests/vectors/esp-idf/partitions/idf-host-test.bin");

    fn names(table: &PartitionTable) -> Vec<&str> {
        table.partitions.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn tables_made_by_gen_esp32part_parse() {
        let table = PartitionTable::parse(BOARD).unwrap();
        assert!(table.has_md5);
        assert_eq!(
            names(&table),
            [
                "nvs", "otadata", "phy_init", "factory", "fctry", "odd", "storage"
            ]
        );
        assert_eq!(
            table.partitions[0],
            Partition {
                name: "nvs".into(),
                kind: 1,
                subtype: 2,
                offset: 0x9000,
                size: 0x6000,
                flags: 0
            }
        );
        assert_eq!(table.partitions[5].flags, 2, "readonly");
        let no_md5 = PartitionTable::parse(BOARD_NO_MD5).unwrap();
        assert!(!no_md5.has_md5);
        assert_eq!(no_md5.partitions, table.partitions);
        let idf = PartitionTable::parse(IDF_HOST_TEST).unwrap();
        assert_eq!(names(&idf), ["nvs", "phy_инит_", "factory"]);
    }

    #[test]
    fn damaged_tables_are_refused() {
        let mut md5 = BOARD.to_vec();
        md5[7 * 32 + 20] ^= 1;
        assert!(matches!(
            PartitionTable::parse(&md5),
            Err(PartitionError::Md5Mismatch { .. })
        ));
        let mut entry = BOARD.to_vec();
        entry[40] ^= 1;
        assert!(matches!(
            PartitionTable::parse(&entry),
            Err(PartitionError::Md5Mismatch { .. })
        ));
        let mut magic = BOARD_NO_MD5.to_vec();
        magic[32] = 0;
        assert_eq!(
            PartitionTable::parse(&magic),
            Err(PartitionError::BadMagic {
                index: 1,
                found: "0050".into()
            })
        );
        assert_eq!(
            PartitionTable::parse(&BOARD[..7 * 32]),
            Err(PartitionError::NoEnd)
        );
        assert_eq!(
            PartitionTable::parse(&BOARD[..7 * 32 + 5]),
            Err(PartitionError::Truncated { len: 7 * 32 + 5 })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Whatever the bytes, a table is read or refused: parsing never panics.
        #[test]
        fn garbage_never_panics(garbage in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = PartitionTable::parse(&garbage);
        }
    }

    #[test]
    fn the_nvs_partition_is_looked_up_by_name_and_kind() {
        let table = PartitionTable::parse(BOARD).unwrap();
        assert_eq!(table.nvs("fctry").unwrap().offset, 0x120000);
        let missing = table.nvs("nvs2").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "The partition table has no partition named \"nvs2\"; it has: nvs, otadata, phy_init, factory, fctry, odd, storage."
        );
        assert!(matches!(
            table.nvs("phy_init"),
            Err(PartitionError::NotNvs { subtype: 1, .. })
        ));
        assert!(matches!(
            table.nvs("storage"),
            Err(PartitionError::NotNvs { subtype: 0x82, .. })
        ));
        assert_eq!(
            table.nvs("odd"),
            Err(PartitionError::NotPages {
                name: "odd".into(),
                size: 0x1800
            })
        );
    }

    fn dfu(files: &[(u32, &[u8])]) -> (FirmwareImage, Vec<u8>) {
        let files: Vec<FlashFile> = files
            .iter()
            .enumerate()
            .map(|(i, (address, data))| FlashFile {
                address: *address,
                name: format!("{i}.bin"),
                data: data.to_vec(),
            })
            .collect();
        let options = PackOptions {
            flash_size: 4 << 20,
            part_size: 1024,
            ..PackOptions::default()
        };
        let file = pack(&files, &options).unwrap();
        (FirmwareImage::describe(&file).unwrap(), file)
    }

    #[test]
    fn the_table_is_found_in_a_dfu_bin() {
        let app = [0xE9u8; 100];
        // At 0x8000, split into parts of 1 KiB.
        let (image, file) = dfu(&[(0x1000, &app), (0x8000, BOARD), (0x20000, &app)]);
        assert_eq!(
            PartitionTable::in_dfu(&image, &file).unwrap(),
            PartitionTable::parse(BOARD).unwrap()
        );
        // Moved by CONFIG_PARTITION_TABLE_OFFSET: found by its magic.
        let (image, file) = dfu(&[(0x1000, &app), (0xA000, BOARD), (0x20000, &app)]);
        assert_eq!(
            PartitionTable::in_dfu(&image, &file)
                .unwrap()
                .partitions
                .len(),
            7
        );
        let (image, file) = dfu(&[(0x1000, &app), (0x20000, &app)]);
        assert_eq!(
            PartitionTable::in_dfu(&image, &file),
            Err(PartitionError::NoTable)
        );
        // Something else at 0x8000 is reported as what it is.
        let (image, file) = dfu(&[(0x8000, &app)]);
        assert!(matches!(
            PartitionTable::in_dfu(&image, &file),
            Err(PartitionError::BadMagic { index: 0, .. })
        ));
    }
}
