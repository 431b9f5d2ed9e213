//! DFU Station: flash ESP32-S2/S3 boards (and any USB DFU 1.1 device) over USB.
//!
//! - [`firmware`]: read, check, describe and write DFU files (`dfu.bin`).
//! - [`dfu`]: DFU 1.1 protocol and download engine.
//! - [`usb`]: USB DFU devices through libusb: listing, opening, hotplug.
//! - [`station`]: boards from device sources, image loading, flash workers, behind channels.
//! - [`ui`]: the desktop app (egui).
//! - [`cli`]: the command-line front.

pub mod cli;
pub mod dfu;
pub mod emulator;
pub mod firmware;
pub mod station;
pub mod ui;
pub mod usb;
