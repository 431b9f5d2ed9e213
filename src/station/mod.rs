//! The flashing station: jobs, workers, the device registry and the production log.

pub mod log;
pub mod profile;
