//! Builders for crafted DFU files: valid ones and ones broken in exactly one way.
#![allow(dead_code)] // each test crate uses a different subset

use firmware::cpio::{TRAILER_NAME, write_entry};
use firmware::esp::{FLAG_IGNORE_MD5, FLAG_NOERASE, FLAG_PARAM, IndexRecord, flash_params};
use firmware::{DfuSuffix, ESPRESSIF_VID};
use md5::{Digest, Md5};

/// Path of a vendored ESP-IDF test vector.
pub fn vector(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/esp-idf")
        .join(path)
}

/// One archive entry with its index record.
pub struct Item {
    pub name: Vec<u8>,
    pub address: u32,
    pub flags: u32,
    pub data: Vec<u8>,
}

impl Item {
    pub fn file(name: &str, address: u32, data: &[u8]) -> Item {
        Item {
            name: name.into(),
            address,
            flags: 0,
            data: data.to_vec(),
        }
    }

    pub fn params(flash_size: u32) -> Item {
        Item {
            name: b"flash_params.dat".to_vec(),
            address: 0,
            flags: FLAG_PARAM | FLAG_NOERASE | FLAG_IGNORE_MD5,
            data: flash_params(flash_size),
        }
    }

    pub fn record(&self) -> IndexRecord {
        IndexRecord {
            address: self.address,
            flags: self.flags,
            name: self.name.clone(),
            md5: Md5::digest(&self.data).into(),
        }
    }
}

/// Index bytes for `records`.
pub fn index(records: &[IndexRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    records.iter().for_each(|r| r.write(&mut out));
    out
}

/// A CPIO archive of (name, data) entries plus the trailer.
pub fn archive(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        write_entry(
            &mut out,
            std::str::from_utf8(name).expect("utf-8 test name"),
            data,
        );
    }
    write_entry(&mut out, TRAILER_NAME, b"");
    out
}

/// An archive with a matching index first, then `items`.
pub fn esp_body(items: &[Item]) -> Vec<u8> {
    let records: Vec<IndexRecord> = items.iter().map(Item::record).collect();
    let index = index(&records);
    let mut entries: Vec<(&[u8], &[u8])> = vec![(b"dfuinfo0.dat", &index)];
    entries.extend(items.iter().map(|i| (i.name.as_slice(), i.data.as_slice())));
    archive(&entries)
}

/// `body` with a valid DFU suffix.
pub fn suffixed(mut body: Vec<u8>, vid: u16, pid: u16) -> Vec<u8> {
    DfuSuffix::append(&mut body, vid, pid);
    body
}

/// An ESP32-S2 dfu.bin of `items`.
pub fn esp_file(items: &[Item]) -> Vec<u8> {
    suffixed(esp_body(items), ESPRESSIF_VID, 0x0002)
}

/// Replaces the suffix of `file` with a fresh one (valid CRC) for the VID:PID it names.
pub fn resuffix(file: &[u8]) -> Vec<u8> {
    let n = file.len();
    let pid = u16::from_le_bytes([file[n - 14], file[n - 13]]);
    let vid = u16::from_le_bytes([file[n - 12], file[n - 11]]);
    suffixed(file[..n - 16].to_vec(), vid, pid)
}

/// Deterministic bytes that are not all alike: filler for sample images, not random
/// input (no property is claimed over it), the same bytes on every run.
pub fn sample(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// A three-region image of about 1.2 MiB: bootloader, partition table, and an app split
/// into 512 KiB parts, for `chip`.
pub fn realistic_image(chip: firmware::Chip) -> Vec<u8> {
    realistic_image_packed(&firmware::PackOptions {
        pid: chip.pid(),
        flash_size: 4 << 20,
        ..firmware::PackOptions::default()
    })
}

/// The same three regions as [`realistic_image`], packed with `options`.
pub fn realistic_image_packed(options: &firmware::PackOptions) -> Vec<u8> {
    let files = [
        firmware::FlashFile {
            address: 0x1000,
            name: "bootloader.bin".into(),
            data: sample(0x5A30, 1),
        },
        firmware::FlashFile {
            address: 0x8000,
            name: "partition-table.bin".into(),
            data: sample(0xC00, 2),
        },
        firmware::FlashFile {
            address: 0x10000,
            name: "app.bin".into(),
            data: sample(0x12_3456, 3),
        },
    ];
    firmware::pack(&files, options).unwrap()
}

#[cfg(feature = "gui")]
pub mod app;
#[cfg(all(feature = "umockdev", target_os = "linux"))]
pub mod harness;
#[cfg(target_os = "linux")]
pub mod line;
#[cfg(target_os = "linux")]
pub mod no_usb;
pub mod nvs_gen;
pub mod source;

/// A dfu.bin for ESP32-S2 with `data` at 0x10000, written in `dir`.
pub fn packed_image(dir: &std::path::Path, data: Vec<u8>) -> std::path::PathBuf {
    let file = firmware::FlashFile {
        address: 0x10000,
        name: "app.bin".into(),
        data,
    };
    let image = firmware::pack(&[file], &Default::default()).unwrap();
    let path = dir.join("app-dfu.bin");
    std::fs::write(&path, image).unwrap();
    path
}

/// Every line of the production log's JSONL file in `folder` parsed (a line that does
/// not parse fails the test), and the CSV's rows checked to match it.
pub fn parse_log(folder: &std::path::Path) -> Vec<station::records::production_log::Record> {
    use station::records::production_log::{CSV_NAME, JSONL_NAME, Record};
    let jsonl = std::fs::read_to_string(folder.join(JSONL_NAME)).unwrap_or_default();
    let records: Vec<Record> = jsonl
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect();
    let csv = std::fs::read_to_string(folder.join(CSV_NAME)).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|row| row.unwrap_or_else(|e| panic!("{e}: {csv}")))
        .collect();
    assert!(rows.iter().all(|row| row.len() == 13), "{csv}");
    let csv_paths: Vec<&str> = rows.iter().map(|row| &row[2]).collect();
    let jsonl_paths: Vec<&str> = records.iter().map(|r| r.usb_path.as_str()).collect();
    assert_eq!(csv_paths, jsonl_paths);
    records
}

/// The lines of a child's `output` (its stdout, say), as they come: read on a thread of
/// their own, so that waiting for one can have a deadline.
pub fn lines(output: impl std::io::Read + Send + 'static) -> crossbeam_channel::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(output)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Waits (30 s at most) for a line with `what`; returns the lines up to it. Fails when
/// the child closes its output without printing one.
pub fn wait_for_line(lines: &crossbeam_channel::Receiver<String>, what: &str) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(what);
                seen.push(line);
                if found {
                    return seen;
                }
            }
            Err(_) => panic!("no line with {what:?}; saw:\n{}", seen.join("\n")),
        }
    }
}

/// The lines left until the child closes its output (60 s at most): all of them, also
/// those still in the pipe when the child ended.
pub fn rest(lines: &crossbeam_channel::Receiver<String>) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return seen,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                panic!("the output did not end in 60 s; saw:\n{}", seen.join("\n"))
            }
        }
    }
}
