//! Pages and entries, written exactly as ESP-IDF's `nvs_partition_gen.py` writes them.

use std::collections::HashSet;

use pbkdf2::pbkdf2_hmac;
use sha1::Sha1;

use super::error::{Field, NvsError, Place, RowProblem};
use super::value::{Raw, Value, encode};
use super::{PAGE_SIZE, ReadFile, Row, RowKind, Version};

// A page: a 32-byte header, a 32-byte bitmap of entry states, then 126 entries of 32 bytes.
const PAGE: usize = PAGE_SIZE as usize;
const BITMAP: usize = 32;
const FIRST_ENTRY: usize = 64;
const ENTRY: usize = 32;
const ENTRIES_PER_PAGE: usize = 126;

// A page header's state word: the page being filled, or one that is full.
const STATE_ACTIVE: u32 = 0xFFFF_FFFE;
const STATE_FULL: u32 = 0xFFFF_FFFC;

// An entry's type byte for what this writer lays out itself (integers carry theirs in
// their encoding), and the chunk index of an entry that is not a blob's chunk.
const TYPE_STRING: u8 = 0x21;
const TYPE_BLOB: u8 = 0x41;
const TYPE_BLOB_DATA: u8 = 0x42;
const TYPE_BLOB_INDEX: u8 = 0x48;
const CHUNK_ANY: u8 = 0xFF;

/// Keys are C strings in 16 bytes.
const MAX_KEY: usize = 15;

/// Why an entry could not be placed.
enum PutError {
    Full,
    TooManyChunks,
}

/// Builds the partition image from `rows` for a partition of `size` bytes, as
/// `nvs_partition_gen.py generate` does (see [`super`] for what is refused).
pub fn generate(
    rows: &[Row],
    size: u32,
    version: Version,
    files: &mut ReadFile<'_>,
) -> Result<Vec<u8>, NvsError> {
    if size < PAGE_SIZE {
        return Err(NvsError::SizeTooSmall { size });
    }
    if !size.is_multiple_of(PAGE_SIZE) {
        return Err(NvsError::SizeNotPages { size });
    }
    let read_only = super::read_only(size);
    let usable = if read_only { size } else { size - PAGE_SIZE };
    let mut pages = Pages {
        version,
        left: usable - PAGE_SIZE,
        done: Vec::new(),
        current: Page::new(0, version),
    };
    let mut state = State {
        namespaces: HashSet::new(),
        count: 0,
        wifi: Wifi::default(),
    };
    for row in rows {
        let place = |field| Place {
            origin: row.origin.clone(),
            field,
        };
        let put_error = |key: &str, e| match e {
            PutError::Full => NvsError::Full {
                place: place(Field::Key),
                key: key.to_owned(),
                size,
            },
            PutError::TooManyChunks => NvsError::Row {
                place: place(Field::Value),
                problem: RowProblem::TooManyChunks,
            },
        };
        let writes = state
            .writes(row, version, size, files)
            .map_err(|(field, problem)| match problem {
                Problem::Row(problem) => NvsError::Row {
                    place: place(field),
                    problem,
                },
                Problem::File(error) => NvsError::File {
                    place: place(field),
                    path: row.value.clone(),
                    kind: error.kind(),
                    message: error.to_string(),
                },
            })?;
        for write in writes {
            pages
                .put(write.namespace, &write.key, &write.value)
                .map_err(|e| put_error(&write.key, e))?;
        }
    }
    let Pages {
        mut done,
        current,
        left,
        ..
    } = pages;
    done.push(current);
    if !read_only {
        // Erased pages up to the end, the reserved last page included.
        let erased = left / PAGE_SIZE + 1;
        done.extend((0..erased).map(|_| Page::empty()));
    }
    Ok(done.into_iter().flat_map(|p| p.buf).collect())
}

/// One entry a row writes.
struct Write {
    namespace: u8,
    key: String,
    value: Value,
}

/// What stops a row, and in which column.
enum Problem {
    Row(RowProblem),
    File(std::io::Error),
}

/// The generator's state between rows.
struct State {
    namespaces: HashSet<String>,
    /// Namespaces started so far: the newest one's index.
    count: u8,
    wifi: Wifi,
}

impl State {
    /// The entries (namespace index, key, value) a row writes, in order.
    fn writes(
        &mut self,
        row: &Row,
        version: Version,
        size: u32,
        files: &mut ReadFile<'_>,
    ) -> Result<Vec<Write>, (Field, Problem)> {
        let row_problem = |field, problem| (field, Problem::Row(problem));
        check_key(&row.key).map_err(|p| row_problem(Field::Key, p))?;
        let value = |encoding, raw| {
            encode(encoding, raw, version, size)
                .map_err(|e| row_problem(Field::Value, RowProblem::Value(e)))
        };
        if row.kind != RowKind::Namespace && self.count == 0 {
            return Err(row_problem(Field::Type, RowProblem::NoNamespace));
        }
        let mut writes = Vec::new();
        let ns = self.count;
        if let Some(pmk_info) = self.wifi.ap(&row.key, &row.value) {
            writes.push(Write {
                namespace: ns,
                key: "ap.pmk_info".to_owned(),
                value: Value::Blob(pmk_info),
            });
        }
        if matches!(row.key.as_str(), "sta.ssid" | "sta.pswd") {
            let RowKind::Data(encoding) = row.kind else {
                return Err(row_problem(
                    Field::Type,
                    RowProblem::WifiKeyNotData(row.key.clone()),
                ));
            };
            writes.push(Write {
                namespace: ns,
                key: row.key.clone(),
                value: value(encoding, Raw::Text(&row.value))?,
            });
            if !self.wifi.sta_written {
                self.wifi.sta_written = true;
                writes.push(Write {
                    namespace: ns,
                    key: "sta.apinfo".into(),
                    value: Value::Blob(vec![0xFF; 140]),
                });
                writes.push(Write {
                    namespace: ns,
                    key: "sta.pmk".into(),
                    value: Value::Blob(vec![0; 32]),
                });
                writes.push(Write {
                    namespace: ns,
                    key: "sta.apsw".into(),
                    value: Value::Blob(vec![0; 2]),
                });
            }
            return Ok(writes);
        }
        match row.kind {
            RowKind::Namespace => {
                if !self.namespaces.insert(row.key.clone()) {
                    return Err(row_problem(
                        Field::Key,
                        RowProblem::NamespaceAgain(row.key.clone()),
                    ));
                }
                self.count = self
                    .count
                    .checked_add(1)
                    .ok_or_else(|| row_problem(Field::Key, RowProblem::TooManyNamespaces))?;
                let index = super::Integer::U8.code();
                let entry = Value::Integer {
                    code: index,
                    bytes: vec![self.count],
                };
                writes.push(Write {
                    namespace: 0,
                    key: row.key.clone(),
                    value: entry,
                });
            }
            RowKind::Data(encoding) => {
                writes.push(Write {
                    namespace: ns,
                    key: row.key.clone(),
                    value: value(encoding, Raw::Text(&row.value))?,
                });
            }
            RowKind::File(encoding) => {
                let bytes = files(&row.value).map_err(|e| (Field::Value, Problem::File(e)))?;
                writes.push(Write {
                    namespace: ns,
                    key: row.key.clone(),
                    value: value(encoding, Raw::Bytes(&bytes))?,
                });
            }
        }
        Ok(writes)
    }
}

/// Refuses keys NVS or the generator cannot hold: empty, over 15 bytes, beyond ASCII.
pub(super) fn check_key(key: &str) -> Result<(), RowProblem> {
    if key.is_empty() {
        return Err(RowProblem::EmptyKey);
    }
    if !key.bytes().all(|b| (1..0x80).contains(&b)) {
        return Err(RowProblem::KeyNotAscii(key.to_owned()));
    }
    if key.len() > MAX_KEY {
        return Err(RowProblem::KeyTooLong {
            key: key.to_owned(),
            len: key.len(),
        });
    }
    Ok(())
}

/// The generator's Wi-Fi shortcuts: once `ap.ssid`, `ap.passwd` and `ap.authmode` (not
/// 0) are all set, every further `ap.*` row first writes `ap.pmk_info` (100 zero bytes
/// and the PBKDF2-SHA1 PMK); the first `sta.ssid`/`sta.pswd` row is followed by
/// `sta.apinfo`, `sta.pmk` and `sta.apsw`.
#[derive(Default)]
struct Wifi {
    ssid: String,
    passwd: String,
    authmode: String,
    sta_written: bool,
}

impl Wifi {
    /// Notes an `ap.*` row; the `ap.pmk_info` blob to write before it, if any.
    fn ap(&mut self, key: &str, value: &str) -> Option<Vec<u8>> {
        match key {
            "ap.ssid" => self.ssid = value.to_owned(),
            "ap.passwd" => self.passwd = value.to_owned(),
            "ap.authmode" if value != "0" => self.authmode = value.to_owned(),
            "ap.authmode" => {}
            _ => return None,
        }
        if self.ssid.is_empty() || self.passwd.is_empty() || self.authmode.is_empty() {
            return None;
        }
        let mut pmk = [0u8; 32];
        pbkdf2_hmac::<Sha1>(self.passwd.as_bytes(), self.ssid.as_bytes(), 4096, &mut pmk);
        let mut info = vec![0; 100];
        info.extend_from_slice(&pmk);
        Some(info)
    }
}

/// The pages written so far.
struct Pages {
    version: Version,
    /// Bytes of the partition not yet given a page (the reserved last page excluded).
    left: u32,
    /// The pages before the current one.
    done: Vec<Page>,
    current: Page,
}

impl Pages {
    /// Marks the current page full and starts the next one.
    fn next(&mut self) -> Result<(), PutError> {
        if self.left == 0 {
            return Err(PutError::Full);
        }
        self.left -= PAGE_SIZE;
        let sequence = self.done.len() as u32 + 1;
        let mut full = std::mem::replace(&mut self.current, Page::new(sequence, self.version));
        full.buf[0..4].copy_from_slice(&STATE_FULL.to_le_bytes());
        self.done.push(full);
        Ok(())
    }

    fn put(&mut self, namespace: u8, key: &str, value: &Value) -> Result<(), PutError> {
        let mut entry = [0xFF; ENTRY];
        entry[0] = namespace;
        entry[3] = CHUNK_ANY;
        entry[8..24].fill(0);
        entry[8..8 + key.len()].copy_from_slice(key.as_bytes());
        match value {
            Value::Integer { code, bytes } => {
                if self.current.entries >= ENTRIES_PER_PAGE {
                    self.next()?;
                }
                entry[1] = *code;
                entry[2] = 1;
                entry[24..24 + bytes.len()].copy_from_slice(bytes);
                seal(&mut entry);
                self.current.write(&entry, 1);
                Ok(())
            }
            Value::String(data) => self.put_varlen(entry, TYPE_STRING, data, false),
            Value::Blob(data) => {
                let spans = self.version == Version::V2;
                self.put_varlen(entry, TYPE_BLOB, data, spans)
            }
        }
    }

    /// A string or blob: on one page, or (version 2 blobs) in chunks across pages.
    fn put_varlen(
        &mut self,
        mut entry: [u8; ENTRY],
        kind: u8,
        data: &[u8],
        spans: bool,
    ) -> Result<(), PutError> {
        let data_entries = data.len().div_ceil(ENTRY);
        let used = self.current.entries;
        if used >= ENTRIES_PER_PAGE || (used + data_entries + 1 >= ENTRIES_PER_PAGE && !spans) {
            self.next()?;
        }
        if !spans {
            // The value's length limits keep `data_entries` below a page's entries.
            entry[1] = kind;
            entry[2] = (data_entries + 1) as u8;
            entry[24..26].copy_from_slice(&(data.len() as u16).to_le_bytes());
            entry[28..32].copy_from_slice(&crc(data).to_le_bytes());
            seal(&mut entry);
            let page = &mut self.current;
            page.write(&entry, 1);
            page.write(data, data_entries);
            return Ok(());
        }
        let (mut offset, mut chunks) = (0, 0usize);
        loop {
            let tailroom = (ENTRIES_PER_PAGE - self.current.entries - 1) * ENTRY;
            let chunk = tailroom.min(data.len() - offset);
            let bytes = &data[offset..offset + chunk];
            let chunk_entries = chunk.div_ceil(ENTRY);
            entry[1] = TYPE_BLOB_DATA;
            entry[2] = (chunk_entries + 1) as u8;
            entry[3] = u8::try_from(chunks).map_err(|_| PutError::TooManyChunks)?;
            entry[24..26].copy_from_slice(&(chunk as u16).to_le_bytes());
            entry[28..32].copy_from_slice(&crc(bytes).to_le_bytes());
            seal(&mut entry);
            let page = &mut self.current;
            page.write(&entry, 1);
            page.write(bytes, chunk_entries);
            chunks += 1;
            offset += chunk;
            let done = offset == data.len();
            if !done || tailroom - chunk < ENTRY {
                self.next()?;
            }
            if done {
                break;
            }
        }
        entry[1] = TYPE_BLOB_INDEX;
        entry[2] = 1;
        entry[3] = CHUNK_ANY;
        entry[24..28].copy_from_slice(&(data.len() as u32).to_le_bytes());
        entry[28] = u8::try_from(chunks).map_err(|_| PutError::TooManyChunks)?;
        entry[29] = 0;
        entry[30..32].fill(0xFF);
        seal(&mut entry);
        self.current.write(&entry, 1);
        Ok(())
    }
}

/// One 4096-byte page.
struct Page {
    buf: Vec<u8>,
    /// Entries written.
    entries: usize,
}

impl Page {
    /// An active page with its header: state, sequence number, version, CRC.
    fn new(sequence: u32, version: Version) -> Page {
        let mut page = Page::empty();
        page.buf[0..4].copy_from_slice(&STATE_ACTIVE.to_le_bytes());
        page.buf[4..8].copy_from_slice(&sequence.to_le_bytes());
        page.buf[8] = version.byte();
        let header_crc = crc(&page.buf[4..28]);
        page.buf[28..32].copy_from_slice(&header_crc.to_le_bytes());
        page
    }

    /// A page left erased (all 0xFF).
    fn empty() -> Page {
        Page {
            buf: vec![0xFF; PAGE],
            entries: 0,
        }
    }

    /// Writes `data` at the next entry and marks `count` entries written (2 bits each
    /// in the bitmap: 10).
    fn write(&mut self, data: &[u8], count: usize) {
        let at = FIRST_ENTRY + ENTRY * self.entries;
        self.buf[at..at + data.len()].copy_from_slice(data);
        for _ in 0..count {
            let bit = 2 * self.entries;
            self.buf[BITMAP + bit / 8] &= !(1 << (bit % 8));
            self.entries += 1;
        }
    }
}

/// Sets an entry's CRC: over its first 4 bytes and its last 24.
fn seal(entry: &mut [u8; ENTRY]) {
    let mut hasher = crc32fast::Hasher::new_with_initial(0xFFFF_FFFF);
    hasher.update(&entry[0..4]);
    hasher.update(&entry[8..32]);
    let value = hasher.finalize();
    entry[4..8].copy_from_slice(&value.to_le_bytes());
}

/// zlib's `crc32(data, 0xFFFFFFFF)`, as the generator computes every CRC.
fn crc(data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(0xFFFF_FFFF);
    hasher.update(data);
    hasher.finalize()
}
