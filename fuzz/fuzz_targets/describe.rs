//! Any bytes, as a whole file, must give a description or a typed error: never a panic.
#![no_main]

use firmware::{DfuSuffix, FirmwareImage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = FirmwareImage::describe(data);
    // Also with a valid Espressif suffix, so the fuzzer reaches the archive checks.
    let mut file = data.to_vec();
    DfuSuffix::append(&mut file, 0x303A, 0x0002);
    let _ = FirmwareImage::describe(&file);
});
