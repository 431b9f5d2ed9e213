//! `dfu-station-harness`: emulated ESP32-S2/S3 ROM boards behind the real libusb, for
//! running `dfu-util` or `dfu-station` end to end without hardware. Run it under
//! `umockdev-wrapper`:
//!
//! ```text
//! umockdev-wrapper dfu-station-harness --board s2@1-1 --board s3@1-2:dfu -- dfu-util -l
//! ```

//!
//! umockdev exists on Linux only; elsewhere the harness says so.

use std::process::ExitCode;

/// Exit code when the harness itself fails (not the command).
const HARNESS_FAILED: u8 = 125;

#[cfg(target_os = "linux")]
mod harness;

#[cfg(target_os = "linux")]
fn main() -> ExitCode {
    harness::main()
}

#[cfg(not(target_os = "linux"))]
fn main() -> ExitCode {
    eprintln!("dfu-station-harness: umockdev, which serves the emulated boards, needs Linux");
    ExitCode::from(HARNESS_FAILED)
}
