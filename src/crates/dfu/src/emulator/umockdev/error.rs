//! Why the harness cannot set the testbed up or go on emulating the boards.

use std::ffi::{NulError, OsString};
use std::io;
use std::path::PathBuf;

use super::SpecError;
use crate::TransportError;

/// Why the harness failed: a umockdev or GLib call, a file, the command, or a control
/// line. I/O errors are kept as the [`source`](std::error::Error::source), with their
/// [`io::ErrorKind`].
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// This process does not run under `umockdev-wrapper`: the testbed would not be seen.
    #[error("not running under the umockdev preload: start with `umockdev-wrapper`")]
    NoPreload,
    /// A umockdev call failed with a `GError`.
    #[error("{call} failed: {message} ({domain} error {code})")]
    GLib {
        /// The C function called.
        call: &'static str,
        /// The GError's domain, e.g. `g-file-error-quark`.
        domain: String,
        /// The GError's code within its domain.
        code: i32,
        /// The GError's message.
        message: String,
    },
    /// A umockdev call failed without a `GError` to say why.
    #[error("{call} failed without saying why")]
    CallFailed {
        /// The C function called.
        call: &'static str,
    },
    /// A string handed to umockdev holds a NUL byte.
    #[error("NUL byte in {text:?}")]
    Nul {
        /// The string.
        text: String,
        /// Where the NUL byte is.
        source: NulError,
    },
    /// A file, FIFO or device node of the testbed could not be created or opened.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A flash file or the report could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error (or the report's serialization error, as
        /// [`io::ErrorKind::InvalidData`]).
        source: io::Error,
    },
    /// The thread reading the control FIFO could not be started.
    #[error("cannot start the control thread: {0}")]
    ControlThread(#[source] io::Error),
    /// The control FIFO could not be read.
    #[error("cannot read the control FIFO: {0}")]
    ControlRead(#[source] io::Error),
    /// A line of the control FIFO is not an action.
    #[error(transparent)]
    Control(#[from] SpecError),
    /// Two boards were given the same port path.
    #[error("two boards at {path}")]
    TwoBoards {
        /// The port path.
        path: String,
    },
    /// A plug action names a port path no board was created at.
    #[error("plug {path}: no board of that path")]
    NoSuchBoard {
        /// The port path.
        path: String,
    },
    /// A board the emulated bus lists could not be opened on it.
    #[error("cannot open the board at {path}: {source}")]
    Open {
        /// The board's port path.
        path: String,
        /// Why the bus refused.
        source: TransportError,
    },
    /// The command could not be started.
    #[error("cannot start {program:?}: {source}")]
    Start {
        /// The command's program.
        program: OsString,
        /// The OS error.
        source: io::Error,
    },
    /// Whether the command has ended could not be asked.
    #[error("cannot wait for the command: {0}")]
    Wait(#[source] io::Error),
}
