//! The production log: one record per flash attempt, appended to a JSONL file and a CSV
//! file in a chosen folder. Each record is one write to a file opened for appending,
//! followed by fsync, so a crash or power cut loses at most the record being written and
//! never damages earlier ones.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// The JSON-lines log's file name in the log folder.
pub const JSONL_NAME: &str = "dfu-station-log.jsonl";
/// The CSV log's file name in the log folder.
pub const CSV_NAME: &str = "dfu-station-log.csv";

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Cancelled,
}

/// One flash attempt on one board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// When the attempt ended, RFC 3339 in UTC (`2026-11-24T03:51:26.123Z`).
    pub timestamp: String,
    pub station: String,
    pub usb_path: String,
    pub serial: String,
    pub chip: String,
    pub image_name: String,
    pub image_sha256: String,
    pub result: Verdict,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub duration_ms: u64,
    pub bytes: u64,
}

/// The current time as the log writes it.
pub fn utc_now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// The two log files of a folder, open for appending.
#[derive(Debug)]
pub struct ProductionLog {
    folder: PathBuf,
    jsonl: File,
    csv: File,
}

impl ProductionLog {
    /// Opens (creating as needed) the log files in `folder`. A last line left unfinished
    /// by a crash is closed off, so the next record starts on a line of its own.
    pub fn open(folder: &Path) -> io::Result<ProductionLog> {
        std::fs::create_dir_all(folder)?;
        let jsonl = open_for_append(&folder.join(JSONL_NAME))?;
        let mut csv = open_for_append(&folder.join(CSV_NAME))?;
        if csv.metadata()?.len() == 0 {
            let mut header = csv::Writer::from_writer(Vec::new());
            header.write_record(CSV_COLUMNS)?;
            append_synced(&mut csv, &header.into_inner().map_err(|e| e.into_error())?)?;
        }
        Ok(ProductionLog {
            folder: folder.to_owned(),
            jsonl,
            csv,
        })
    }

    /// The folder the log files are in.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Appends `record` to both files, each with one write and an fsync.
    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        append_synced(&mut self.jsonl, &line)?;
        let mut row = csv::Writer::from_writer(Vec::new());
        row.write_record(csv_row(record))?;
        append_synced(
            &mut self.csv,
            &row.into_inner().map_err(|e| e.into_error())?,
        )
    }
}

const CSV_COLUMNS: [&str; 12] = [
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
];

fn csv_row(r: &Record) -> [String; 12] {
    let verdict = match r.result {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Cancelled => "cancelled",
    };
    [
        r.timestamp.clone(),
        r.station.clone(),
        r.usb_path.clone(),
        r.serial.clone(),
        r.chip.clone(),
        r.image_name.clone(),
        r.image_sha256.clone(),
        verdict.to_owned(),
        r.error_code.clone().unwrap_or_default(),
        r.error_message.clone().unwrap_or_default(),
        r.duration_ms.to_string(),
        r.bytes.to_string(),
    ]
}

/// Opens `path` for appending and ends an unfinished last line with a newline.
fn open_for_append(path: &Path) -> io::Result<File> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)?;
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            append_synced(&mut file, b"\n")?;
        }
    }
    Ok(file)
}

fn append_synced(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_data()
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
            error_code: (result == Verdict::Fail).then(|| "dfu-device-error".into()),
            error_message: (result == Verdict::Fail).then(|| "errVERIFY, \"quoted\"".into()),
            duration_ms: 1234,
            bytes: 10240,
        }
    }

    #[test]
    fn records_land_in_both_files_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("A", Verdict::Pass)).unwrap();
        log.append(&record("B", Verdict::Fail)).unwrap();
        drop(log);
        let mut log = ProductionLog::open(dir.path()).unwrap();
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

    fn record_with(parsed: &Record, serial: &str) -> Record {
        Record {
            timestamp: parsed.timestamp.clone(),
            ..record(serial, parsed.result)
        }
    }

    #[test]
    fn a_torn_last_line_loses_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("A", Verdict::Pass)).unwrap();
        drop(log);
        // A power cut in the middle of the next record.
        let path = dir.path().join(JSONL_NAME);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"timestamp\":\"2026-").unwrap();
        drop(file);
        let mut log = ProductionLog::open(dir.path()).unwrap();
        log.append(&record("B", Verdict::Pass)).unwrap();
        let serials: Vec<String> = read_recent(dir.path(), 10)
            .unwrap()
            .into_iter()
            .map(|r| r.serial)
            .collect();
        assert_eq!(serials, ["A", "B"]);
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let now = utc_now();
        assert!(now.ends_with('Z') && now.len() == 24, "{now}");
    }
}
