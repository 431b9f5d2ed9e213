//! Per-board data on the line: a factory profile's `[provision]` section (a Manufacturing
//! Utility config and values file, and the NVS partition they go to), checked before any
//! board is flashed, and the [`Provisioning`] the station gives rows from. Each board gets
//! the next row no board has had (claimed in the [`RowJournal`], fsynced, before it
//! starts; or, with a `[line]` store, claimed in the line's database, committed, before
//! it starts); its NVS image is one more entry of its download, at the partition's
//! address, so the ROM writes it in the same session. A unit from the store is built
//! exactly as a row of the file: its values are read as a one-row values file with the
//! station's config.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use super::LoadedImage;
use super::files::read_firmware;
use crate::line_link::LineLink;
use crate::records::row_journal::{Claim, JournalError, RowJournal};
use failure::{Code, Failure};
use firmware::nvs::Version;
use firmware::nvs::mfg::{Sheet, Units};
use firmware::partition_table::{Partition, PartitionTable};
use firmware::{FirmwareImage, FlashFile, add_file};
use line::{LineUnit, Store};

/// The partition per-board data goes to unless the profile names another.
pub const DEFAULT_PARTITION: &str = "nvs";

/// A profile's `[provision]` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionSection {
    /// The Manufacturing Utility config CSV (the keys, their types and namespaces).
    pub config: PathBuf,
    /// The values CSV: a header of key names, one row per unit, its first column the id.
    /// None with a `[line]` store: the units come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<PathBuf>,
    /// The NVS data partition (by name, in the dfu.bin's partition table) the data goes to.
    #[serde(default = "default_partition")]
    pub partition: String,
}

fn default_partition() -> String {
    DEFAULT_PARTITION.to_owned()
}

/// A row journal that cannot be used: not writable, another values file's or damaged, or
/// out of rows; the journal's error as the cause.
impl From<JournalError> for Failure {
    fn from(error: JournalError) -> Failure {
        let code = match &error {
            JournalError::Io { .. } => Code::JournalNotWritable,
            JournalError::OtherValues { .. } | JournalError::Damaged { .. } => Code::JournalRefused,
            JournalError::NoRowsLeft { .. } => Code::NoRowsLeft,
        };
        Failure::from_error(code, error)
    }
}

/// A row given to a board, and the provisioning it came from (the outcome goes back
/// there, even when the settings changed meanwhile).
#[derive(Debug, Clone)]
pub struct GivenRow {
    /// Where the row came from.
    pub provisioning: Arc<Provisioning>,
    /// The row.
    pub claim: Claim,
    /// From the line's store: the unit and its values.
    line_values: Option<LineUnit>,
}

/// Per-board data, checked against one dfu.bin, with the rows it gives from: a values
/// file and its row journal, or the line's store. What the station's factory settings
/// hold ([`super::factory::Settings::provision`]).
#[derive(Debug)]
pub struct Provisioning {
    section: ProvisionSection,
    partition: Partition,
    /// The dfu.bin it was checked against: its name and SHA-256.
    base_name: String,
    base_sha256: [u8; 32],
    rows: Rows,
}

/// Where the rows come from.
#[derive(Debug)]
enum Rows {
    /// The values file's units, claimed in the row journal (on the station thread: an
    /// fsync).
    File {
        units: Units,
        journal: Box<RowJournal>,
    },
    /// Units of the line's store, claimed there (by each board's worker: the network),
    /// their images built with this config.
    Line {
        config: Vec<u8>,
        link: Arc<LineLink>,
    },
}

/// Where a provisioning's rows come from, for what the command line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowSource<'a> {
    /// A values file, with its row journal.
    File {
        /// The values file.
        values: &'a Path,
        /// The row journal.
        journal: &'a Path,
    },
    /// The line's store.
    Line {
        /// Its URL.
        store: &'a str,
    },
}

/// Two provisionings are the same when they are the same object (each holds an open journal).
impl PartialEq for Provisioning {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Provisioning {
    /// Checks `section` against `image` and opens the row journal in `journal_folder`
    /// (made if missing): the values (every problem listed, as `provision check` lists
    /// them), the partition table inside the dfu.bin (refused when there is none, when
    /// the partition is missing or not NVS data), every unit's NVS image at the
    /// partition's size, and the dfu.bin with one unit's image added. Nothing is
    /// flashed before this passed.
    pub fn open(
        section: &ProvisionSection,
        image: &LoadedImage,
        journal_folder: &Path,
    ) -> Result<Provisioning, Failure> {
        let Some(values_path) = &section.values else {
            return Err(invalid(
                "The profile's [provision] names no values file: give `values = \"values.csv\"`, or a [line] store to take the units from.".into(), // not for people: a failure's English message
            ));
        };
        let config = read_config(section)?;
        let values = read_firmware(values_path)
            .map_err(|e| invalid(format!("Cannot read the per-board values {e}.")))?; // not for people: a failure's English message
        let units = parse_units(
            section,
            &config,
            &values,
            &values_path.display().to_string(),
        )?;
        let partition = nvs_partition(section, image)?;
        // Every unit's image, at the partition's size: a row that does not fit is found now.
        let mut unfit = Vec::new();
        let mut first = None;
        for unit in &units.units {
            match build_nvs(&units, section, &partition, &unit.id) {
                Ok(nvs) => {
                    first.get_or_insert(nvs);
                }
                Err(error) => unfit.push(format!(
                    "\n  {}:{} (unit {}): {}", // not for people: a failure's English message
                    values_path.display(),
                    unit.row,
                    unit.id,
                    error.message()
                )),
            }
        }
        if !unfit.is_empty() {
            return Err(invalid(format!(
                "{} unit(s) do not fit partition \"{}\" ({:#x} bytes):{}", // not for people: a failure's English message
                unfit.len(),
                partition.name,
                partition.size,
                unfit.concat()
            )));
        }
        if let Some(nvs) = first {
            with_nvs(&partition, image, nvs)?;
        }
        std::fs::create_dir_all(journal_folder).map_err(|source| JournalError::Io {
            path: journal_folder.to_owned(),
            source,
        })?;
        let journal = RowJournal::open(
            journal_folder,
            &super::file_name(values_path),
            &values,
            &units,
        )?;
        Ok(Provisioning {
            section: section.clone(),
            partition,
            base_name: image.name(),
            base_sha256: image.image.sha256,
            rows: Rows::File {
                units,
                journal: Box::new(journal),
            },
        })
    }

    /// Checks `section` against `image` and the line's store: the config (units must
    /// have been imported with it), the partition, and the next free unit's image; then
    /// starts the station's link to the store (`station`, its outbox in `log_folder`),
    /// which the units are claimed through. Refused when `section` names a values file:
    /// the units come from the store.
    pub fn on_line(
        section: &ProvisionSection,
        image: &LoadedImage,
        mut store: Store,
        station: &str,
        log_folder: &Path,
    ) -> Result<(Provisioning, Arc<LineLink>), Failure> {
        if let Some(values) = &section.values {
            return Err(invalid(format!(
                "The profile's [provision] names the values file {}, but its units come from the line's database {}: import the file there once (`dfu-station line import`) and remove `values` from [provision].", // not for people: a failure's English message
                values.display(),
                store.config()
            )));
        }
        let config = read_config(section)?;
        let config_sha256 = line::sha256(&config);
        store.check_config(&super::file_name(&section.config), &config_sha256)?;
        let units = store.unit_count(&config_sha256)?;
        let first = store.peek(&config_sha256)?;
        let partition = nvs_partition(section, image)?;
        if let Some(unit) = &first {
            let sheet = line_sheet(section, &config, unit, store.config().url())?;
            with_nvs(
                &partition,
                image,
                build_nvs(&sheet, section, &partition, &unit.id)?,
            )?;
        }
        let link = LineLink::start(store, station, log_folder, Some(config_sha256), units)
            .map_err(|e| Failure::from_error(Code::LogNotWritable, e))?;
        let provisioning = Provisioning {
            section: section.clone(),
            partition,
            base_name: image.name(),
            base_sha256: image.image.sha256,
            rows: Rows::Line {
                config,
                link: link.clone(),
            },
        };
        Ok((provisioning, link))
    }

    /// The partition the data goes to.
    pub fn partition(&self) -> &Partition {
        &self.partition
    }

    /// The profile section it was opened from.
    pub fn section(&self) -> &ProvisionSection {
        &self.section
    }

    /// Where the rows come from.
    pub fn source(&self) -> RowSource<'_> {
        match &self.rows {
            Rows::File { journal, .. } => RowSource::File {
                values: self.section.values.as_deref().unwrap_or(Path::new("")),
                journal: journal.path(),
            },
            Rows::Line { link, .. } => RowSource::Line {
                store: link.store(),
            },
        }
    }

    /// Whether rows are claimed from the line's store (by each board's worker, since a
    /// claim waits on the network), rather than from the journal on the station thread.
    pub fn on_the_line(&self) -> bool {
        matches!(self.rows, Rows::Line { .. })
    }

    /// Rows in the values file (imported with this config, on the line).
    pub fn rows(&self) -> usize {
        match &self.rows {
            Rows::File { units, .. } => units.units.len(),
            Rows::Line { link, .. } => link.units().total as usize,
        }
    }

    /// Rows no board has had yet (on the line: as last counted).
    pub fn rows_left(&self) -> usize {
        match &self.rows {
            Rows::File { journal, .. } => journal.rows_left(),
            Rows::Line { link, .. } => link.units().left as usize,
        }
    }

    /// Gives the board at `board` (its USB path) the next row: claimed in the journal
    /// (fsynced) or in the line's store (committed) before it returns. The wait for the
    /// store stops when `cancel` is set.
    pub fn give(self: &Arc<Self>, board: &str, cancel: &AtomicBool) -> Result<GivenRow, Failure> {
        let given = |claim, line_values| GivenRow {
            provisioning: self.clone(),
            claim,
            line_values,
        };
        match &self.rows {
            Rows::File { journal, .. } => Ok(given(journal.claim(board)?, None)),
            Rows::Line { link, .. } => {
                let claimed = link.claim(board, cancel)?;
                let Some(unit) = claimed.unit else {
                    return Err(Failure::new(
                        Code::NoRowsLeft,
                        format!(
                            "No rows left: all {} units imported with this config into the line's database {} have been given to boards. Import new units (`dfu-station line import`).", // not for people: a failure's English message
                            claimed.count.total,
                            link.store()
                        ),
                    ));
                };
                let claim = Claim {
                    id: unit.id.clone(),
                    row: unit.row,
                    board: board.to_owned(),
                };
                Ok(given(claim, Some(unit)))
            }
        }
    }

    /// Records a given row's outcome; the row is never given again either way. On the
    /// line, the board's production record does it (sent from the log, the outbox).
    pub fn finish(&self, given: &GivenRow, passed: bool) -> Result<(), Failure> {
        match &self.rows {
            Rows::File { journal, .. } => Ok(journal.finish(given.claim.clone(), passed)?),
            Rows::Line { .. } => Ok(()),
        }
    }

    /// What the board given `given` is sent: `base` (the dfu.bin this was checked
    /// against) with the row's NVS image as one more entry at the partition's address.
    pub fn board_image(
        &self,
        base: &LoadedImage,
        given: &GivenRow,
    ) -> Result<Arc<LoadedImage>, Failure> {
        if base.image.sha256 != self.base_sha256 {
            return Err(Failure::new(
                Code::ProvisionPartition,
                format!(
                    "The per-board data was checked against {} (SHA-256 {}), not {} (SHA-256 {}): load the profile again.", // not for people: a failure's English message
                    self.base_name,
                    hex::encode(self.base_sha256),
                    base.name(),
                    hex::encode(base.image.sha256)
                ),
            ));
        }
        let id = &given.claim.id;
        let nvs = match (&self.rows, &given.line_values) {
            (Rows::File { units, .. }, _) => build_nvs(units, &self.section, &self.partition, id)?,
            (Rows::Line { config, link }, Some(unit)) => {
                let sheet = line_sheet(&self.section, config, unit, link.store())?;
                build_nvs(&sheet, &self.section, &self.partition, id)?
            }
            (Rows::Line { .. }, None) => {
                return Err(Failure::new(
                    Code::NvsImageFailed,
                    format!("Unit {id} came without its values."), // not for people: a failure's English message
                ));
            }
        };
        with_nvs(&self.partition, base, nvs).map(Arc::new)
    }
}

/// A problem with the per-board data: `provision-values-invalid`.
fn invalid(message: String) -> Failure {
    Failure::new(Code::ProvisionValuesInvalid, message)
}

/// The per-board config file's bytes.
fn read_config(section: &ProvisionSection) -> Result<Vec<u8>, Failure> {
    read_firmware(&section.config)
        .map_err(|e| invalid(format!("Cannot read the per-board config {e}."))) // not for people: a failure's English message
}

/// The units of `values` (named `values_name` in messages) with `config`: every problem
/// listed, as `provision check` lists them.
fn parse_units(
    section: &ProvisionSection,
    config: &[u8],
    values: &[u8],
    values_name: &str,
) -> Result<Units, Failure> {
    let files_folder = files_folder(section);
    Units::parse(config, values, &mut |p| read_listed(&files_folder, p)).map_err(|problems| {
        let mut message = match problems.len() {
            1 => "The per-board data has 1 problem:".to_owned(), // not for people: a failure's English message
            n => format!("The per-board data has {n} problems:"), // not for people: a failure's English message
        };
        for problem in &problems {
            let file = match problem.sheet {
                Sheet::Config => section.config.display().to_string(),
                Sheet::Values => values_name.to_owned(),
            };
            let column = match problem.column.as_str() {
                "" => String::new(),
                column => format!(" column {column}:"), // not for people: a failure's English message
            };
            message.push_str(&format!(
                "\n  {file}:{}:{column} {}",
                problem.row, problem.message
            ));
        }
        invalid(message)
    })
}

/// A unit of the line's store as a one-row values file read with `config`.
fn line_sheet(
    section: &ProvisionSection,
    config: &[u8],
    unit: &LineUnit,
    store: &str,
) -> Result<Units, Failure> {
    let name = format!("unit {} of {store}", unit.id); // not for people: where the values came from, in a failure's English message
    parse_units(section, config, &unit.values_csv(), &name)
}

/// The NVS data partition `section` names, in `image`'s partition table.
fn nvs_partition(section: &ProvisionSection, image: &LoadedImage) -> Result<Partition, Failure> {
    let partition_error = |e: &dyn fmt::Display| {
        Failure::new(Code::ProvisionPartition, format!("{}: {e}", image.name()))
    };
    let table =
        PartitionTable::in_dfu(&image.image, &image.file).map_err(|e| partition_error(&e))?;
    Ok(table
        .nvs(&section.partition)
        .map_err(|e| partition_error(&e))?
        .clone())
}

/// `base` with `nvs` added at the partition's address.
fn with_nvs(
    partition: &Partition,
    base: &LoadedImage,
    nvs: Vec<u8>,
) -> Result<LoadedImage, Failure> {
    let refused = |e: &dyn fmt::Display| {
        Failure::new(
            Code::ProvisionPartition,
            format!(
                "{}: the NVS image cannot be added at {:#x}: {e}", // not for people: a failure's English message
                base.name(),
                partition.offset
            ),
        )
    };
    let entry = FlashFile {
        address: partition.offset,
        name: format!("{}.bin", partition.name),
        data: nvs,
    };
    let file = add_file(&base.image, &base.file, entry).map_err(|e| refused(&e))?;
    let image = FirmwareImage::describe(&file).map_err(|e| refused(&e))?;
    Ok(LoadedImage {
        path: base.path.clone(),
        file,
        image,
    })
}

/// Unit `id`'s NVS image at `partition`'s size.
fn build_nvs(
    units: &Units,
    section: &ProvisionSection,
    partition: &Partition,
    id: &str,
) -> Result<Vec<u8>, Failure> {
    let failed = |message: String| Failure::new(Code::NvsImageFailed, message);
    let unit = (units.units.iter().find(|u| u.id == id))
        .ok_or_else(|| failed(format!("Unit {id} is not in the values file.")))?; // not for people: a failure's English message
    let folder = files_folder(section);
    let nvs = units
        .image(unit, partition.size, Version::V2, &mut |p| {
            read_listed(&folder, p)
        })
        .map_err(|e| failed(format!("The NVS image of unit {id} cannot be built: {e}")))?; // not for people: a failure's English message
    if nvs.len() != partition.size as usize {
        return Err(failed(format!(
            "The NVS image of unit {id} is {:#x} bytes, not the partition's {:#x}.", // not for people: a failure's English message
            nvs.len(),
            partition.size
        )));
    }
    Ok(nvs)
}

/// Where `file` keys' paths are read from: the config file's folder.
fn files_folder(section: &ProvisionSection) -> PathBuf {
    section
        .config
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default()
}

/// Reads a file named in the per-board data, relative to the values file's folder.
fn read_listed(folder: &Path, path: &str) -> std::io::Result<Vec<u8>> {
    Ok(read_firmware(&folder.join(path))?)
}
