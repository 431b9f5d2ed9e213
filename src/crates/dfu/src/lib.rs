//! USB DFU 1.1: protocol types and the download engine, written against [`Transport`]
//! and [`Clock`] so it runs the same on rusb, on the emulator and in tests.
//!
//! With the `emulator` feature, [`emulator`] models the ESP32-S2/S3 ROM's USB DFU: the
//! device the engine is tested against, and the app's demo boards.
#![warn(missing_docs)]

#[cfg(feature = "emulator")]
pub mod emulator;
mod engine;
mod protocol;
pub mod trace;
mod transport;

pub use engine::{
    CANCEL_CHECK, Deadlines, DfuError, Engine, Location, Observer, Operation, Payload, Phase,
    Progress, Reenumerate,
};
pub use protocol::{
    Attributes, DeviceStatus, DfuInterface, FUNCTIONAL_DESCRIPTOR_TYPE, FunctionalDescriptor,
    InterfaceMode, ProtocolError, Request, STATUS_LEN, State, Status,
};
pub use transport::{Clock, Control, FakeClock, SystemClock, Transport, TransportError};
