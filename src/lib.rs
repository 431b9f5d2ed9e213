//! DFU Station: flash ESP32-S2/S3 boards (and any USB DFU 1.1 device) over USB.
//!
//! Layers, each using only those above it in this list:
//! - [`i18n`]: the message catalogue (English, Simplified Chinese) and the language.
//! - [`failure`]: the one vocabulary of failure codes (logs, JSON, help, advice).
//! - [`firmware`]: read, check, describe and write DFU files (`dfu.bin`). Pure.
//! - [`dfu`]: DFU 1.1 protocol and download engine, against a transport and a clock.
//! - [`advice`]: what to do about each failure, per platform.
//! - [`usb`]: USB DFU devices through libusb: listing, opening, hotplug.
//! - [`emulator`]: the ESP32-S2/S3 ROM's USB DFU as a model, in-process and (cargo
//!   feature `umockdev`, Linux) behind umockdev.
//! - [`station`]: boards from device sources, image loading, the one flash path,
//!   workers, the production log, behind channels.
//! - `ui` (cargo feature `gui`, on by default): the desktop app (egui).
//! - [`cli`]: the command-line front.
#![warn(missing_docs)]

pub mod advice;
pub mod cli;
pub mod dfu;
pub mod emulator;
pub mod failure;
pub mod firmware;
pub mod i18n;
pub mod station;
#[cfg(feature = "gui")]
pub mod ui;
pub mod usb;

/// The app's one identifier: the desktop entry's and AppStream metainfo's name, the
/// Wayland app id and X11 window class, the macOS bundle identifier.
pub const APP_ID: &str = "io.github.dfu_station.DfuStation";
