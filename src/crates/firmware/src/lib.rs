#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod chip;
pub mod cpio;
mod error;
pub mod esp;
mod image;
pub mod nvs;
mod pack;
pub mod partition_table;
mod suffix;

pub use chip::{ANY_CHIP_PID, Chip, ESPRESSIF_VID};
pub use error::{FirmwareError, Warning, human_size};
pub use esp::{Part, Region};
pub use image::{FirmwareImage, ImageKind};
pub use pack::{
    FlashFile, PackError, PackOptions, add_file, flasher_args_files, pack, parse_address,
    parse_flash_size,
};
pub use suffix::{DfuSuffix, SUFFIX_LEN, jamcrc};
