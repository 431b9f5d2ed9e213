//! The production log: one record per flash attempt, appended to a JSONL file and a CSV
//! file in a chosen folder.
//!
//! Each append opens both files afresh, so a folder that was removed, replaced or
//! unmounted since the last record fails loudly instead of writing to a file nobody will
//! see. Both files are opened and repaired (a torn last line, left by a crash or a full
//! disk, is cut off) before a byte of the record is written; the record then goes to the
//! JSONL file, then to the CSV file, each with one write and an fsync. When the CSV write
//! fails, the JSONL line is cut off again, so the two files hold the same records. If
//! even that cut fails, the retry finds the record already at the end of the JSONL file
//! and writes it only to the CSV file: a record (its millisecond timestamp and USB path)
//! is never at the end of a file twice. A power cut can still leave a record in the
//! JSONL file only (between the two fsyncs); it never damages earlier records.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use failure::Code;

use crate::files::sync_folder;

/// The JSON-lines log's file name in the log folder.
pub const JSONL_NAME: &str = "dfu-station-log.jsonl";
/// The CSV log's file name in the log folder.
pub const CSV_NAME: &str = "dfu-station-log.csv";

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The board accepted the firmware.
    Pass,
    /// The flash failed.
    Fail,
    /// The flash was stopped by the user.
    Cancelled,
}

impl Verdict {
    /// As the log files write it: `pass`, `fail`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Cancelled => "cancelled",
        }
    }
}

/// One flash attempt on one board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// When the attempt ended, RFC 3339 in UTC (`2026-11-24T03:51:26.123Z`).
    pub timestamp: String,
    /// The station's name (from its profile or settings).
    pub station: String,
    /// The board's USB port path (`1-2`).
    pub usb_path: String,
    /// The board's USB serial number string.
    pub serial: String,
    /// The board's chip (`ESP32-S2`), or `vid:pid` for other devices.
    pub chip: String,
    /// The image's file name.
    pub image_name: String,
    /// The image file's SHA-256, lowercase hex.
    pub image_sha256: String,
    /// How the attempt ended.
    pub result: Verdict,
    /// The failure code, unless it passed.
    pub error_code: Option<Code>,
    /// What happened, unless it passed.
    pub error_message: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub duration_ms: u64,
    /// Payload bytes the board accepted.
    pub bytes: u64,
    /// The unit (row of the per-board values file) given to the board, also when it
    /// failed: that row is spent. `None` without per-board data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// The id the station gave the record ([`new_record_id`]): the line's store keeps
    /// each record once by it. `None` in records written before ids existed. In the JSONL
    /// file only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
}

/// A new record id: 128 random bits, lowercase hex.
pub fn new_record_id() -> String {
    let mut bytes = [0u8; 16];
    // The system's random source; should it fail, the time and process stand in (an id
    // must be unique, not secret).
    if getrandom::fill(&mut bytes).is_err() {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        bytes[..12].copy_from_slice(&now.as_nanos().to_le_bytes()[..12]);
        bytes[12..].copy_from_slice(&std::process::id().to_le_bytes());
    }
    hex::encode(bytes)
}

/// The current time as the log writes it.
pub fn utc_now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// Why the production log cannot be written: the file or folder, and the OS error.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct LogError {
    /// The file or folder that could not be written.
    pub path: PathBuf,
    /// The OS error.
    pub source: io::Error,
}

/// Why no flash may start: the production log cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPause {
    /// The file or folder and the OS error ([`LogError`]'s text).
    pub error: String,
    /// Records not written yet, oldest first: written in order once the log works.
    pub held: Vec<Record>,
}

impl LogPause {
    /// The sentence the window's banner and the command line show.
    pub fn banner(&self) -> String {
        i18n::t!(
            "station-log-paused",
            error = self.error.to_string(),
            held = self.held.len()
        )
    }
}

/// The production log in a folder.
#[derive(Debug, Clone)]
pub struct ProductionLog {
    folder: PathBuf,
}

impl ProductionLog {
    /// Creates the folder as needed and checks that both files open for appending (see
    /// [`ProductionLog::check`]).
    pub fn open(folder: &Path) -> Result<ProductionLog, LogError> {
        std::fs::create_dir_all(folder).map_err(|source| LogError {
            path: folder.to_owned(),
            source,
        })?;
        let log = ProductionLog {
            folder: folder.to_owned(),
        };
        log.check()?;
        Ok(log)
    }

    /// Opens both files for appending, creating them (the CSV one with its header) and
    /// repairing a torn last line: what every append does first. The folder is not
    /// created again: one that went away fails here. Returns the JSONL file's length
    /// (whole records only).
    pub fn check(&self) -> Result<u64, LogError> {
        self.files().map(|[jsonl, _]| jsonl.len)
    }

    /// Appends `record` to both files or, as far as a filesystem allows, to neither (see
    /// the module's comment). Returns the JSONL file's length after it: every record
    /// before that offset is in both files.
    pub fn append(&self, record: &Record) -> Result<u64, LogError> {
        let mut line = serde_json::to_vec(record).expect("a record serialises");
        line.push(b'\n');
        let [mut jsonl, mut csv] = self.files()?;
        // A CSV file started before `unit_id` existed keeps its columns (the JSONL has it).
        let old = csv_line(
            &CSV_COLUMNS[..CSV_COLUMNS.len() - 1]
                .iter()
                .map(|c| (*c).to_owned())
                .collect::<Vec<_>>(),
        );
        let cells = csv_row(record);
        let row = match csv.starts_with(&old).map_err(|e| csv.error(e))? {
            true => csv_line(&cells[..cells.len() - 1]),
            false => csv_line(&cells),
        };
        let undo = jsonl.append_once(&line)?;
        csv.append_once(&row).inspect_err(|_| {
            if let Some(len) = undo {
                jsonl.cut(len);
            }
        })?;
        Ok(jsonl.len)
    }

    fn files(&self) -> Result<[LogFile; 2], LogError> {
        let header = csv_line(&CSV_COLUMNS.map(str::to_owned));
        Ok([
            LogFile::open(&self.folder.join(JSONL_NAME), b"")?,
            LogFile::open(&self.folder.join(CSV_NAME), &header)?,
        ])
    }
}

/// One log file, open for appending, ending with a whole line.
struct LogFile {
    path: PathBuf,
    file: File,
    len: u64,
}

impl LogFile {
    /// Opens `path` (creating it with `header`, then syncing its folder so the new entry
    /// survives a power cut) and cuts off a torn last line.
    fn open(path: &Path, header: &[u8]) -> Result<LogFile, LogError> {
        let error = |source| LogError {
            path: path.to_owned(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).append(true);
        let (file, created) = match options.open(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                (options.create_new(true).open(path).map_err(error)?, true)
            }
            file => (file.map_err(error)?, false),
        };
        if created {
            sync_folder(path.parent().unwrap_or(Path::new("."))).map_err(error)?;
        }
        let len = file.metadata().map_err(error)?.len();
        let mut log = LogFile {
            path: path.to_owned(),
            file,
            len,
        };
        log.repair().map_err(error)?;
        if log.len == 0 && !header.is_empty() {
            log.append_once(header)?;
        }
        Ok(log)
    }

    /// Cuts the file back to just after its last newline, if it does not end with one.
    fn repair(&mut self) -> io::Result<()> {
        let mut keep = 0;
        let mut end = self.len;
        let mut block = [0u8; 4096];
        while end > 0 {
            let start = end.saturating_sub(block.len() as u64);
            let chunk = &mut block[..(end - start) as usize];
            self.file.seek(SeekFrom::Start(start))?;
            self.file.read_exact(chunk)?;
            if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
                keep = start + i as u64 + 1;
                break;
            }
            end = start;
        }
        if keep != self.len {
            self.file.set_len(keep)?;
            self.file.sync_data()?;
            self.len = keep;
        }
        Ok(())
    }

    /// Appends `bytes` (whole lines) with an fsync, unless the file already ends with
    /// them; returns the length to cut back to, to undo the append.
    fn append_once(&mut self, bytes: &[u8]) -> Result<Option<u64>, LogError> {
        if self.ends_with(bytes).map_err(|e| self.error(e))? {
            return Ok(None);
        }
        let before = self.len;
        let written = self
            .file
            .write_all(bytes)
            .and_then(|()| self.file.sync_data());
        if let Err(source) = written {
            self.cut(before);
            return Err(self.error(source));
        }
        self.len += bytes.len() as u64;
        Ok(Some(before))
    }

    fn error(&self, source: io::Error) -> LogError {
        LogError {
            path: self.path.clone(),
            source,
        }
    }

    /// Whether the file starts with `bytes`.
    fn starts_with(&mut self, bytes: &[u8]) -> io::Result<bool> {
        if self.len < bytes.len() as u64 {
            return Ok(false);
        }
        let mut head = vec![0; bytes.len()];
        self.file.seek(SeekFrom::Start(0))?;
        self.file.read_exact(&mut head)?;
        Ok(head == bytes)
    }

    /// Whether the file's last line(s) are `bytes`.
    fn ends_with(&mut self, bytes: &[u8]) -> io::Result<bool> {
        let n = bytes.len() as u64;
        if self.len < n {
            return Ok(false);
        }
        let start = (self.len - n).saturating_sub(1);
        let mut tail = vec![0; (self.len - start) as usize];
        self.file.seek(SeekFrom::Start(start))?;
        self.file.read_exact(&mut tail)?;
        let whole_line = self.len == n || tail[0] == b'\n';
        Ok(whole_line && tail.ends_with(bytes))
    }

    /// Cuts the file back to `len` (best effort: a failed append's partial bytes).
    fn cut(&mut self, len: u64) {
        if self
            .file
            .set_len(len)
            .and_then(|()| self.file.sync_data())
            .is_ok()
        {
            self.len = len;
        }
    }
}

const CSV_COLUMNS: [&str; 13] = [
    "timestamp",
    "station",
    "usb_path",
    "serial",
    "chip",
    "image_name",
    "image_sha256",
    "result",
    "error_code",
    "error_message",
    "duration_ms",
    "bytes",
    "unit_id",
];

fn csv_row(r: &Record) -> [String; 13] {
    [
        r.timestamp.clone(),
        r.station.clone(),
        r.usb_path.clone(),
        r.serial.clone(),
        r.chip.clone(),
        r.image_name.clone(),
        r.image_sha256.clone(),
        r.result.as_str().to_owned(),
        r.error_code.map_or("", Code::as_str).to_owned(),
        r.error_message.clone().unwrap_or_default(),
        r.duration_ms.to_string(),
        r.bytes.to_string(),
        r.unit_id.clone().unwrap_or_default(),
    ]
}

/// One CSV line: every cell made safe for spreadsheets ([`csv_cell`]).
fn csv_line(cells: &[String]) -> Vec<u8> {
    let mut row = csv::Writer::from_writer(Vec::new());
    row.write_record(cells.iter().map(|cell| csv_cell(cell)))
        .expect("writing to memory");
    row.into_inner().expect("writing to memory")
}

/// A cell as the CSV file holds it. One that starts with `=`, `+`, `-`, `@`, tab or CR
/// gets a leading `'`, so a spreadsheet shows it as text and never runs it as a formula
/// (OWASP's advice against CSV injection); line breaks inside become spaces, so each
/// record is one line (what the torn-line repair relies on).
pub fn csv_cell(cell: &str) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = if formula { "'" } else { "" };
    format!("{quote}{}", cell.replace(['\r', '\n'], " "))
}

/// The last `count` records of the JSONL log in `folder`, oldest first. Lines that do
/// not parse (a record cut short by a power cut) are skipped.
pub fn read_recent(folder: &Path, count: usize) -> io::Result<Vec<Record>> {
    let file = match File::open(folder.join(JSONL_NAME)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        file => file?,
    };
    let mut recent = std::collections::VecDeque::with_capacity(count);
    for line in BufReader::new(file).lines() {
        let Ok(record) = serde_json::from_str::<Record>(&line?) else {
            continue;
        };
        if recent.len() == count {
            recent.pop_front();
        }
        recent.push_back(record);
    }
    Ok(recent.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_banner_counts_the_held_records_in_each_language() {
        let pause = |held: usize| LogPause {
            error: "/mnt/log: Read-only file system".into(),
            held: (0..held)
                .map(|i| record(&format!("SN{i}"), Verdict::Pass))
                .collect(),
        };
        assert_eq!(
            pause(0).banner(),
            "Production log not writable: /mnt/log: Read-only file system. Flashing is paused."
        );
        assert!(
            pause(1)
                .banner()
                .ends_with("paused. 1 record is held until it can be written.")
        );
        assert!(
            pause(4)
                .banner()
                .ends_with(" 4 records are held until they can be written.")
        );
        let chinese = i18n::with_lang(i18n::Lang::ZhCn, || pause(2).banner());
        assert!(
            chinese.starts_with("生产记录无法写入：/mnt/log"),
            "{chinese}"
        );
        assert!(
            chinese.ends_with("2 条记录暂存，等可以写入时再写。"),
            "{chinese}"
        );
    }

    fn record(serial: &str, result: Verdict) -> Record {
        Record {
            timestamp: utc_now(),
            station: "line 3".into(),
            usb_path: "1-1.2".into(),
            serial: serial.into(),
            chip: "ESP32-S2".into(),
            image_name: "dfu.bin".into(),
            image_sha256: "ab".repeat(32),
            result,
            error_code: (result == Verdict::Fail).then_some(Code::DfuDeviceError),
            error_message: (result == Verdict::Fail).then(|| "errVERIFY, \"quoted\"".into()),
            duration_ms: 1234,
            bytes: 10240,
            unit_id: None,
            record_id: Some(new_record_id()),
        }
    }

    #[test]
    fn records_land_in_both_files_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("A", Verdict::Pass)).unwrap();
        log.append(&record("B", Verdict::Fail)).unwrap();
        drop(log);
        let log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("C", Verdict::Cancelled)).unwrap();

        let recent = read_recent(dir.path(), 2).unwrap();
        assert_eq!(
            recent,
            vec![record_with(&recent[0], "B"), record_with(&recent[1], "C")]
        );
        let csv = std::fs::read_to_string(dir.path().join(CSV_NAME)).unwrap();
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let serials: Vec<String> = rows.records().map(|r| r.unwrap()[3].to_owned()).collect();
        assert_eq!(serials, ["A", "B", "C"], "one header, three rows");
        assert!(csv.contains("\"errVERIFY, \"\"quoted\"\"\""));
    }

    #[test]
    fn the_unit_id_is_the_last_column_and_old_files_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        let unit = Record {
            unit_id: Some("SN-0001".into()),
            ..record("A", Verdict::Fail)
        };
        log.append(&unit).unwrap();
        log.append(&record("B", Verdict::Pass)).unwrap();
        let csv = std::fs::read_to_string(dir.path().join(CSV_NAME)).unwrap();
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
        assert!(csv.starts_with("timestamp,station,"), "{csv}");
        assert!(
            csv.lines().next().unwrap().ends_with(",bytes,unit_id"),
            "{csv}"
        );
        assert_eq!((&rows[0][12], &rows[1][12]), ("SN-0001", ""));
        let jsonl = std::fs::read_to_string(dir.path().join(JSONL_NAME)).unwrap();
        assert!(
            jsonl
                .lines()
                .next()
                .unwrap()
                .contains(r#""unit_id":"SN-0001","record_id":""#)
        );
        assert!(
            !jsonl.lines().nth(1).unwrap().contains("unit_id"),
            "{jsonl}"
        );
        assert_eq!(read_recent(dir.path(), 2).unwrap()[0].unit_id, unit.unit_id);

        // A CSV started before the column existed keeps twelve columns per row.
        let old = tempfile::tempdir().unwrap();
        let header = &CSV_COLUMNS[..12].join(",");
        std::fs::write(old.path().join(CSV_NAME), format!("{header}\n")).unwrap();
        ProductionLog::open(old.path())
            .unwrap()
            .append(&unit)
            .unwrap();
        let csv = std::fs::read_to_string(old.path().join(CSV_NAME)).unwrap();
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows[0].len(), 12, "{csv}");
    }

    fn record_with(parsed: &Record, serial: &str) -> Record {
        Record {
            timestamp: parsed.timestamp.clone(),
            record_id: parsed.record_id.clone(),
            ..record(serial, parsed.result)
        }
    }

    fn serials(folder: &Path) -> (Vec<String>, Vec<String>) {
        let jsonl = std::fs::read_to_string(folder.join(JSONL_NAME)).unwrap();
        let jsonl = jsonl
            .lines()
            .map(|line| serde_json::from_str::<Record>(line).unwrap().serial)
            .collect();
        let csv = std::fs::read_to_string(folder.join(CSV_NAME)).unwrap();
        let csv = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(|row| row.unwrap()[3].to_owned())
            .collect();
        (jsonl, csv)
    }

    #[test]
    fn a_torn_last_line_is_cut_off_before_the_next_append() {
        let dir = tempfile::tempdir().unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("A", Verdict::Pass)).unwrap();
        // A power cut in the middle of the next record, after the log was opened: the
        // CSV row stops inside a quoted cell, which would swallow the next row.
        for (name, torn) in [
            (JSONL_NAME, &b"{\"timestamp\":\"2026-"[..]),
            (CSV_NAME, b"2026-11-24,line 3,1-1,\"X,\"err"),
        ] {
            append_raw(&dir.path().join(name), torn);
        }
        log.append(&record("B", Verdict::Pass)).unwrap();
        assert_serials(dir.path(), &["A", "B"]);
    }

    /// Appends `bytes` to the file at `path` behind the log's back.
    fn append_raw(path: &Path, bytes: &[u8]) {
        let mut file = OpenOptions::new().append(true).open(path).unwrap();
        file.write_all(bytes).unwrap();
    }

    /// Both files hold records with these serials, in this order.
    fn assert_serials(folder: &Path, expected: &[&str]) {
        let (jsonl, csv) = serials(folder);
        assert_eq!(jsonl, expected, "the JSONL file");
        assert_eq!(csv, expected, "the CSV file");
    }

    #[test]
    fn a_record_already_at_the_end_of_one_file_is_not_written_twice() {
        let dir = tempfile::tempdir().unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("A", Verdict::Pass)).unwrap();
        // The JSONL write of B went through, its CSV write failed and so did the undo.
        let b = record("B", Verdict::Fail);
        let mut line = serde_json::to_vec(&b).unwrap();
        line.push(b'\n');
        append_raw(&dir.path().join(JSONL_NAME), &line);
        log.append(&b).unwrap();
        assert_serials(dir.path(), &["A", "B"]);
    }

    #[test]
    fn a_folder_removed_or_replaced_by_a_file_fails_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("logs");
        let log = ProductionLog::open(&folder).unwrap();
        log.append(&record("A", Verdict::Pass)).unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        let error = log.append(&record("B", Verdict::Pass)).unwrap_err();
        assert_eq!(error.source.kind(), io::ErrorKind::NotFound, "{error}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("{}", folder.display()))
        );
        assert!(!folder.exists(), "a removed folder is not made again");
        std::fs::write(&folder, "not a folder").unwrap();
        let error = log.check().unwrap_err();
        assert!(error.to_string().contains("Not a directory"), "{error}");
        std::fs::remove_file(&folder).unwrap();
        std::fs::create_dir(&folder).unwrap();
        log.append(&record("B", Verdict::Pass)).unwrap();
        assert_serials(&folder, &["B"]);
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_quoted() {
        for (cell, safe) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "' x"),
            ("a\nb", "a b"),
            ("1-1.2", "1-1.2"),
        ] {
            assert_eq!(csv_cell(cell), safe, "{cell:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let log = ProductionLog::open(dir.path()).unwrap();
        let mut evil = record("=cmd|' /C calc'!A0", Verdict::Fail);
        evil.error_message = Some("@SUM(1+1)\nsecond line".into());
        log.append(&evil).unwrap();
        let csv = std::fs::read_to_string(dir.path().join(CSV_NAME)).unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        let row = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(&row[3], "'=cmd|' /C calc'!A0");
        assert_eq!(&row[9], "'@SUM(1+1) second line");
        let (jsonl, _) = serials(dir.path());
        assert_eq!(
            jsonl,
            ["=cmd|' /C calc'!A0"],
            "the JSONL keeps the exact text"
        );
    }

    #[test]
    fn record_ids_are_new_each_time() {
        let (a, b) = (new_record_id(), new_record_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let now = utc_now();
        assert!(now.ends_with('Z') && now.len() == 24, "{now}");
    }
}
