//! `dfu-station info FILE [--json]`.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::EXIT_BAD_INPUT;
use failure::Code;
use firmware::{FirmwareError, FirmwareImage};
use i18n::t;
use i18n::{Lang, with_lang};
use station::advice::{Platform, advice};

/// The `--json` report: one object, valid or not.
#[derive(Debug, Serialize)]
struct Report {
    valid: bool,
    kind: Option<&'static str>,
    chip: Option<&'static str>,
    vid: Option<u16>,
    pid: Option<u16>,
    flash_size: Option<u32>,
    regions: Vec<RegionReport>,
    payload_bytes: Option<usize>,
    sha256: Option<String>,
    warnings: Vec<String>,
    error: Option<ErrorReport>,
}

#[derive(Debug, Serialize)]
struct RegionReport {
    address: u32,
    size: u32,
    name: String,
    parts: usize,
    md5: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ErrorReport {
    code: Code,
    message: String,
    advice: String,
}

impl Report {
    fn new(result: &Result<FirmwareImage, FirmwareError>) -> Report {
        match result {
            Ok(image) => Report {
                valid: true,
                kind: Some(image.kind.as_str()),
                chip: image.chip().map(|c| c.name()),
                vid: Some(image.suffix.id_vendor),
                pid: Some(image.suffix.id_product),
                flash_size: image.flash_size,
                regions: image
                    .regions
                    .iter()
                    .map(|r| RegionReport {
                        address: r.address,
                        size: r.size,
                        name: r.name.clone(),
                        parts: r.parts.len(),
                        md5: r.parts.iter().map(|p| hex::encode(p.md5)).collect(),
                    })
                    .collect(),
                payload_bytes: Some(image.payload_len),
                sha256: Some(hex::encode(image.sha256)),
                warnings: image.warnings.iter().map(ToString::to_string).collect(),
                error: None,
            },
            Err(error) => Report {
                valid: false,
                kind: None,
                chip: None,
                vid: None,
                pid: None,
                flash_size: None,
                regions: Vec::new(),
                payload_bytes: None,
                sha256: None,
                warnings: Vec::new(),
                error: Some(ErrorReport {
                    code: error.code(),
                    message: error.to_string(),
                    // JSON is read by scripts: its advice is English, as its codes are.
                    advice: with_lang(Lang::En, || advice(error.code(), None, Platform::current())),
                }),
            },
        }
    }
}

pub fn run(path: &Path, json: bool) -> ExitCode {
    let bytes = match station::files::read_firmware(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{}", t!("cli-cannot-read", what = e.to_string()));
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let result = FirmwareImage::describe(&bytes);
    if json {
        println!("{}", json_report(&result));
    } else {
        match &result {
            Ok(image) => print_description(path, image),
            Err(error) => eprintln!(
                "{}\n{}",
                t!(
                    "cli-file-invalid",
                    path = path.display().to_string(),
                    code = error.code().as_str()
                ),
                super::refusal(path, error)
            ),
        }
    }
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(EXIT_BAD_INPUT),
    }
}

/// The `--json` report of a file: one object, valid or not.
pub(super) fn json_report(result: &Result<FirmwareImage, FirmwareError>) -> String {
    serde_json::to_string_pretty(&Report::new(result)).expect("serializable")
}

fn print_description(path: &Path, image: &FirmwareImage) {
    let s = &image.suffix;
    let (path, kind) = (path.display().to_string(), image.kind.as_str());
    let id = format!("{:04x}:{:04x}", s.id_vendor, s.id_product);
    let valid = match image.chip() {
        Some(chip) => t!(
            "cli-file-valid-for-chip",
            path = path,
            kind = kind,
            chip = chip.name(),
            id = id
        ),
        None if image.kind == firmware::ImageKind::Esp => {
            t!(
                "cli-file-valid-for-any-esp-chip",
                path = path,
                kind = kind,
                id = id
            )
        }
        None => t!(
            "cli-file-valid-for-any-device",
            path = path,
            kind = kind,
            id = id
        ),
    };
    println!("{valid}");
    if let Some(size) = image.flash_size {
        let size = i18n::size(size.into());
        println!("{}", t!("cli-file-flash-size", size = size));
    }
    println!("{}", t!("cli-file-payload", bytes = image.payload_len));
    println!(
        "{}",
        t!("cli-file-sha256", sha256 = hex::encode(image.sha256))
    );
    if !image.regions.is_empty() {
        let address = t!("cli-column-address");
        let size = t!("cli-column-size");
        let parts = t!("cli-column-parts");
        println!(
            "\n  {address}{} {}{size}  {parts}{} {}",
            padding(&address, 12),
            padding(&size, 10),
            padding(&parts, 5),
            t!("cli-column-name")
        );
        for r in &image.regions {
            println!(
                "  0x{:08x}   {:>10}  {:<5} {}", // not for people: a table row's layout
                r.address,
                i18n::size(r.size.into()),
                r.parts.len(),
                r.name
            );
        }
    }
    if !image.warnings.is_empty() {
        println!("\n{}", t!("cli-file-warnings"));
        for w in &image.warnings {
            println!("  - {w}");
        }
    }
}

/// The spaces that pad `text` to `columns` terminal columns: a Chinese character takes two.
fn padding(text: &str, columns: usize) -> String {
    let used: usize = text.chars().map(|c| if wide(c) { 2 } else { 1 }).sum();
    " ".repeat(columns.saturating_sub(used))
}

/// Whether a terminal shows `c` two columns wide (CJK, Hangul, full-width forms).
fn wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}')
}
