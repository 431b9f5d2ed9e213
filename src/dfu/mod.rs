//! USB DFU 1.1: protocol types and the download engine, written against [`Transport`]
//! and [`Clock`] so it runs the same on rusb, on the emulator and in tests.

mod transport;

pub use transport::{Clock, FakeClock, SystemClock, Transport, TransportError};
