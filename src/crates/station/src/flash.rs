//! The one flash path, for the window's workers and the command line's `flash` alike:
//! checks that the file fits the board, opens it, runs the engine with the conversation
//! traced (it follows the board through DETACH), remembers the flash for the support
//! report, and gives the outcome. Time and the report's history come from the
//! [`Environment`].

use std::fmt;
use std::sync::{Arc, Mutex};

use super::demo::DEMO;
use super::source::Connection;
use super::{Device, Environment, LoadedImage, Outcome};
use dfu::trace::{Trace, Traced, TracedReenumerate};
use dfu::{Deadlines, Engine, Observer, Payload, TransportError};
use failure::{Code, Failure};

/// Flashes `image` to `device`, opened by `open` once the file is known to fit, reporting
/// progress (and asking about cancelling) through `observer`, on `environment`'s clock.
/// Every flash of a real board is remembered in `environment`'s history for the support
/// report.
pub fn flash(
    device: &Device,
    image: &LoadedImage,
    open: impl FnOnce() -> Result<Connection, TransportError>,
    observer: &mut dyn Observer,
    environment: &Environment,
) -> Outcome {
    let clock = &*environment.clock;
    let started = clock.now();
    if let Some(reason) = image.mismatch(device) {
        return Outcome::Fail(Failure::new(
            Code::WrongChip,
            format!("{reason} Nothing was flashed."), // not for people: a failure's English message
        ));
    }
    let connection = match open() {
        Ok(connection) => connection,
        Err(error) => {
            let message = cannot_open(device.vid, device.pid, &device.id.path, &error);
            return Outcome::Fail(
                Failure::new(Code::OpenFailed, format!("{message}.")).because(error),
            );
        }
    };
    let trace = Arc::new(Mutex::new(Trace::default()));
    let mut reenumerate = connection.reenumerate;
    let outcome = match Engine::new(clock, Deadlines::default(), observer).flash(
        Traced::new(connection.transport, trace.clone()),
        connection.interface,
        &mut TracedReenumerate::new(&mut *reenumerate, trace.clone()),
        Payload::image(&image.image, &image.file),
    ) {
        Ok(()) => Outcome::Pass {
            elapsed: clock.now().saturating_sub(started),
        },
        Err(error) => Outcome::Fail(error.into()),
    };
    if device.id.source != DEMO {
        let said = match &outcome {
            Outcome::Fail(failure) => format!("FAIL {}: {failure}", failure.code()), // not for people: the support report's history
            Outcome::Pass { .. } => "PASS".to_owned(), // not for people: the support report's history
        };
        let board = format!(
            "{} at {}, serial {}", // not for people: the support report's history
            device.chip_name(),
            device.id.path,
            device.serial
        );
        let file = format!(
            "{} (SHA-256 {})", // not for people: the support report's history
            image.name(),
            hex::encode(image.image.sha256)
        );
        environment.history.keep(board, file, said, &trace);
    }
    outcome
}

/// `Cannot open DFU device 303a:0002 at path 1-1: permission denied opening the device`.
pub fn cannot_open(vid: u16, pid: u16, path: &str, error: &dyn fmt::Display) -> String {
    format!("Cannot open DFU device {vid:04x}:{pid:04x} at path {path}: {error}") // not for people: a failure's English message
}
