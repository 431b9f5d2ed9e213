//! The CPIO "newc" archive inside an ESP `dfu.bin`: header parsing (shared with the
//! emulated ROM, which parses the stream as it arrives), writing, and a walk over a slice.

use super::FirmwareError;

/// Length of a newc header: the 6-byte magic and 13 fields of 8 hex digits.
pub const HEADER_LEN: usize = 110;
/// The newc magic, without CRC.
pub const MAGIC: &[u8; 6] = b"070701";
/// The name of the entry that ends an archive.
pub const TRAILER_NAME: &str = "TRAILER!!!";

/// The thirteen hex fields of a newc header, in order.
const FIELD_NAMES: [&str; 13] = [
    "ino",
    "mode",
    "uid",
    "gid",
    "nlink",
    "mtime",
    "filesize",
    "devmajor",
    "devminor",
    "rdevmajor",
    "rdevminor",
    "namesize",
    "check",
];
const FILESIZE: usize = 6;
const NAMESIZE: usize = 11;

/// Rounds `n` up to the next multiple of 4, as newc pads names and data.
pub fn align4(n: usize) -> usize {
    n.div_ceil(4) * 4
}

/// What is wrong with a header, before its place in the file is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    /// The header does not start with the newc magic `070701`.
    BadMagic,
    /// A field that is not 8 hex digits (its name).
    BadHexField(&'static str),
}

impl HeaderError {
    /// The file-level error for a header found at `offset`.
    pub fn at(self, offset: usize) -> FirmwareError {
        match self {
            HeaderError::BadMagic => FirmwareError::CpioBadMagic { offset },
            HeaderError::BadHexField(field) => FirmwareError::CpioBadHexField { offset, field },
        }
    }
}

/// The sizes a newc header announces (the other fields carry nothing DFU needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The size of the entry's data in bytes.
    pub filesize: u32,
    /// Name length including its terminating NUL.
    pub namesize: u32,
}

impl Header {
    /// Parses the 110 header bytes.
    pub fn parse(raw: &[u8; HEADER_LEN]) -> Result<Header, HeaderError> {
        if &raw[..6] != MAGIC {
            return Err(HeaderError::BadMagic);
        }
        let mut fields = [0u32; 13];
        for (i, field) in fields.iter_mut().enumerate() {
            let digits = &raw[6 + 8 * i..14 + 8 * i];
            *field = parse_hex8(digits).ok_or(HeaderError::BadHexField(FIELD_NAMES[i]))?;
        }
        Ok(Header {
            filesize: fields[FILESIZE],
            namesize: fields[NAMESIZE],
        })
    }

    /// Bytes from the header's start to its data's start (header, name, padding).
    pub fn data_start(&self) -> usize {
        align4(HEADER_LEN + self.namesize as usize)
    }
}

fn parse_hex8(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = (d as char).to_digit(16)?;
        Some(acc << 4 | v)
    })
}

/// Appends one newc entry the way ESP-IDF's mkdfu writes it: mode 0o100644 and nlink 0
/// for files, mode 0 and nlink 1 for the trailer, every other field 0.
pub fn write_entry(out: &mut Vec<u8>, name: &str, data: &[u8]) {
    let trailer = name == TRAILER_NAME;
    let (mode, nlink) = if trailer { (0, 1) } else { (0o100644, 0) };
    let namesize = name.len() + 1;
    let fields = [0, mode, 0, 0, nlink, 0, data.len(), 0, 0, 0, 0, namesize, 0];
    let start = out.len();
    out.extend_from_slice(MAGIC);
    for field in fields {
        out.extend_from_slice(format!("{field:08x}").as_bytes());
    }
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    out.resize(start + align4(out.len() - start), 0);
    out.extend_from_slice(data);
    out.resize(start + align4(out.len() - start), 0);
}

/// One entry of an archive held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The name without its NUL, as raw bytes (UTF-8 in practice, but not guaranteed).
    pub name: &'a [u8],
    /// Offset of the entry's data in the archive.
    pub data_offset: usize,
    /// The entry's contents.
    pub data: &'a [u8],
}

impl Entry<'_> {
    /// The name for people; invalid UTF-8 is shown with replacement characters.
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(self.name).into_owned()
    }
}

/// A whole archive: its entries before the trailer, and where the trailer's padding ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive<'a> {
    /// The entries in archive order, the trailer left out.
    pub entries: Vec<Entry<'a>>,
    /// Offset just past the trailer entry: what follows is padding.
    pub end: usize,
}

/// Walks every entry of `archive` up to the trailer.
pub fn read_archive(archive: &[u8]) -> Result<Archive<'_>, FirmwareError> {
    let mut entries = Vec::new();
    let mut offset = 0;
    loop {
        let raw: &[u8; HEADER_LEN] = archive
            .get(offset..offset + HEADER_LEN)
            .and_then(|s| s.try_into().ok())
            .ok_or(FirmwareError::CpioTruncated { offset })?;
        let header = Header::parse(raw).map_err(|e| e.at(offset))?;
        let name_start = offset + HEADER_LEN;
        let name_with_nul = archive
            .get(name_start..name_start + header.namesize as usize)
            .ok_or(FirmwareError::CpioTruncated { offset })?;
        let name = match name_with_nul.split_last() {
            Some((0, name)) if !name.contains(&0) => name,
            _ => return Err(FirmwareError::CpioBadName { offset }),
        };
        let data_offset = offset + header.data_start();
        let data = archive
            .get(data_offset..data_offset + header.filesize as usize)
            .ok_or_else(|| FirmwareError::CpioSizePastEnd {
                name: String::from_utf8_lossy(name).into_owned(),
                offset,
                size: header.filesize,
                available: archive.len().saturating_sub(data_offset),
            })?;
        offset = align4(data_offset + data.len());
        if name == TRAILER_NAME.as_bytes() {
            return Ok(Archive {
                entries,
                end: offset.min(archive.len()),
            });
        }
        entries.push(Entry {
            name,
            data_offset,
            data,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_entries_read_back() {
        let mut archive = Vec::new();
        write_entry(&mut archive, "a.bin", b"xyz");
        write_entry(&mut archive, "ファーム.bin", &[1; 9]);
        write_entry(&mut archive, TRAILER_NAME, b"");
        let read = read_archive(&archive).unwrap();
        assert_eq!(read.entries.len(), 2);
        assert_eq!(read.entries[0].name, b"a.bin");
        assert_eq!(read.entries[0].data, b"xyz");
        assert_eq!(read.entries[1].display_name(), "ファーム.bin");
        assert_eq!(read.end, archive.len());
    }

    #[test]
    fn header_rejects_non_hex_digits() {
        let mut archive = Vec::new();
        write_entry(&mut archive, "a", b"");
        archive[6 + 8 * 6] = b'g';
        let raw: &[u8; HEADER_LEN] = archive[..HEADER_LEN].try_into().unwrap();
        assert_eq!(
            Header::parse(raw),
            Err(HeaderError::BadHexField("filesize"))
        );
    }
}
