//! `dfu-station provision`: per-board NVS data. `nvs` writes one NVS partition image
//! (ESP-IDF's `nvs_partition_gen.py generate`, byte for byte); `check` validates a
//! Manufacturing Utility config and values file and lists every problem.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{EXIT_BAD_INPUT, say, warn};
use firmware::nvs::mfg::{self, Sheet};
use firmware::nvs::{self, Version};
use firmware::parse_address;
use station::files::{Existing, read_firmware, write_atomically};

/// `dfu-station provision`'s arguments.
#[derive(Debug, Args)]
pub struct ProvisionArgs {
    #[command(subcommand)]
    command: ProvisionCommand,
}

#[derive(Debug, Subcommand)]
enum ProvisionCommand {
    /// Write an NVS partition image from the NVS Partition Generator's CSV
    /// (key,type,encoding,value), the same bytes as ESP-IDF's `nvs_partition_gen.py
    /// generate CSV OUT SIZE`. `file` rows are read relative to the current folder.
    /// No encryption.
    Nvs {
        /// The CSV.
        csv: PathBuf,
        /// The partition's size in bytes, a multiple of 0x1000: 0x6000 or 24576.
        #[arg(value_parser = |s: &str| parse_address(s).map_err(|_| i18n::t!("cli-not-a-size", text = s)))]
        size: u32,
        /// Where to write the image.
        #[arg(short, long)]
        output: PathBuf,
        /// NVS format version: 2 (blobs span pages, the default) or 1.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
        format_version: u8,
        /// Replace OUTPUT if it exists (without it, an existing file is left alone).
        #[arg(long)]
        force: bool,
    },
    /// Check a Manufacturing Utility config CSV and values CSV (a header row of keys,
    /// one row per unit, its first column the unit id): print every problem as
    /// FILE:ROW: column KEY: message, then a count. Exit 0 when there is none.
    Check {
        /// The config CSV: `NAME,namespace,` and `key,data|file,encoding` rows.
        config: PathBuf,
        /// The values CSV.
        values: PathBuf,
    },
}

/// Runs `provision nvs` or `provision check`; returns the exit code.
pub fn run(args: &ProvisionArgs) -> ExitCode {
    match &args.command {
        ProvisionCommand::Nvs {
            csv,
            size,
            output,
            format_version,
            force,
        } => {
            let version = if *format_version == 1 {
                Version::V1
            } else {
                Version::V2
            };
            match write_nvs(csv, *size, output, version, *force) {
                Ok(()) => {
                    say(&i18n::t!(
                        "cli-nvs-written",
                        path = output.display().to_string(),
                        size = format!("{size:#x}"),
                        version = *format_version
                    ));
                    if nvs::read_only(*size) {
                        say(&i18n::t!("cli-nvs-read-only"));
                    }
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    warn(&format!("provision nvs: {message}")); // not for people: the command's name before its message
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            }
        }
        ProvisionCommand::Check { config, values } => check(config, values),
    }
}

/// Reads a file named in a CSV, relative to the current folder.
fn read_listed(path: &str) -> std::io::Result<Vec<u8>> {
    Ok(read_firmware(Path::new(path))?)
}

/// Writes the NVS image of `csv`; the error is the line printed after the command's
/// name, in the reader's language (nothing inspects it).
fn write_nvs(
    csv: &Path,
    size: u32,
    output: &Path,
    version: Version,
    force: bool,
) -> Result<(), String> {
    let text = read_firmware(csv).map_err(|error| error.to_string())?;
    let image = nvs::generate_csv(&text, size, version, &mut read_listed)
        .map_err(|e| format!("{}: {e}", csv.display()))?;
    let existing = if force {
        Existing::Replace
    } else {
        Existing::Keep
    };
    write_atomically(output, &image, existing).map_err(|e| super::not_written(output, &e))
}

fn check(config: &Path, values: &Path) -> ExitCode {
    let command = "provision check"; // not for people: the command's name before its messages
    match checked(config, values, command) {
        Ok(_) => ExitCode::SUCCESS,
        Err(exit) => exit,
    }
}

/// A config and values file that passed the checks: their bytes and units.
pub(super) struct Checked {
    /// The config file's bytes.
    pub config: Vec<u8>,
    /// The values file's bytes.
    pub values: Vec<u8>,
    /// The units.
    pub units: mfg::Units,
}

/// Reads and checks a config and values file: says "N units, no problems", or prints
/// every problem and a count and refuses (exit 2); `command` names the command in a
/// read error.
pub(super) fn checked(config: &Path, values: &Path, command: &str) -> Result<Checked, ExitCode> {
    let (config_text, values_text) = match (read_firmware(config), read_firmware(values)) {
        (Ok(c), Ok(v)) => (c, v),
        (Err(e), _) | (_, Err(e)) => {
            let why = i18n::t!("cli-cannot-read-after-command", what = e.to_string());
            warn(&format!("{command}: {why}")); // not for people: the command's name before its message
            return Err(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    let problems = match mfg::Units::parse(&config_text, &values_text, &mut read_listed) {
        Ok(units) => {
            say(&i18n::t!(
                "cli-values-have-no-problems",
                path = values.display().to_string(),
                units = units.units.len()
            ));
            return Ok(Checked {
                config: config_text,
                values: values_text,
                units,
            });
        }
        Err(problems) => problems,
    };
    for problem in &problems {
        let file = match problem.sheet {
            Sheet::Config => config,
            Sheet::Values => values,
        };
        let place = format!("{}:{}", file.display(), problem.row);
        let message = problem.message.as_str();
        say(&match problem.column.as_str() {
            "" => i18n::t!("cli-values-problem", place = place, message = message),
            column => i18n::t!(
                "cli-values-problem-in-column",
                place = place,
                column = column,
                message = message
            ),
        });
    }
    say(&i18n::t!(
        "cli-values-problems-count",
        count = problems.len()
    ));
    Err(ExitCode::from(EXIT_BAD_INPUT))
}
