//! NVS partition images, byte for byte as ESP-IDF's NVS Partition Generator
//! (`nvs_partition_gen.py`, PyPI `esp-idf-nvs-partition-gen` 0.3.0) writes them for the
//! same CSV and size. Pure: a `file` row's content comes from the caller's reader.
//!
//! Its CSV: `key,type,encoding,value`; `type` is `namespace` (the rows after it belong
//! to it), `data` (the value inline) or `file` (the value is a path); encodings u8 i8
//! u16 i16 u32 i32 u64 i64, string, hex2bin, base64, binary, blob_fill(LEN;0xPP) and
//! blob_sz_fill(LEN;0xPP). Format version 2 (blobs span pages) by default, or 1. The
//! last page stays empty (NVS needs a free page), except below 0x3000 bytes, where the
//! generator writes a read-only partition of the pages it used and nothing after them.
//!
//! No encryption: an encrypted NVS partition (the generator's `encrypt`) cannot be made
//! here. Where the generator would crash, write bytes NVS cannot read, or silently put
//! a value elsewhere, this refuses with a message instead: values before the first
//! namespace, a namespace started twice, keys beyond ASCII, inline `binary` beyond
//! ASCII, strings of 3969 to 4000 bytes (the generator stops at 3968 in practice), an
//! unknown type (it writes those as data) or an upper-case encoding. It accepts a UTF-8
//! byte-order mark, on which the generator fails, and base64 only in its standard form.

use std::io;

mod error;
mod input;
pub mod mfg;
mod sheet;
mod value;
mod writer;

pub use error::{Field, NvsError, Origin, Place, RowProblem};
pub use input::parse_csv;
pub use value::{Encoding, Integer, ValueError};
pub use writer::generate;

/// Bytes in an NVS page.
pub const PAGE_SIZE: u32 = 4096;

/// Reads the contents of a `file` entry's path (its value in the CSV), or says why not.
pub type ReadFile<'a> = dyn FnMut(&str) -> io::Result<Vec<u8>> + 'a;

/// The NVS format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    /// Version 1: blobs on one page, at most 1984 bytes.
    V1,
    /// Version 2 ("multipage blob support"): blobs span pages in chunks.
    #[default]
    V2,
}

impl Version {
    /// The page header's version byte.
    fn byte(self) -> u8 {
        match self {
            Version::V1 => 0xFF,
            Version::V2 => 0xFE,
        }
    }
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Starts a namespace named by the row's key.
    Namespace,
    /// A value given inline.
    Data(Encoding),
    /// A value read from the file the row's value names.
    File(Encoding),
}

/// One row of the generator's CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where it came from, for messages.
    pub origin: Origin,
    /// The key (or the namespace's name).
    pub key: String,
    /// What the row is.
    pub kind: RowKind,
    /// The value as written (a path for `file` rows; empty when the row has none).
    pub value: String,
}

/// Whether a partition of `size` bytes is read-only for NVS (below 0x3000 bytes): the
/// generator then keeps no empty page and writes only the pages it fills.
pub fn read_only(size: u32) -> bool {
    size < 3 * PAGE_SIZE
}

/// [`parse_csv`] then [`generate`]: the generator's `generate CSV OUT SIZE`.
pub fn generate_csv(
    csv: &[u8],
    size: u32,
    version: Version,
    files: &mut ReadFile<'_>,
) -> Result<Vec<u8>, NvsError> {
    generate(&parse_csv(csv)?, size, version, files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn no_files(path: &str) -> io::Result<Vec<u8>> {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no file {path} here"),
        ))
    }

    #[test]
    fn a_namespace_and_a_value_make_the_expected_entries() {
        let csv = b"key,type,encoding,value\napp,namespace,,\nn,data,u16,513\n";
        let image = generate_csv(csv, 0x3000, Version::V2, &mut no_files).unwrap();
        assert_eq!(image.len(), 0x3000);
        // Page 0 active, sequence 0, version 2; pages 1 and 2 erased.
        assert_eq!(&image[0..9], &[0xFE, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0xFE]);
        assert!(image[4096..].iter().all(|&b| b == 0xFF));
        // Two entries written: bitmap bits 0 and 2 cleared.
        assert_eq!(image[32], 0b1111_1010);
        let (namespace, value) = (&image[64..96], &image[96..128]);
        assert_eq!(&namespace[..4], &[0, 0x01, 1, 0xFF]);
        assert_eq!(&namespace[8..12], b"app\0");
        assert_eq!(namespace[24], 1);
        assert_eq!(&value[..4], &[1, 0x02, 1, 0xFF]);
        assert_eq!(&value[24..28], &[1, 2, 0xFF, 0xFF]);
    }

    #[test]
    fn rows_the_generator_would_misplace_are_refused() {
        let err = |csv: &str| {
            generate_csv(csv.as_bytes(), 0x5000, Version::V2, &mut no_files)
                .unwrap_err()
                .to_string()
        };
        let h = "key,type,encoding,value\n";
        assert!(err(&format!("{h}n,data,u8,1\n")).contains("before the first namespace"));
        assert!(
            err(&format!("{h}a,namespace,,\nb,namespace,,\na,namespace,,\n"))
                .starts_with("line 4, column `key`: namespace `a` was started above")
        );
        assert!(err(&format!("{h}a,namespace,,\nké,data,u8,1\n")).contains("other than ASCII"));
        assert!(err(&format!("{h}a,namespace,,\nsta.ssid,file,binary,x\n")).contains("inline"));
        assert!(err(&format!("{h}a,namespace,,\nk,file,string,x\n")).contains("no file x here"));
        let many: String = (0..256).map(|i| format!("n{i},namespace,,\n")).collect();
        assert!(err(&format!("{h}{many}")).contains("more than 255 namespaces"));
        assert_eq!(
            generate_csv(h.as_bytes(), 0, Version::V2, &mut no_files),
            Err(NvsError::SizeTooSmall { size: 0 })
        );
    }

    /// The CSV's own words and separators, digits, and bytes that are not ASCII.
    const GARBAGE: &[u8] = b"key,type,encoding,value\n\"#namespace data file u8 i64 string hex2bin base64 binary blob_fill(3;0x00) 0123456789abcdef=-_\r\xC3\xA9\xFF";

    /// Partition sizes: none, less than a page, and a few pages.
    const SIZES: &[u32] = &[0, 1, 0x1000, 0x2000, 0x3000, 0x5000];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever the CSV, the partition's size, the format and the files' lengths, the
        /// generator refuses or makes an image of whole pages that fits: it never panics.
        #[test]
        fn garbage_never_panics(
            with_namespace in any::<bool>(),
            text in prop::collection::vec(prop::sample::select(GARBAGE), 0..300),
            size in prop::sample::select(SIZES),
            version in prop_oneof![Just(Version::V1), Just(Version::V2)],
            file_lengths in prop::collection::vec(0usize..5000, 1..8),
        ) {
            let mut csv = match with_namespace {
                true => b"key,type,encoding,value\nns,namespace,,\n".to_vec(),
                false => Vec::new(),
            };
            csv.extend(text);
            let mut lengths = file_lengths.into_iter().cycle();
            let mut files = |_: &str| Ok(vec![0x5A; lengths.next().unwrap_or_default()]);
            if let Ok(image) = generate_csv(&csv, size, version, &mut files) {
                prop_assert!(image.len() <= size as usize && image.len() % 4096 == 0);
            }
        }
    }
}
