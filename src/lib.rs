//! DFU Station: flash ESP32-S2/S3 boards (and any USB DFU 1.1 device) over USB.
//!
//! This crate is the app: the window ([`ui`], cargo feature `gui`, on by default) and the
//! command line ([`cli`]), two thin fronts over the station. The layers below are crates of
//! their own under `src/crates/`, each using only those below it (ARCHITECTURE.md):
//! `failure` (the failure vocabulary) and `i18n` (the message catalogue), `firmware`
//! (DFU files, pure), `dfu` (the DFU 1.1 engine and the emulated ESP ROM), `usb` (libusb),
//! `station` (jobs, workers, the production log, advice).
#![warn(missing_docs)]

pub mod cli;
#[cfg(feature = "gui")]
pub mod ui;

/// The app's one identifier: the desktop entry's and AppStream metainfo's name, the
/// Wayland app id and X11 window class, the macOS bundle identifier.
pub const APP_ID: &str = "io.github.dfu_station.DfuStation";
