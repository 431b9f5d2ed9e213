//! DFU Station: flash ESP32-S2/S3 boards (and any USB DFU 1.1 device) over USB.
//!
//! - [`firmware`]: read, check, describe and write DFU files (`dfu.bin`).
//! - [`dfu`]: DFU 1.1 protocol and download engine.
//! - [`usb`]: USB DFU devices through libusb: listing, opening, hotplug.
//! - [`station`]: boards from device sources, image loading, flash workers, behind channels.
//! - `ui` (cargo feature `gui`, on by default): the desktop app (egui).
//! - [`cli`]: the command-line front.

pub mod cli;
pub mod dfu;
pub mod emulator;
pub mod firmware;
pub mod station;
#[cfg(feature = "gui")]
pub mod ui;
pub mod usb;

/// The app's one identifier: the desktop entry's and AppStream metainfo's name, the
/// Wayland app id and X11 window class, the macOS bundle identifier.
pub const APP_ID: &str = "io.github.dfu_station.DfuStation";
