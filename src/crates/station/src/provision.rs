//! Per-board data on the line: a factory profile's `[provision]` section (a Manufacturing
//! Utility config and values file, and the NVS partition they go to), checked before any
//! board is flashed, and the [`Provisioning`] the station gives rows from. Each board gets
//! the next row no board has had (claimed in the [`RowJournal`], fsynced, before it
//! starts); its NVS image is one more entry of its download, at the partition's address,
//! so the ROM writes it in the same session.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::LoadedImage;
use super::files::read_firmware;
use crate::records::row_journal::{Claim, JournalError, RowJournal};
use failure::{Code, Failure};
use firmware::nvs::Version;
use firmware::nvs::mfg::{Sheet, Units};
use firmware::partition_table::{Partition, PartitionTable};
use firmware::{FirmwareImage, FlashFile, add_file};

/// The partition per-board data goes to unless the profile names another.
pub const DEFAULT_PARTITION: &str = "nvs";

/// A profile's `[provision]` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionSection {
    /// The Manufacturing Utility config CSV (the keys, their types and namespaces).
    pub config: PathBuf,
    /// The values CSV: a header of key names, one row per unit, its first column the id.
    pub values: PathBuf,
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
}

/// Per-board data, checked against one dfu.bin, with its row journal open: what the
/// station's factory settings hold ([`super::factory::Settings::provision`]).
#[derive(Debug)]
pub struct Provisioning {
    section: ProvisionSection,
    units: Units,
    partition: Partition,
    /// The dfu.bin it was checked against: its name and SHA-256.
    base_name: String,
    base_sha256: [u8; 32],
    journal: RowJournal,
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
        let invalid = |message: String| Failure::new(Code::ProvisionValuesInvalid, message);
        let config = read_firmware(&section.config)
            .map_err(|e| invalid(format!("Cannot read the per-board config {e}.")))?; // not for people: a failure's English message
        let values = read_firmware(&section.values)
            .map_err(|e| invalid(format!("Cannot read the per-board values {e}.")))?; // not for people: a failure's English message
        let files_folder = files_folder(section);
        let units = Units::parse(&config, &values, &mut |p| read_listed(&files_folder, p))
            .map_err(|problems| {
                let mut message = match problems.len() {
                    1 => "The per-board data has 1 problem:".to_owned(), // not for people: a failure's English message
                    n => format!("The per-board data has {n} problems:"), // not for people: a failure's English message
                };
                for problem in &problems {
                    let file = match problem.sheet {
                        Sheet::Config => &section.config,
                        Sheet::Values => &section.values,
                    };
                    let column = match problem.column.as_str() {
                        "" => String::new(),
                        column => format!(" column {column}:"), // not for people: a failure's English message
                    };
                    message.push_str(&format!(
                        "\n  {}:{}:{column} {}",
                        file.display(),
                        problem.row,
                        problem.message
                    ));
                }
                invalid(message)
            })?;
        let partition_error = |message: String| Failure::new(Code::ProvisionPartition, message);
        let table = PartitionTable::in_dfu(&image.image, &image.file)
            .map_err(|e| partition_error(format!("{}: {e}", image.name())))?;
        let partition = table
            .nvs(&section.partition)
            .map_err(|e| partition_error(format!("{}: {e}", image.name())))?
            .clone();
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
                    section.values.display(),
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
            &super::file_name(&section.values),
            &values,
            &units,
        )?;
        let provisioning = Provisioning {
            section: section.clone(),
            units,
            partition,
            base_name: image.name(),
            base_sha256: image.image.sha256,
            journal,
        };
        Ok(provisioning)
    }

    /// The partition the data goes to.
    pub fn partition(&self) -> &Partition {
        &self.partition
    }

    /// The profile section it was opened from.
    pub fn section(&self) -> &ProvisionSection {
        &self.section
    }

    /// Rows in the values file.
    pub fn rows(&self) -> usize {
        self.units.units.len()
    }

    /// Rows no board has had yet.
    pub fn rows_left(&self) -> usize {
        self.journal.rows_left()
    }

    /// The row journal's file.
    pub fn journal_path(&self) -> &Path {
        self.journal.path()
    }

    /// Claims the next row for the board at `board` (its USB path), fsynced in the
    /// journal before it returns.
    pub fn claim(&self, board: &str) -> Result<Claim, Failure> {
        Ok(self.journal.claim(board)?)
    }

    /// Records a claimed row's outcome; the row is never given again either way.
    pub fn finish(&self, claim: Claim, passed: bool) -> Result<(), Failure> {
        Ok(self.journal.finish(claim, passed)?)
    }

    /// The NVS image of the unit `id`, the partition's size.
    pub fn nvs_image(&self, id: &str) -> Result<Vec<u8>, Failure> {
        build_nvs(&self.units, &self.section, &self.partition, id)
    }

    /// What the board given `claim` is sent: `base` (the dfu.bin this was checked
    /// against) with the row's NVS image as one more entry at the partition's address.
    pub fn board_image(
        &self,
        base: &LoadedImage,
        claim: &Claim,
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
        let nvs = self.nvs_image(&claim.id)?;
        with_nvs(&self.partition, base, nvs).map(Arc::new)
    }
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
