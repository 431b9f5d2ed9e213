//! The harness's control FIFO: a test script writes `unplug PATH` or `plug PATH` lines
//! to the file named by [`CONTROL_ENV`] to pull a board out or plug it (back) in when it
//! has seen what it waits for, rather than at a fixed time after the start.

use std::io::{self, BufRead, BufReader, ErrorKind};
use std::path::Path;
use std::str::FromStr;
use std::sync::mpsc::Sender;

use super::{HarnessError, SpecError};

/// The environment variable that tells the command where the control FIFO is.
pub const CONTROL_ENV: &str = "DFU_STATION_HARNESS_CONTROL";

/// Something done to the emulated bus, by schedule or from the control FIFO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusAction {
    /// Pull the board at this port path out.
    Unplug(String),
    /// Plug the board of this port path (back) in.
    Plug(String),
}

impl FromStr for BusAction {
    type Err = SpecError;

    fn from_str(line: &str) -> Result<BusAction, SpecError> {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["unplug", path] => Ok(BusAction::Unplug(path.to_owned())),
            ["plug", path] => Ok(BusAction::Plug(path.to_owned())),
            _ => Err(SpecError::NotAControlLine {
                line: line.to_owned(),
            }),
        }
    }
}

/// Creates the FIFO `path`, world-writable.
pub fn make_fifo(path: &Path) -> io::Result<()> {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from(ErrorKind::InvalidInput))?;
    // SAFETY: a NUL-terminated path; mkfifo touches nothing else.
    if unsafe { libc::mkfifo(c_path.as_ptr(), 0o666) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Creates the control FIFO at `path` and passes each line written to it on to
/// `actions` (then sends on `wake`), from a thread of its own, for as long as the
/// process lives.
pub fn listen(
    path: &Path,
    actions: Sender<Result<BusAction, HarnessError>>,
    wake: Sender<()>,
) -> Result<(), HarnessError> {
    let io = |source| HarnessError::Io {
        path: path.to_owned(),
        source,
    };
    make_fifo(path).map_err(io)?;
    // Opened for writing too, so that the reader never sees end-of-file between writers.
    let fifo = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    std::thread::Builder::new()
        .name("harness-control".into())
        .spawn(move || {
            for line in BufReader::new(fifo).lines() {
                let action = line
                    .map_err(HarnessError::ControlRead)
                    .and_then(|line| Ok(line.parse()?));
                if actions.send(action).is_err() || wake.send(()).is_err() {
                    return;
                }
            }
        })
        .map_err(HarnessError::ControlThread)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_lines_parse() {
        assert_eq!("unplug 1-1".parse(), Ok(BusAction::Unplug("1-1".into())));
        assert_eq!(" plug  1-2 ".parse(), Ok(BusAction::Plug("1-2".into())));
        let error = "pull 1-1".parse::<BusAction>().unwrap_err().to_string();
        assert!(
            error.contains("expected `unplug PATH` or `plug PATH`"),
            "{error}"
        );
    }

    #[test]
    fn a_fifo_that_cannot_be_made_keeps_its_path_and_error_kind() {
        let path = Path::new("/nonexistent-dfu-station-dir/control");
        let (actions, _) = std::sync::mpsc::channel();
        let (wake, _) = std::sync::mpsc::channel();
        let error = listen(path, actions, wake).unwrap_err();
        assert!(
            matches!(&error, HarnessError::Io { path: at, .. } if at == path),
            "{error:?}"
        );
        let source = std::error::Error::source(&error).and_then(|s| s.downcast_ref::<io::Error>());
        assert_eq!(source.map(io::Error::kind), Some(ErrorKind::NotFound));
        let text = error.to_string();
        assert!(
            text.starts_with("/nonexistent-dfu-station-dir/control: "),
            "{text}"
        );
    }
}
