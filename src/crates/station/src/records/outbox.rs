//! The line's outbox: the production log itself. Every record is appended to the local
//! files first (the log stays the gate); what the line's store has confirmed is a small
//! cursor beside them, `dfu-station-line.json` (the offset into the JSONL file, written
//! atomically with fsync once the store committed the records before it). A crash
//! anywhere leaves the cursor behind or at the truth, never ahead: what follows it is
//! sent again, and the store ignores a record it has (by its id).
//!
//! The cursor also holds the station's id on the line (random, made once per log
//! folder), under which it claims units and confirms them, and the store it belongs to:
//! a log folder given another store starts a new cursor at the log's end (the records
//! before belong to the other line).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::files::{Existing, write_atomically};
use crate::records::production_log::{JSONL_NAME, Record, new_record_id};

/// The cursor's file name in the log folder.
pub const CURSOR_NAME: &str = "dfu-station-line.json";

/// How far the line's store has the log of this folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    /// The store (its URL) the records went to.
    store: String,
    /// The station's id on the line.
    station_id: String,
    /// The JSONL file's offset up to which the store has every record.
    offset: u64,
    /// Lines of the JSONL file before `offset`.
    line: u64,
}

/// Why the outbox cannot be used: its file, and the OS error.
#[derive(Debug, thiserror::Error)]
#[error("The line's outbox {} cannot be used: {source}", path.display())]
pub struct OutboxError {
    /// The cursor or the log file.
    pub path: PathBuf,
    /// The OS error.
    pub source: io::Error,
}

/// A record of the log not yet in the store, with its line in the JSONL file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Its line in the JSONL file.
    pub line: u64,
    /// The record; its id made from its bytes when it has none (an older build wrote it).
    pub record: Record,
}

/// Records after the cursor, and where the cursor goes once the store has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The records, in the log's order.
    pub records: Vec<Waiting>,
    /// Lines read: the records and any line that does not parse (kept in the file,
    /// never sent).
    pub lines: u64,
    offset: u64,
}

/// The outbox of the production log in one folder, for one store.
#[derive(Debug)]
pub struct Outbox {
    folder: PathBuf,
    cursor: Cursor,
}

impl Outbox {
    /// The outbox of the log in `folder` (made if missing) for `store`: its cursor, or a
    /// new one at the log's end (a new station id for a folder that had none).
    pub fn open(folder: &Path, store: &str) -> Result<Outbox, OutboxError> {
        let path = folder.join(CURSOR_NAME);
        let error = |source| OutboxError {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(folder).map_err(error)?;
        let found: Option<Cursor> = match std::fs::read(&path) {
            Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| error(e.into()))?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(error(e)),
        };
        let mut outbox = Outbox {
            folder: folder.to_owned(),
            cursor: match found {
                Some(cursor) if cursor.store == store => cursor,
                other => {
                    let (offset, line) = log_end(&folder.join(JSONL_NAME)).map_err(error)?;
                    Cursor {
                        store: store.to_owned(),
                        station_id: other.map_or_else(new_record_id, |c| c.station_id),
                        offset,
                        line,
                    }
                }
            },
        };
        outbox.check_offset().map_err(error)?;
        outbox.save()?;
        Ok(outbox)
    }

    /// The station's id on the line.
    pub fn station_id(&self) -> &str {
        &self.cursor.station_id
    }

    /// The JSONL file's offset up to which the store has every record.
    pub fn offset(&self) -> u64 {
        self.cursor.offset
    }

    /// Up to `max` records after the cursor and before the JSONL offset `end` (every
    /// record before `end` is whole in both files).
    pub fn next(&self, end: u64, max: usize) -> Result<Pending, OutboxError> {
        let path = self.folder.join(JSONL_NAME);
        let error = |source| OutboxError {
            path: path.clone(),
            source,
        };
        let mut batch = Pending {
            records: Vec::new(),
            lines: 0,
            offset: self.cursor.offset,
        };
        if end <= self.cursor.offset {
            return Ok(batch);
        }
        let mut file = File::open(&path).map_err(error)?;
        file.seek(SeekFrom::Start(self.cursor.offset))
            .map_err(error)?;
        let mut reader = BufReader::new(file.take(end - self.cursor.offset));
        let mut line = Vec::new();
        while batch.records.len() < max {
            line.clear();
            let read = reader.read_until(b'\n', &mut line).map_err(error)?;
            if read == 0 || line.last() != Some(&b'\n') {
                break;
            }
            batch.offset += read as u64;
            batch.lines += 1;
            let number = self.cursor.line + batch.lines;
            match serde_json::from_slice::<Record>(&line) {
                Ok(mut record) => {
                    let id = || hex::encode(&Sha256::digest(&line)[..16]);
                    record.record_id.get_or_insert_with(id);
                    batch.records.push(Waiting {
                        line: number,
                        record,
                    });
                }
                Err(e) => log::warn!("{}:{number}: not sent: {e}", path.display()),
            }
        }
        Ok(batch)
    }

    /// Moves the cursor past `batch`: the store has committed its records.
    pub fn sent(&mut self, batch: &Pending) -> Result<(), OutboxError> {
        self.cursor.offset = batch.offset;
        self.cursor.line += batch.lines;
        self.save()
    }

    /// Whole lines of the JSONL file between `from` and `to`.
    pub fn lines_between(&self, from: u64, to: u64) -> Result<u64, OutboxError> {
        let path = self.folder.join(JSONL_NAME);
        let error = |source| OutboxError {
            path: path.clone(),
            source,
        };
        if to <= from {
            return Ok(0);
        }
        let mut file = File::open(&path).map_err(error)?;
        file.seek(SeekFrom::Start(from)).map_err(error)?;
        count_lines(file.take(to - from)).map_err(error)
    }

    /// A cursor past the log's end or inside a line (the log was replaced) starts over:
    /// everything is sent again, and the store keeps what it has.
    fn check_offset(&mut self) -> io::Result<()> {
        let path = self.folder.join(JSONL_NAME);
        let at_line_start = match self.cursor.offset {
            0 => true,
            offset => match File::open(&path) {
                Ok(mut file) if file.metadata()?.len() >= offset => {
                    let mut byte = [0u8];
                    file.seek(SeekFrom::Start(offset - 1))?;
                    file.read_exact(&mut byte)?;
                    byte[0] == b'\n'
                }
                Ok(_) => false,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            },
        };
        if !at_line_start {
            self.cursor.offset = 0;
            self.cursor.line = 0;
        }
        Ok(())
    }

    fn save(&self) -> Result<(), OutboxError> {
        let path = self.folder.join(CURSOR_NAME);
        let bytes = serde_json::to_vec_pretty(&self.cursor).expect("a cursor serialises");
        write_atomically(&path, &bytes, Existing::Replace)
            .map_err(|source| OutboxError { path, source })
    }
}

/// The JSONL file's length up to its last whole line, and its lines (0 when missing).
fn log_end(path: &Path) -> io::Result<(u64, u64)> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(e) => return Err(e),
    };
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let lines = bytes[..end].iter().filter(|&&b| b == b'\n').count();
    Ok((end as u64, lines as u64))
}

fn count_lines(read: impl Read) -> io::Result<u64> {
    let mut reader = BufReader::new(read);
    let mut count = 0;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(count);
        }
        count += buffer.iter().filter(|&&b| b == b'\n').count() as u64;
        let len = buffer.len();
        reader.consume(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::production_log::{ProductionLog, Verdict, utc_now};

    fn record(serial: &str) -> Record {
        Record {
            timestamp: utc_now(),
            station: "line 3".into(),
            usb_path: "1-1".into(),
            serial: serial.into(),
            chip: "ESP32-S2".into(),
            image_name: "dfu.bin".into(),
            image_sha256: "ab".repeat(32),
            result: Verdict::Pass,
            error_code: None,
            error_message: None,
            duration_ms: 1,
            bytes: 1,
            unit_id: None,
            record_id: Some(new_record_id()),
        }
    }

    fn serials(batch: &Pending) -> Vec<(u64, String)> {
        batch
            .records
            .iter()
            .map(|w| (w.line, w.record.serial.clone()))
            .collect()
    }

    #[test]
    fn records_are_sent_in_order_once_and_the_cursor_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        let mut end = 0;
        for serial in ["A", "B", "C"] {
            end = log.append(&record(serial)).unwrap();
        }
        let mut outbox = Outbox::open(dir.path(), "postgres://db/line").unwrap();
        // A new cursor starts at the log's end: those records belong to no line.
        assert_eq!(outbox.next(end, 10).unwrap().records, []);
        let id = outbox.station_id().to_owned();
        for serial in ["D", "E", "F"] {
            end = log.append(&record(serial)).unwrap();
        }
        assert_eq!(outbox.lines_between(outbox.offset(), end).unwrap(), 3);
        let first = outbox.next(end, 2).unwrap();
        assert_eq!(serials(&first), [(4, "D".into()), (5, "E".into())]);
        outbox.sent(&first).unwrap();
        drop(outbox);

        let mut outbox = Outbox::open(dir.path(), "postgres://db/line").unwrap();
        assert_eq!(outbox.station_id(), id, "the station keeps its id");
        let rest = outbox.next(end, 10).unwrap();
        assert_eq!(serials(&rest), [(6, "F".into())]);
        outbox.sent(&rest).unwrap();
        assert_eq!(outbox.next(end, 10).unwrap().lines, 0);

        // Another store: a new cursor at the end, the same station id.
        let other = Outbox::open(dir.path(), "postgres://db/other").unwrap();
        assert_eq!(other.station_id(), id);
        assert_eq!(other.offset(), end);
    }

    #[test]
    fn a_cursor_that_does_not_fit_the_log_starts_over_and_old_records_get_an_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut outbox = Outbox::open(dir.path(), "postgres://db/line").unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        let end = log.append(&record("A")).unwrap();
        let batch = outbox.next(end, 10).unwrap();
        outbox.sent(&batch).unwrap();
        drop(outbox);
        // The log replaced by a shorter one written by an older build (no record ids).
        let old = Record {
            record_id: None,
            ..record("B")
        };
        let mut line = serde_json::to_vec(&old).unwrap();
        line.push(b'\n');
        std::fs::write(dir.path().join(JSONL_NAME), &line[..line.len() / 2]).unwrap();
        let outbox = Outbox::open(dir.path(), "postgres://db/line").unwrap();
        assert_eq!(outbox.offset(), 0);
        std::fs::write(dir.path().join(JSONL_NAME), &line).unwrap();
        let batch = outbox.next(line.len() as u64, 10).unwrap();
        let id = batch.records[0].record.record_id.clone().unwrap();
        assert_eq!(id.len(), 32);
        assert_eq!(
            outbox.next(line.len() as u64, 10).unwrap(),
            batch,
            "the same id again"
        );
    }
}
