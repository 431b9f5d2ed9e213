//! The production line's row journal: which unit (row) of a values file went to which
//! board. A row is claimed (appended and fsynced) before its board starts, and never
//! given again: not to another board, not after a FAIL, not after a crash (a claim
//! without an outcome counts as spent). The journal sits next to the production log and
//! is bound to one values file by its SHA-256.
//!
//! One JSON object per line: a header `{"event":"journal","values":NAME,
//! "values_sha256":HEX,"rows":N}`, then `claimed` (id, row, board, time), `done` or
//! `spent` (id, time) records.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::files::sync_folder;
use crate::records::production_log::utc_now;
use firmware::nvs::mfg::Units;

/// The journal's file name in the log folder.
pub const JOURNAL_NAME: &str = "dfu-station-rows.jsonl";

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Line {
    Journal {
        values: String,
        values_sha256: String,
        rows: usize,
    },
    Claimed {
        id: String,
        row: usize,
        board: String,
        time: String,
    },
    Done {
        id: String,
        time: String,
    },
    Spent {
        id: String,
        time: String,
    },
}

/// A row given to a board: finish it with [`RowJournal::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The unit's id (the values file's first column).
    pub id: String,
    /// Its row in the values file (1-based, as a spreadsheet shows it).
    pub row: usize,
    /// The board's USB path it went to.
    pub board: String,
}

/// Why a row cannot be claimed or recorded.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The journal file or its folder cannot be read or written.
    #[error("The row journal {path} cannot be written: {source}")]
    Io {
        /// The journal.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The journal was started for another values file.
    #[error(
        "The row journal {path} belongs to another values file ({journal_file}, SHA-256 {journal_sha256}), not to this one (SHA-256 {values_sha256}): the rows claimed there would be given again. Use the values file it was started with, or another log folder."
    )]
    OtherValues {
        /// The journal.
        path: PathBuf,
        /// The values file's name in the journal.
        journal_file: String,
        /// The SHA-256 in the journal.
        journal_sha256: String,
        /// The SHA-256 of the values file given.
        values_sha256: String,
    },
    /// A line of the journal cannot be read (not the torn last one).
    #[error(
        "The row journal {path} is damaged at line {line}: {message}. Nothing was claimed; look at the file before going on."
    )]
    Damaged {
        /// The journal.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Every row has been given to a board.
    #[error(
        "No rows left: all {rows} rows of the values file have been given to boards. Load a values file with new rows (and another log folder)."
    )]
    NoRowsLeft {
        /// Rows in the values file.
        rows: usize,
    },
}

/// The journal of one values file, shared by the line's workers.
#[derive(Debug)]
pub struct RowJournal {
    path: PathBuf,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    file: File,
    /// The file's length up to its last whole line.
    len: u64,
    /// Every unit as (id, row), in file order.
    units: Vec<(String, usize)>,
    /// Ids claimed, by this run or an earlier one.
    claimed: HashSet<String>,
    /// Ids with an outcome (done or spent).
    finished: HashSet<String>,
    /// The first unit not yet checked for being claimed.
    next: usize,
}

impl RowJournal {
    /// Opens (or starts) the journal in `folder` for the values file `values` (its
    /// bytes, named `values_name`) and its `units`. An existing journal is replayed: rows
    /// claimed before are never given again; a torn last line (a crash mid-write, never
    /// acknowledged) is cut off. Refused when it was started for another values file.
    pub fn open(
        folder: &Path,
        values_name: &str,
        values: &[u8],
        units: &Units,
    ) -> Result<RowJournal, JournalError> {
        let path = folder.join(JOURNAL_NAME);
        let io_error = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        let values_sha256 = hex::encode(Sha256::digest(values));
        let units: Vec<(String, usize)> =
            units.units.iter().map(|u| (u.id.clone(), u.row)).collect();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io_error)?;
        let mut text = Vec::new();
        file.read_to_end(&mut text).map_err(io_error)?;
        // Whole lines only: a torn last line was never acknowledged.
        let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if whole < text.len() {
            file.set_len(whole as u64).map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
        }
        let mut inner = Inner {
            file,
            len: whole as u64,
            units,
            claimed: HashSet::new(),
            finished: HashSet::new(),
            next: 0,
        };
        let journal = &text[..whole];
        if journal.is_empty() {
            let header = Line::Journal {
                values: values_name.to_owned(),
                values_sha256,
                rows: inner.units.len(),
            };
            inner.append(&header).map_err(io_error)?;
            sync_folder(folder).map_err(io_error)?;
        } else {
            inner.replay(&path, journal, &values_sha256)?;
        }
        Ok(RowJournal {
            path,
            inner: Mutex::new(inner),
        })
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Claims the next row no board has had for `board`, appending and fsyncing the
    /// claim before returning it.
    pub fn claim(&self, board: &str) -> Result<Claim, JournalError> {
        let mut inner = self.lock();
        let rows = inner.units.len();
        while inner.next < rows && inner.claimed.contains(&inner.units[inner.next].0) {
            inner.next += 1;
        }
        let Some((id, row)) = inner.units.get(inner.next).cloned() else {
            return Err(JournalError::NoRowsLeft { rows });
        };
        let line = Line::Claimed {
            id: id.clone(),
            row,
            board: board.to_owned(),
            time: utc_now(),
        };
        inner.append(&line).map_err(|source| self.io(source))?;
        inner.claimed.insert(id.clone());
        Ok(Claim {
            id,
            row,
            board: board.to_owned(),
        })
    }

    /// Records a claimed row's outcome: `done` when its board passed, `spent` when not
    /// (the row is never given again either way).
    pub fn finish(&self, claim: Claim, passed: bool) -> Result<(), JournalError> {
        let mut inner = self.lock();
        let (id, time) = (claim.id.clone(), utc_now());
        let line = match passed {
            true => Line::Done { id, time },
            false => Line::Spent { id, time },
        };
        inner.append(&line).map_err(|source| self.io(source))?;
        inner.finished.insert(claim.id);
        Ok(())
    }

    /// Rows no board has had: the values file's rows minus the claimed ones.
    pub fn rows_left(&self) -> usize {
        let inner = self.lock();
        inner.units.len() - inner.claimed.len()
    }

    /// Rows claimed without an outcome: in flight now, or (after a restart) claimed
    /// before a crash, and so spent.
    pub fn unfinished(&self) -> Vec<String> {
        let inner = self.lock();
        inner
            .units
            .iter()
            .filter(|(id, _)| inner.claimed.contains(id) && !inner.finished.contains(id))
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A worker that panicked holding the lock left whole lines only.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn io(&self, source: io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

impl Inner {
    /// Appends one line and fsyncs it; a failed append is cut off again, so the file
    /// keeps whole lines only.
    fn append(&mut self, line: &Line) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        let written = self
            .file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_all());
        match written {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(error) => {
                let _ = self.file.set_len(self.len);
                Err(error)
            }
        }
    }

    /// Replays the whole lines of an existing journal.
    fn replay(
        &mut self,
        path: &Path,
        text: &[u8],
        values_sha256: &str,
    ) -> Result<(), JournalError> {
        let damaged = |line: usize, message: String| JournalError::Damaged {
            path: path.to_owned(),
            line,
            message,
        };
        for (index, raw) in text
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let line: Line =
                serde_json::from_slice(raw).map_err(|e| damaged(index + 1, e.to_string()))?;
            match (index, line) {
                (
                    0,
                    Line::Journal {
                        values,
                        values_sha256: sha,
                        ..
                    },
                ) => {
                    if sha != values_sha256 {
                        return Err(JournalError::OtherValues {
                            path: path.to_owned(),
                            journal_file: values,
                            journal_sha256: sha,
                            values_sha256: values_sha256.to_owned(),
                        });
                    }
                }
                (0, _) => {
                    return Err(damaged(
                        1,
                        "it does not start with the journal's header".into(), // not for people: part of an error's English message
                    ));
                }
                (_, Line::Journal { .. }) => {
                    return Err(damaged(index + 1, "a second header".into())); // not for people: part of an error's English message
                }
                (_, Line::Claimed { id, .. }) => {
                    if !self.units.iter().any(|(unit, _)| unit == &id) {
                        return Err(damaged(
                            index + 1,
                            format!("unit `{id}` is not in the values file"), // not for people: part of an error's English message
                        ));
                    }
                    self.claimed.insert(id);
                }
                (_, Line::Done { id, .. } | Line::Spent { id, .. }) => {
                    self.finished.insert(id);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const CONFIG: &[u8] = b"app,namespace,\nserial,data,string\n";

    fn values(n: usize) -> Vec<u8> {
        let mut text = String::from("serial\n");
        (1..=n).for_each(|i| text.push_str(&format!("SN{i:03}\n")));
        text.into_bytes()
    }

    fn open(folder: &Path, values: &[u8]) -> Result<RowJournal, JournalError> {
        let units = Units::parse(CONFIG, values, &mut |_| {
            Err(std::io::Error::other("no files"))
        })
        .unwrap();
        RowJournal::open(folder, "values.csv", values, &units)
    }

    #[test]
    fn eight_workers_never_get_the_same_row() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Arc::new(open(dir.path(), &values(50)).unwrap());
        let workers: Vec<_> = (0..8)
            .map(|w| {
                let journal = Arc::clone(&journal);
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        match journal.claim(&format!("1-{w}")) {
                            Ok(claim) => {
                                mine.push(claim.id.clone());
                                journal.finish(claim, w % 2 == 0).unwrap();
                            }
                            Err(JournalError::NoRowsLeft { rows: 50 }) => return mine,
                            Err(e) => panic!("{e}"),
                        }
                    }
                })
            })
            .collect();
        let mut given: Vec<String> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        given.sort();
        let expected: Vec<String> = (1..=50).map(|i| format!("SN{i:03}")).collect();
        assert_eq!(given, expected, "every row once");
        assert_eq!(journal.rows_left(), 0);
        // And after a restart, still none.
        drop(journal);
        let again = open(dir.path(), &values(50)).unwrap();
        assert!(matches!(
            again.claim("1-1"),
            Err(JournalError::NoRowsLeft { rows: 50 })
        ));
    }

    #[test]
    fn a_restart_never_gives_a_claimed_row_again() {
        let dir = tempfile::tempdir().unwrap();
        let journal = open(dir.path(), &values(5)).unwrap();
        let first = journal.claim("1-1").unwrap();
        assert_eq!((first.id.as_str(), first.row), ("SN001", 2));
        journal.finish(first, true).unwrap();
        let failed = journal.claim("1-2").unwrap();
        journal.finish(failed, false).unwrap();
        let in_flight = journal.claim("1-3").unwrap();
        assert_eq!(in_flight.id, "SN003");
        assert_eq!(journal.rows_left(), 2);
        drop(journal); // a crash: SN003 never finished

        let journal = open(dir.path(), &values(5)).unwrap();
        assert_eq!(journal.rows_left(), 2);
        assert_eq!(journal.unfinished(), ["SN003"]);
        assert_eq!(journal.claim("1-1").unwrap().id, "SN004");
    }

    #[test]
    fn a_torn_last_line_is_cut_off_and_the_rest_replays() {
        let dir = tempfile::tempdir().unwrap();
        let journal = open(dir.path(), &values(4)).unwrap();
        journal.claim("1-1").unwrap();
        drop(journal);
        let path = dir.path().join(JOURNAL_NAME);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"event":"claimed","id":"SN0"#).unwrap();
        drop(file);

        let journal = open(dir.path(), &values(4)).unwrap();
        assert_eq!(journal.rows_left(), 3);
        assert_eq!(journal.claim("1-2").unwrap().id, "SN002");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.ends_with('\n'));
        assert!(
            text.lines()
                .all(|l| serde_json::from_str::<Line>(l).is_ok()),
            "{text}"
        );
    }

    #[test]
    fn a_journal_for_another_values_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        open(dir.path(), &values(3)).unwrap().claim("1-1").unwrap();
        let err = open(dir.path(), &values(4)).unwrap_err();
        assert!(matches!(err, JournalError::OtherValues { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("belongs to another values file (values.csv"),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_line_is_reported_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        open(dir.path(), &values(3)).unwrap().claim("1-1").unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.insert_str(text.find('\n').unwrap() + 1, "garbage\n");
        std::fs::write(&path, text).unwrap();
        let err = open(dir.path(), &values(3)).unwrap_err();
        assert!(
            matches!(err, JournalError::Damaged { line: 2, .. }),
            "{err}"
        );
    }
}
