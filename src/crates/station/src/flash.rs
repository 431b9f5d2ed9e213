//! The one flash path, for the window's workers and the command line's `flash` alike:
//! checks that the file fits the board, opens it, runs the engine with the conversation
//! traced (it follows the board through DETACH), remembers the flash for the support
//! report, and gives the outcome.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::demo::DEMO;
use super::source::Connection;
use super::support::keep;
use super::{Device, LoadedImage, Outcome};
use dfu::trace::{Trace, Traced, TracedReenumerate};
use dfu::{Deadlines, Engine, Observer, Payload, SystemClock, TransportError};
use failure::Code;
use firmware::esp::hex;

/// Flashes `image` to `device`, opened by `open` once the file is known to fit, reporting
/// progress (and asking about cancelling) through `observer`. Every flash of a real board
/// is remembered for the support report.
pub fn flash(
    device: &Device,
    image: &LoadedImage,
    open: impl FnOnce() -> Result<Connection, TransportError>,
    observer: &mut dyn Observer,
) -> Outcome {
    let started = Instant::now();
    if let Some(reason) = image.mismatch(device) {
        return Outcome::Fail {
            code: Code::WrongChip,
            reason: format!("{reason} Nothing was flashed."),
            cause: None,
        };
    }
    let connection = match open() {
        Ok(connection) => connection,
        Err(error) => {
            return Outcome::Fail {
                code: Code::OpenFailed,
                reason: format!(
                    "{}.",
                    cannot_open(device.vid, device.pid, &device.id.path, &error)
                ),
                cause: Some(error),
            };
        }
    };
    let trace = Arc::new(Mutex::new(Trace::default()));
    let mut reenumerate = connection.reenumerate;
    let outcome = match Engine::new(&SystemClock::default(), Deadlines::default(), observer).flash(
        Traced::new(connection.transport, trace.clone()),
        connection.interface,
        &mut TracedReenumerate::new(&mut *reenumerate, trace.clone()),
        Payload::image(&image.image, &image.file),
    ) {
        Ok(()) => Outcome::Pass {
            elapsed: started.elapsed(),
        },
        Err(error) => Outcome::Fail {
            code: error.code(),
            reason: error.to_string(),
            cause: error.transport_error().cloned(),
        },
    };
    if device.id.source != DEMO {
        let said = match &outcome {
            Outcome::Fail { code, reason, .. } => format!("FAIL {code}: {reason}"),
            Outcome::Pass { .. } => "PASS".to_owned(),
        };
        let board = format!(
            "{} at {}, serial {}",
            device.chip_name(),
            device.id.path,
            device.serial
        );
        let file = format!("{} (SHA-256 {})", image.name(), hex(&image.image.sha256));
        keep(board, file, said, &trace);
    }
    outcome
}

/// `Cannot open DFU device 303a:0002 at path 1-1: permission denied opening the device`.
pub fn cannot_open(vid: u16, pid: u16, path: &str, error: &dyn fmt::Display) -> String {
    format!("Cannot open DFU device {vid:04x}:{pid:04x} at path {path}: {error}")
}
