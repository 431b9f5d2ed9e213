//! An emulated ESP32-S2/S3 ROM USB DFU device, for tests, the app's demo mode and
//! (behind umockdev) end-to-end runs of the real USB stack.
//!
//! - [`EspRom`]: one board as a USB device: answers control transfers given the setup
//!   packet, the data and the time ([`TransferEnd`]); descriptors of its current mode; the
//!   ROM's DFU state machine, streaming CPIO parser and flash; injected [`Fault`]s.
//! - [`Bus`]: boards at port paths, DETACH and re-enumeration on a shared
//!   [`Clock`](crate::Clock), device listing, and [`EmulatedTransport`], an
//!   in-process [`Transport`](crate::Transport) to one board's DFU interface.
//! - `umockdev` (feature `umockdev`, Linux only): the boards behind the real libusb.

mod bus;
mod descriptors;
mod protocol;
mod rom;
mod stream;
#[cfg(all(feature = "umockdev", target_os = "linux"))]
pub mod umockdev;

pub use bus::{Board, Bus, DeviceInfo, EmulatedTransport};
pub use protocol::Setup;
pub use rom::{EspRom, Fault, Mode, Presence, RomConfig, TransferEnd, When};
pub use stream::SECTOR;
