//! Encodings and the values they turn into, as ESP-IDF's NVS Partition Generator reads
//! them.

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::Version;

/// An integer encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integer {
    /// Unsigned 8-bit.
    U8,
    /// Signed 8-bit.
    I8,
    /// Unsigned 16-bit.
    U16,
    /// Signed 16-bit.
    I16,
    /// Unsigned 32-bit.
    U32,
    /// Signed 32-bit.
    I32,
    /// Unsigned 64-bit.
    U64,
    /// Signed 64-bit.
    I64,
}

impl Integer {
    const ALL: [Integer; 8] = [
        Integer::U8,
        Integer::I8,
        Integer::U16,
        Integer::I16,
        Integer::U32,
        Integer::I32,
        Integer::U64,
        Integer::I64,
    ];

    /// The encoding's name in a CSV.
    pub fn name(self) -> &'static str {
        match self {
            Integer::U8 => "u8",
            Integer::I8 => "i8",
            Integer::U16 => "u16",
            Integer::I16 => "i16",
            Integer::U32 => "u32",
            Integer::I32 => "i32",
            Integer::U64 => "u64",
            Integer::I64 => "i64",
        }
    }

    /// The NVS item type: the width in bytes, plus 0x10 when signed.
    pub(super) fn code(self) -> u8 {
        self.width() as u8 | if self.signed() { 0x10 } else { 0 }
    }

    fn width(self) -> usize {
        match self {
            Integer::U8 | Integer::I8 => 1,
            Integer::U16 | Integer::I16 => 2,
            Integer::U32 | Integer::I32 => 4,
            Integer::U64 | Integer::I64 => 8,
        }
    }

    fn signed(self) -> bool {
        matches!(
            self,
            Integer::I8 | Integer::I16 | Integer::I32 | Integer::I64
        )
    }

    /// The smallest and largest value it holds.
    fn range(self) -> (i128, i128) {
        let bits = 8 * self.width() as u32;
        match self.signed() {
            true => (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1),
            false => (0, (1i128 << bits) - 1),
        }
    }
}

/// How a row's value is written (the CSV's `encoding` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// An integer of the given width and sign.
    Integer(Integer),
    /// UTF-8 text, stored with a terminating NUL.
    String,
    /// A blob given as hex digits.
    Hex2bin,
    /// A blob given as base64.
    Base64,
    /// A blob given as the bytes themselves.
    Binary,
    /// `blob_fill(LEN;0xPP)`: the value's bytes padded with PP to LEN bytes.
    BlobFill {
        /// The blob's length.
        len: u32,
        /// The padding byte.
        pad: u8,
    },
    /// `blob_sz_fill(LEN;0xPP)`: the value's length (u32 LE), then its bytes padded with
    /// PP to LEN bytes.
    BlobSzFill {
        /// The length of the padded value (the blob is 4 bytes longer).
        len: u32,
        /// The padding byte.
        pad: u8,
    },
}

/// The longest string (with its NUL) ESP-IDF's generator writes: it never gives a
/// string a page's last entry, so 124 data entries of 32 bytes.
const MAX_STRING_V2: usize = 124 * 32;
/// Version 1's limit for strings and blobs.
const MAX_VARLEN_V1: usize = 1984;

impl Encoding {
    /// The encodings a CSV may name, for messages.
    pub const NAMES: &'static str = "u8, i8, u16, i16, u32, i32, u64, i64, string, hex2bin, base64, binary, blob_fill(LEN;0xPP), blob_sz_fill(LEN;0xPP)";

    /// Parses an `encoding` cell (lower case, as ESP-IDF's generator expects).
    pub fn parse(text: &str) -> Option<Encoding> {
        if let Some((name, args)) = text.strip_suffix(')').and_then(|t| t.split_once('(')) {
            let (len, pad) = args.split_once(';')?;
            let len = match len.bytes().all(|b| b.is_ascii_digit()) {
                true => len.parse::<u32>().ok()?,
                false => return None,
            };
            let pad = pad.strip_prefix("0x").or_else(|| pad.strip_prefix("0X"))?;
            let pad = match pad.len() {
                2 => u8::from_str_radix(pad, 16).ok()?,
                _ => return None,
            };
            return match name {
                "blob_fill" => Some(Encoding::BlobFill { len, pad }),
                "blob_sz_fill" => Some(Encoding::BlobSzFill { len, pad }),
                _ => None,
            };
        }
        Some(match text {
            "string" => Encoding::String,
            "hex2bin" => Encoding::Hex2bin,
            "base64" => Encoding::Base64,
            "binary" => Encoding::Binary,
            _ => Encoding::Integer(*Integer::ALL.iter().find(|i| i.name() == text)?),
        })
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Encoding::Integer(integer) => f.write_str(integer.name()),
            Encoding::String => f.write_str("string"),
            Encoding::Hex2bin => f.write_str("hex2bin"),
            Encoding::Base64 => f.write_str("base64"),
            Encoding::Binary => f.write_str("binary"),
            Encoding::BlobFill { len, pad } => write!(f, "blob_fill({len};0x{pad:02x})"),
            Encoding::BlobSzFill { len, pad } => write!(f, "blob_sz_fill({len};0x{pad:02x})"),
        }
    }
}

/// Why a value cannot be written with its encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not a decimal integer.
    #[error("`{text}` is not a whole number: write it in decimal, like 42 or -7")]
    NotInteger {
        /// The value as given.
        text: String,
    },
    /// An integer outside its encoding's range.
    #[error("{text} does not fit {} ({} to {})", encoding.name(), encoding.range().0, encoding.range().1)]
    OutOfRange {
        /// The value as given.
        text: String,
        /// The encoding.
        encoding: Integer,
    },
    /// hex2bin with an odd number of digits.
    #[error("hex2bin needs an even number of hex digits; this value has {digits}")]
    OddHex {
        /// How many digits the value has.
        digits: usize,
    },
    /// hex2bin with a character that is not a hex digit.
    #[error("`{found}` (character {at}) is not a hex digit")]
    BadHex {
        /// The character.
        found: char,
        /// Its position, 1-based.
        at: usize,
    },
    /// base64 that does not decode.
    #[error("not valid base64 ({reason})")]
    BadBase64 {
        /// What the decoder found.
        reason: String,
    },
    /// A string or integer from a file whose bytes are not text.
    #[error("the file's content is not UTF-8 text, which {encoding} needs")]
    NotText {
        /// The encoding's name.
        encoding: &'static str,
    },
    /// Inline `binary` text with characters beyond ASCII.
    #[error(
        "an inline binary value must be ASCII text (ESP-IDF's generator miscounts other characters); use hex2bin or base64, or a file"
    )]
    BinaryNotAscii,
    /// A string too long for one NVS page.
    #[error("the string is {len} bytes with its terminating NUL; at most {max} fit")]
    StringTooLong {
        /// Its length with the NUL.
        len: usize,
        /// The most that fits.
        max: usize,
    },
    /// A blob longer than format version 1 allows.
    #[error(
        "the blob is {len} bytes; format version 1 allows at most {max} (version 2 spans pages)"
    )]
    BlobTooLong {
        /// Its length.
        len: usize,
        /// The most version 1 allows.
        max: usize,
    },
    /// A blob_fill value longer than the blob.
    #[error("the value is {len} bytes, longer than the {max} bytes of its blob")]
    FillTooShort {
        /// The value's length.
        len: usize,
        /// The blob's length.
        max: u32,
    },
    /// A blob_fill length beyond the partition.
    #[error("a {len}-byte blob cannot fit a {size}-byte partition")]
    FillTooLarge {
        /// The blob's length.
        len: u32,
        /// The partition's size.
        size: u32,
    },
    /// A blob_fill value from a file.
    #[error("blob_fill and blob_sz_fill take their value inline, not from a file")]
    FillFromFile,
}

/// A value as given: CSV text, or the bytes of a `file` entry.
#[derive(Debug, Clone, Copy)]
pub(super) enum Raw<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// A value ready for its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    /// An integer entry: NVS type code, little-endian bytes.
    Integer {
        code: u8,
        bytes: Vec<u8>,
    },
    /// String bytes with their NUL.
    String(Vec<u8>),
    Blob(Vec<u8>),
}

/// Turns `raw` into what its entry holds, refusing what ESP-IDF's generator refuses
/// (and what it would write wrongly). `size` (the partition's) caps blob_fill lengths.
pub(super) fn encode(
    encoding: Encoding,
    raw: Raw<'_>,
    version: Version,
    size: u32,
) -> Result<Value, ValueError> {
    let blob = match (encoding, raw) {
        (Encoding::Integer(integer), raw) => return encode_integer(integer, raw),
        (Encoding::String, raw) => return encode_string(raw, version),
        (Encoding::Hex2bin, Raw::Text(text)) => hex(text.trim())?,
        (Encoding::Hex2bin, Raw::Bytes(bytes)) => {
            hex(&String::from_utf8_lossy(bytes.trim_ascii()))?
        }
        (Encoding::Base64, Raw::Text(text)) => base64(text.as_bytes())?,
        (Encoding::Base64, Raw::Bytes(bytes)) => base64(bytes)?,
        (Encoding::Binary, Raw::Text(text)) if !text.is_ascii() => {
            return Err(ValueError::BinaryNotAscii);
        }
        (Encoding::Binary, Raw::Text(text)) => text.as_bytes().to_vec(),
        (Encoding::Binary, Raw::Bytes(bytes)) => bytes.to_vec(),
        (Encoding::BlobFill { .. } | Encoding::BlobSzFill { .. }, Raw::Bytes(_)) => {
            return Err(ValueError::FillFromFile);
        }
        (Encoding::BlobFill { len, pad }, Raw::Text(text)) => fill(text, len, pad, size)?,
        (Encoding::BlobSzFill { len, pad }, Raw::Text(text)) => {
            let mut blob = (text.len() as u32).to_le_bytes().to_vec();
            blob.extend(fill(text, len, pad, size.saturating_sub(4))?);
            blob
        }
    };
    if version == Version::V1 && blob.len() > MAX_VARLEN_V1 {
        return Err(ValueError::BlobTooLong {
            len: blob.len(),
            max: MAX_VARLEN_V1,
        });
    }
    Ok(Value::Blob(blob))
}

/// An integer entry's value, read as Python's `int()` reads it.
fn encode_integer(integer: Integer, raw: Raw<'_>) -> Result<Value, ValueError> {
    let name = integer.name();
    let text = match raw {
        Raw::Text(text) => text,
        Raw::Bytes(bytes) => std::str::from_utf8(bytes)
            .ok()
            .filter(|t| t.is_ascii())
            .ok_or(ValueError::NotText { encoding: name })?,
    };
    let value = python_int(text).ok_or_else(|| ValueError::NotInteger {
        text: text.to_owned(),
    })?;
    let (min, max) = integer.range();
    if !(min..=max).contains(&value) {
        return Err(ValueError::OutOfRange {
            text: text.trim().to_owned(),
            encoding: integer,
        });
    }
    Ok(Value::Integer {
        code: integer.code(),
        bytes: value.to_le_bytes()[..integer.width()].to_vec(),
    })
}

/// A string's bytes with their NUL, if they fit one page.
fn encode_string(raw: Raw<'_>, version: Version) -> Result<Value, ValueError> {
    let mut bytes = match raw {
        Raw::Text(text) => text.as_bytes().to_vec(),
        Raw::Bytes(bytes) => std::str::from_utf8(bytes)
            .map_err(|_| ValueError::NotText { encoding: "string" })?
            .as_bytes()
            .to_vec(),
    };
    bytes.push(0);
    let max = match version {
        Version::V1 => MAX_VARLEN_V1,
        Version::V2 => MAX_STRING_V2,
    };
    if bytes.len() > max {
        return Err(ValueError::StringTooLong {
            len: bytes.len(),
            max,
        });
    }
    Ok(Value::String(bytes))
}

/// Python's `int(text)`: white space around, a sign, decimal digits with single `_`
/// between them. `None` if it is not such a number or beyond i128.
fn python_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let magnitude: i128 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Decodes hex digits (either case), as `binascii.a2b_hex`.
fn hex(text: &str) -> Result<Vec<u8>, ValueError> {
    let nibbles = text
        .chars()
        .enumerate()
        .map(|(at, found)| {
            found
                .to_digit(16)
                .map(|n| n as u8)
                .ok_or(ValueError::BadHex { found, at: at + 1 })
        })
        .collect::<Result<Vec<u8>, _>>()?;
    if !nibbles.len().is_multiple_of(2) {
        return Err(ValueError::OddHex {
            digits: nibbles.len(),
        });
    }
    Ok(nibbles.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

/// Decodes standard base64 with its padding; white space (a value wrapped over lines)
/// is ignored.
fn base64(text: &[u8]) -> Result<Vec<u8>, ValueError> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    ENGINE.decode(compact).map_err(|e| ValueError::BadBase64 {
        reason: e.to_string(),
    })
}

/// `text`'s bytes padded with `pad` to `len` bytes.
fn fill(text: &str, len: u32, pad: u8, size: u32) -> Result<Vec<u8>, ValueError> {
    if len > size {
        return Err(ValueError::FillTooLarge { len, size });
    }
    if text.len() > len as usize {
        return Err(ValueError::FillTooShort {
            len: text.len(),
            max: len,
        });
    }
    let mut blob = text.as_bytes().to_vec();
    blob.resize(len as usize, pad);
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(encoding: &str, value: &str) -> Result<Value, ValueError> {
        encode(
            Encoding::parse(encoding).unwrap(),
            Raw::Text(value),
            Version::V2,
            0x6000,
        )
    }

    #[test]
    fn encodings_parse_and_print_back() {
        for name in [
            "u8",
            "i64",
            "string",
            "hex2bin",
            "base64",
            "binary",
            "blob_fill(8;0xff)",
            "blob_sz_fill(3;0x00)",
        ] {
            assert_eq!(Encoding::parse(name).unwrap().to_string(), name);
        }
        for bad in [
            "U8",
            "u9",
            "",
            "blob_fill(8;0xfff)",
            "blob_fill(;0xff)",
            "blob_fill(8,0xff)",
            "blob_fill(-1;0x00)",
            "blob(1;0x00)",
        ] {
            assert_eq!(Encoding::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn integers_follow_python_int_and_ranges() {
        let int = |code, bytes: &[u8]| Value::Integer {
            code,
            bytes: bytes.to_vec(),
        };
        assert_eq!(text("u8", " 255 "), Ok(int(0x01, &[255])));
        assert_eq!(
            text("i16", "-1_000"),
            Ok(int(0x12, &(-1000i16).to_le_bytes()))
        );
        assert_eq!(
            text("u64", "18446744073709551615"),
            Ok(int(0x08, &[0xFF; 8]))
        );
        assert!(matches!(
            text("u8", "256"),
            Err(ValueError::OutOfRange {
                encoding: Integer::U8,
                ..
            })
        ));
        assert!(matches!(
            text("i8", "-129"),
            Err(ValueError::OutOfRange { .. })
        ));
        for bad in [
            "",
            "0x10",
            "1__0",
            "_1",
            "1_",
            "1.5",
            "--1",
            &"9".repeat(60),
        ] {
            assert!(text("i64", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn blobs_decode_or_say_why_not() {
        assert_eq!(text("hex2bin", " 0aFf "), Ok(Value::Blob(vec![0x0A, 0xFF])));
        assert_eq!(
            text("hex2bin", "abc"),
            Err(ValueError::OddHex { digits: 3 })
        );
        assert_eq!(
            text("hex2bin", "0g"),
            Err(ValueError::BadHex { found: 'g', at: 2 })
        );
        assert_eq!(text("base64", "SGk="), Ok(Value::Blob(b"Hi".to_vec())));
        assert!(matches!(
            text("base64", "SGk"),
            Err(ValueError::BadBase64 { .. })
        ));
        assert_eq!(text("binary", "é"), Err(ValueError::BinaryNotAscii));
        assert_eq!(
            text("blob_fill(4;0xaa)", "ab"),
            Ok(Value::Blob(b"ab\xAA\xAA".to_vec()))
        );
        assert_eq!(
            text("blob_sz_fill(3;0x00)", "a"),
            Ok(Value::Blob(b"\x01\0\0\0a\0\0".to_vec()))
        );
        assert!(matches!(
            text("blob_fill(1;0x00)", "ab"),
            Err(ValueError::FillTooShort { .. })
        ));
        assert!(matches!(
            text("blob_fill(4000000000;0x00)", ""),
            Err(ValueError::FillTooLarge { .. })
        ));
    }

    #[test]
    fn strings_stop_where_one_page_ends() {
        assert!(text("string", &"a".repeat(MAX_STRING_V2 - 1)).is_ok());
        assert_eq!(
            text("string", &"a".repeat(MAX_STRING_V2)),
            Err(ValueError::StringTooLong {
                len: MAX_STRING_V2 + 1,
                max: MAX_STRING_V2
            })
        );
        let v1 = encode(
            Encoding::Binary,
            Raw::Bytes(&[0; 1985]),
            Version::V1,
            0x6000,
        );
        assert!(matches!(v1, Err(ValueError::BlobTooLong { .. })));
    }
}
