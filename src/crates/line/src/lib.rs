//! A factory line's shared store, in PostgreSQL: the units of per-board data (imported
//! once, each claimed by one board of one station, then flashed or spent) and every
//! station's production records (each once, in each station's order), behind a
//! versioned schema that the factory's own tools read with plain SQL (`migrations/`).
//!
//! [`StoreConfig`] says where the store is (a URL without a password; the password from
//! an environment variable or a file). [`Store`] is one connection: [`Store::init`]
//! applies the migrations, [`Store::connect`] refuses a database of another schema
//! version, and every request waits at most [`QUERY_LIMIT`]. [`LineError`] tells "cannot
//! reach" from "wrong password", "newer schema" and "duplicate unit id". The client is
//! pure Rust (tokio-postgres): no libpq, no system headers, no TLS.
#![warn(missing_docs)]

mod config;
mod error;
mod records;
mod status;
mod store;
mod units;

pub use config::{CONNECT_LIMIT, DEFAULT_PASSWORD_ENV, Password, QUERY_LIMIT, StoreConfig};
pub use error::LineError;
pub use records::LineRecord;
pub use status::{LineStatus, LineTotals, StationStatus};
pub use store::{Initialized, SCHEMA_VERSION, Store};
pub use units::{Batch, Claimant, Claimed, LineUnit, UnitCount, sha256};
