//! `dfu-station pack`: mkdfu's command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::EXIT_BAD_INPUT;
use firmware::esp::DEFAULT_PART_SIZE;
use firmware::{
    Chip, FirmwareImage, FlashFile, PackError, PackOptions, flasher_args_files, pack,
    parse_flash_size,
};
use station::files::{Existing, read_firmware, write_atomically};

#[derive(Debug, Args)]
pub struct PackArgs {
    /// Where to write the dfu.bin.
    #[arg(short, long)]
    output: PathBuf,
    /// The chip, as ESP-IDF names its targets: esp32s2, esp32s3, esp32p4.
    #[arg(long, value_parser = parse_chip, required_unless_present = "pid")]
    chip: Option<Chip>,
    /// Or the USB product ID, in hex: 0x0002 ESP32-S2, 0x0009 ESP32-S3, 0x0012 ESP32-P4.
    #[arg(long, value_parser = parse_pid, conflicts_with = "chip")]
    pid: Option<u16>,
    /// Flash size written to flash_params.dat.
    #[arg(long, default_value = "2MB", value_parser = |s: &str| parse_flash_size(s))]
    flash_size: u32,
    /// Split files larger than this many bytes into parts (mkdfu's default: 512 KiB).
    #[arg(long, default_value_t = DEFAULT_PART_SIZE)]
    part_size: u32,
    /// ESP-IDF's build/flasher_args.json: adds its "flash_files" (paths relative to it).
    #[arg(long, value_name = "FILE")]
    flasher_args: Option<PathBuf>,
    /// Print the written file's description as one JSON object (as `info --json`).
    #[arg(long)]
    json: bool,
    /// Replace OUTPUT if it exists (without it, an existing file is left alone).
    #[arg(long)]
    force: bool,
    /// ADDRESS FILE pairs, e.g. 0x1000 bootloader.bin 0x10000 app.bin.
    #[arg(value_name = "ADDRESS FILE")]
    files: Vec<String>,
}

/// `--chip`'s value parser: clap prints the error after the argument's name (a sentence
/// in the reader's language), so a String is what it takes.
fn parse_chip(text: &str) -> Result<Chip, String> {
    Chip::from_target(&text.to_ascii_lowercase()).ok_or_else(|| {
        let known: Vec<_> = Chip::ALL.iter().map(|c| c.target()).collect();
        i18n::t!("cli-unknown-chip", text = text, known = known.join(", "))
    })
}

/// `--pid`'s value parser (see [`parse_chip`]).
fn parse_pid(text: &str) -> Result<u16, String> {
    let digits = text.trim_start_matches("0x").trim_start_matches("0X"); // not for people: a hex prefix typed on the command line
    u16::from_str_radix(digits, 16).map_err(|_| i18n::t!("cli-not-a-product-id", text = text))
}

impl PackArgs {
    /// The product ID written into the suffix: the chip's, or the one given.
    fn pid(&self) -> u16 {
        self.chip
            .map_or_else(|| self.pid.unwrap_or_default(), Chip::pid)
    }
}

pub fn run(args: &PackArgs) -> ExitCode {
    if args.json {
        // JSON is read by scripts: its error is English, as `info --json`'s advice.
        i18n::with_lang(i18n::Lang::En, || report(args))
    } else {
        report(args)
    }
}

/// Packs the files and says how it went.
fn report(args: &PackArgs) -> ExitCode {
    match pack_files(args) {
        Ok(image) if args.json => {
            println!("{}", super::info::json_report(&Ok(image)));
            ExitCode::SUCCESS
        }
        Ok(image) => {
            let path = args.output.display().to_string();
            let regions = image.regions.len();
            let size = i18n::size(image.regions.iter().map(|r| u64::from(r.size)).sum());
            let bytes = image.payload_len + firmware::SUFFIX_LEN;
            let written = match Chip::from_pid(args.pid()) {
                Some(chip) => i18n::t!(
                    "cli-packed-for-chip",
                    path = path,
                    chip = chip.to_string(),
                    regions = regions,
                    size = size,
                    bytes = bytes
                ),
                None => i18n::t!(
                    "cli-packed-for-any-chip",
                    path = path,
                    regions = regions,
                    size = size,
                    bytes = bytes
                ),
            };
            println!("{written}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({ "written": false, "error": message })
                );
            }
            eprintln!("pack: {message}"); // not for people: the command's name before its message
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// "cannot read WHAT", after the command's name.
fn cannot_read(what: &str) -> String {
    i18n::t!("cli-cannot-read-after-command", what = what)
}

/// Packs the files the arguments name; the error is the line printed after the command's
/// name, in the reader's language (nothing inspects it).
fn pack_files(args: &PackArgs) -> Result<FirmwareImage, String> {
    if !args.files.len().is_multiple_of(2) {
        return Err(i18n::t!("cli-files-come-in-pairs"));
    }
    let mut pairs: Vec<(u32, PathBuf)> = args
        .files
        .chunks(2)
        .map(|pair| Ok((firmware::parse_address(&pair[0])?, PathBuf::from(&pair[1]))))
        .collect::<Result<_, PackError>>()
        .map_err(|e| e.to_string())?;
    if let Some(json_path) = &args.flasher_args {
        let text = std::fs::read_to_string(json_path)
            .map_err(|e| cannot_read(&format!("{}: {e}", json_path.display())))?;
        let folder = json_path.parent().unwrap_or(Path::new("."));
        let listed = flasher_args_files(&text).map_err(|e| e.to_string())?;
        pairs.extend(listed.into_iter().map(|(a, p)| (a, folder.join(p))));
    }
    let files = pairs
        .into_iter()
        .map(|(address, path)| {
            let data = read_firmware(&path).map_err(|e| cannot_read(&e.to_string()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| i18n::t!("cli-not-a-file", path = path.display().to_string()))?;
            Ok(FlashFile {
                address,
                name,
                data,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let options = PackOptions {
        pid: args.pid(),
        flash_size: args.flash_size,
        part_size: args.part_size,
    };
    let bytes = pack(&files, &options).map_err(|e| e.to_string())?;
    let existing = if args.force {
        Existing::Replace
    } else {
        Existing::Keep
    };
    write_atomically(&args.output, &bytes, existing)
        .map_err(|e| super::not_written(&args.output, &e))?;
    FirmwareImage::describe(&bytes).map_err(|e| e.to_string())
}
