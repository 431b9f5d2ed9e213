//! The harness's command-line vocabulary: `CHIP@PATH[:OPTIONS]` boards and `PATH@MS`
//! plug events, and why a text is not one.

use std::str::FromStr;
use std::time::Duration;

use crate::emulator::{Fault, Mode, RomConfig, When};
use crate::{State, Status};
use firmware::Chip;

/// One board to emulate: its port path, its configuration, whether its device node
/// refuses to open, and whether it starts out of the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardSpec {
    /// Port path as `dfu-util` prints it: `BUS-PORT`, e.g. `1-2`.
    pub path: String,
    /// The chip, modes, timings and faults of its ROM.
    pub config: RomConfig,
    /// Opening the device node fails with EACCES (no udev rule).
    pub noaccess: bool,
    /// Not on the bus until plugged in (`--plug` or the control FIFO).
    pub unplugged: bool,
}

/// Why a board (`--board`), a timed event (`--unplug`, `--plug`) or a line of the control
/// FIFO is refused: what was read, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// A board without `@` between its chip and its path.
    #[error("{text:?}: expected CHIP@PATH[:OPTIONS]")]
    NotABoard {
        /// The text read.
        text: String,
    },
    /// A timed event without `@` before its milliseconds.
    #[error("{text:?}: expected PATH@MS")]
    NotAnEvent {
        /// The text read.
        text: String,
    },
    /// A port path that is not `BUS-PORT` with both numbers from 1.
    #[error("{path:?}: expected a port path BUS-PORT such as 1-1")]
    NotAPortPath {
        /// The path read.
        path: String,
    },
    /// A chip the emulator does not know.
    #[error("unknown chip {name:?} (s2, s3, p4, s31)")]
    UnknownChip {
        /// The chip's name as read.
        name: String,
    },
    /// One of a board's options is wrong.
    #[error("{text:?}: option {option:?}: {why}")]
    BadOption {
        /// The whole board text.
        text: String,
        /// The option.
        option: String,
        /// What is wrong with it.
        why: OptionError,
    },
    /// The milliseconds of a timed event are not a number.
    #[error("{text:?}: {value:?} is not a valid number")]
    BadTime {
        /// The whole event text.
        text: String,
        /// The milliseconds as read.
        value: String,
    },
    /// A control line that is neither `unplug PATH` nor `plug PATH`.
    #[error("control line {line:?}: expected `unplug PATH` or `plug PATH`")]
    NotAControlLine {
        /// The line read.
        line: String,
    },
}

/// What is wrong with one option of a board.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    /// No option has this name.
    #[error("unknown option")]
    Unknown,
    /// `start=` names a state the ROM cannot start in.
    #[error("expected error or dnload-idle")]
    NotAStartState,
    /// The value is not a number of the option's range.
    #[error("{value:?} is not a valid number")]
    NotANumber {
        /// The value read.
        value: String,
    },
}

impl FromStr for BoardSpec {
    type Err = SpecError;

    /// `CHIP@PATH[:OPTION[,OPTION...]]`, e.g. `s2@1-1`, `s3@1-2:dfu,xfer=1024,erase=100`.
    /// Chips: `s2`, `s3`, `p4`, `s31`. Options: `dfu`, `runtime` (start mode), `xfer=N`
    /// (wTransferSize), `erase=MS` (per 4 KiB sector), `poll=MS` (bwPollTimeout),
    /// `reenum=MS` (DETACH to DFU mode), `flash=N[K|M]`, `serial=TEXT` (no `,:=@`),
    /// `noaccess`, `unplugged`; faults:
    /// `stall@N`, `error@N` (errWRITE), `hang@N` (GETSTATUS after block N), `stuck@N`,
    /// `unplug@N|detach|erase|manifest`, `verify@manifest` (errVERIFY once written, the
    /// first time), `start=error|dnload-idle`.
    fn from_str(text: &str) -> Result<BoardSpec, SpecError> {
        let (chip, rest) = text.split_once('@').ok_or_else(|| SpecError::NotABoard {
            text: text.to_owned(),
        })?;
        let (path, options) = rest.split_once(':').unwrap_or((rest, ""));
        let mut spec = BoardSpec {
            path: port_path(path)?.to_owned(),
            config: RomConfig::new(chip_named(chip)?),
            noaccess: false,
            unplugged: false,
        };
        for option in options.split([',', ':']).filter(|o| !o.is_empty()) {
            spec.apply(option).map_err(|why| SpecError::BadOption {
                text: text.to_owned(),
                option: option.to_owned(),
                why,
            })?;
        }
        Ok(spec)
    }
}

impl BoardSpec {
    fn apply(&mut self, option: &str) -> Result<(), OptionError> {
        let config = &mut self.config;
        match option.split_once(['=', '@']) {
            None => match option {
                "dfu" => config.start_mode = Mode::Dfu,
                "runtime" => config.start_mode = Mode::Runtime,
                "noaccess" => self.noaccess = true,
                "unplugged" => self.unplugged = true,
                _ => return Err(OptionError::Unknown),
            },
            Some((key, value)) => match key {
                "xfer" => config.transfer_size = number(value)?,
                "erase" => config.erase_time_per_sector = millis(value)?,
                "poll" => config.poll_timeout = millis(value)?,
                "reenum" => config.reenumeration_delay = millis(value)?,
                "flash" => config.flash_size = size(value)?,
                "serial" => config.serial = value.to_owned(),
                "stall" => config.faults.push(Fault::StallAt(number(value)?)),
                "error" => config.faults.push(Fault::ErrorAt {
                    block: number(value)?,
                    status: Status::ErrWrite,
                }),
                "hang" => config
                    .faults
                    .push(Fault::HangGetStatusAfter(number(value)?)),
                "stuck" => config.faults.push(Fault::StuckBusyAt(number(value)?)),
                "verify" if value == "manifest" => config
                    .faults
                    .push(Fault::ErrorInManifest(Status::ErrVerify)),
                "unplug" => config.faults.push(Fault::Unplug(match value {
                    "detach" => When::Detach,
                    "erase" => When::Erase,
                    "manifest" => When::Manifest,
                    block => When::Block(number(block)?),
                })),
                "start" => config.faults.push(Fault::StartIn(match value {
                    "error" => State::DfuError,
                    "dnload-idle" => State::DfuDnloadIdle,
                    _ => return Err(OptionError::NotAStartState),
                })),
                _ => return Err(OptionError::Unknown),
            },
        }
        Ok(())
    }

    /// The bus number (the part of the path before `-`).
    pub fn bus(path: &str) -> u8 {
        path.split_once('-')
            .and_then(|(bus, _)| bus.parse().ok())
            .unwrap_or(1)
    }
}

/// A scheduled unplug or plug: `PATH@MS` (milliseconds after the command started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed {
    /// The board's port path.
    pub path: String,
    /// When, after the command started.
    pub at: Duration,
}

impl FromStr for Timed {
    type Err = SpecError;

    fn from_str(text: &str) -> Result<Timed, SpecError> {
        let (path, at) = text.rsplit_once('@').ok_or_else(|| SpecError::NotAnEvent {
            text: text.to_owned(),
        })?;
        Ok(Timed {
            path: port_path(path)?.to_owned(),
            at: millis(at).map_err(|_| SpecError::BadTime {
                text: text.to_owned(),
                value: at.to_owned(),
            })?,
        })
    }
}

fn chip_named(name: &str) -> Result<Chip, SpecError> {
    let key = name.to_ascii_lowercase().replace(['-', '_'], "");
    match key.strip_prefix("esp32").unwrap_or(&key) {
        "s2" => Ok(Chip::Esp32S2),
        "s3" => Ok(Chip::Esp32S3),
        "p4" => Ok(Chip::Esp32P4),
        "s31" => Ok(Chip::Esp32S31),
        _ => Err(SpecError::UnknownChip {
            name: name.to_owned(),
        }),
    }
}

/// Checks a `BUS-PORT` path (hubs, `BUS-PORT.PORT`, are not emulated).
fn port_path(path: &str) -> Result<&str, SpecError> {
    let valid = path.split_once('-').is_some_and(|(bus, port)| {
        matches!(bus.parse::<u8>(), Ok(1..)) && matches!(port.parse::<u8>(), Ok(1..))
    });
    if valid {
        Ok(path)
    } else {
        Err(SpecError::NotAPortPath {
            path: path.to_owned(),
        })
    }
}

fn number<T: FromStr>(text: &str) -> Result<T, OptionError> {
    text.parse().map_err(|_| OptionError::NotANumber {
        value: text.to_owned(),
    })
}

fn millis(text: &str) -> Result<Duration, OptionError> {
    number(text).map(Duration::from_millis)
}

fn size(text: &str) -> Result<usize, OptionError> {
    let (digits, unit) = match text.to_ascii_uppercase() {
        t if t.ends_with('M') => (t[..t.len() - 1].to_owned(), 1 << 20),
        t if t.ends_with('K') => (t[..t.len() - 1].to_owned(), 1 << 10),
        t => (t, 1),
    };
    number::<usize>(&digits).map(|n| n * unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_boards_with_options() {
        let spec: BoardSpec =
            "s3@1-2:dfu,xfer=1024,erase=7,noaccess,unplug@detach,flash=8M,unplugged"
                .parse()
                .unwrap();
        assert_eq!(spec.path, "1-2");
        assert_eq!(spec.config.chip, Chip::Esp32S3);
        assert_eq!(spec.config.start_mode, Mode::Dfu);
        assert_eq!(spec.config.transfer_size, 1024);
        assert_eq!(spec.config.erase_time_per_sector, Duration::from_millis(7));
        assert_eq!(spec.config.flash_size, 8 << 20);
        assert_eq!(spec.config.faults, [Fault::Unplug(When::Detach)]);
        assert!(spec.noaccess && spec.unplugged);

        let plain: BoardSpec = "ESP32-S2@2-7".parse().unwrap();
        assert_eq!(plain.config, RomConfig::new(Chip::Esp32S2));
        assert!(!plain.noaccess && !plain.unplugged);
        assert_eq!(BoardSpec::bus(&plain.path), 2);
    }

    #[test]
    fn refuses_bad_boards_and_events() {
        for bad in [
            "s2",
            "s9@1-1",
            "s2@1",
            "s2@1-1.2",
            "s2@1-1:fast",
            "s2@1-1:xfer=big",
        ] {
            assert!(bad.parse::<BoardSpec>().is_err(), "{bad}");
        }
        assert_eq!(
            "1-3@250".parse::<Timed>().unwrap(),
            Timed {
                path: "1-3".into(),
                at: Duration::from_millis(250)
            }
        );
        assert!("1-3".parse::<Timed>().is_err());
    }

    #[test]
    fn refusals_say_what_was_read_and_why() {
        let option = "s2@1-1:xfer=big".parse::<BoardSpec>().unwrap_err();
        assert_eq!(
            option,
            SpecError::BadOption {
                text: "s2@1-1:xfer=big".into(),
                option: "xfer=big".into(),
                why: OptionError::NotANumber {
                    value: "big".into()
                },
            }
        );
        assert_eq!(
            option.to_string(),
            r#""s2@1-1:xfer=big": option "xfer=big": "big" is not a valid number"#
        );
        assert_eq!(
            "s9@1-1".parse::<BoardSpec>().unwrap_err().to_string(),
            r#"unknown chip "s9" (s2, s3, p4, s31)"#
        );
        assert_eq!(
            "1-3@soon".parse::<Timed>().unwrap_err().to_string(),
            r#""1-3@soon": "soon" is not a valid number"#
        );
        assert_eq!(
            "1-1.2@5".parse::<Timed>().unwrap_err(),
            SpecError::NotAPortPath {
                path: "1-1.2".into()
            }
        );
    }
}
