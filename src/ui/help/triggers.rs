//! When the help opens by itself: symptoms read from station events and from what the
//! window has shown over time. Each opens its topic once per occurrence (one failure, one
//! file, one flash job), so a dismissed topic stays closed until the symptom comes again.
//!
//! Time is the UI's clock (egui's input time, seconds since start): tests step frames
//! instead of waiting, as egui_kittest advances that clock by a fixed step per frame.

use std::collections::HashMap;
use std::path::PathBuf;

use super::topics::Topic;
use dfu::{Phase, TransportError};
use failure::Code;
use firmware::Chip;
use i18n::t;
use station::advice::Platform;
use station::{BoardRow, BoardState, DeviceId, Event, FilePart, LoadedImage, Outcome, Registry};

/// No board has appeared this long after start: how to get one into download mode.
pub const NO_BOARD_AFTER: f64 = 10.0;
/// Still no board this long after the no-board help opened by itself: the custom wiring
/// (on a bought dev board the first topic's steps are enough; on a custom one they are not).
pub const WIRING_AFTER: f64 = 20.0;
/// An ESP32-S3 file is loaded and no ESP32-S3 has been on the bus for this long: the S3's
/// USB PHY, eFuse and date-code limits (an S2 board in the meantime does not count).
pub const S3_AFTER: f64 = 20.0;
/// One part has been erasing this long: the bar stands still, say why.
pub const LONG_ERASE_AFTER: f64 = 3.0;

/// A topic to open, with what happened in plain words (which board, which file, the
/// reason) and, for the engineer, in technical ones (the failure's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub topic: Topic,
    pub context: Option<String>,
    /// What happened in an engineer's words: shown under "For your engineer".
    pub detail: Option<String>,
}

impl Opening {
    fn new(topic: Topic, context: String) -> Opening {
        Opening {
            topic,
            context: Some(context),
            detail: None,
        }
    }

    fn with_detail(self, detail: String) -> Opening {
        Opening {
            detail: Some(detail),
            ..self
        }
    }
}

/// The topic for a failed flash, if one explains it: the USB error first (it names the
/// fix), then the failure's code.
pub fn failure_topic(
    code: Code,
    cause: Option<&TransportError>,
    platform: Platform,
) -> Option<Topic> {
    match (cause, platform) {
        (Some(TransportError::Access), Platform::Linux) => return Some(Topic::LinuxAccess),
        (Some(TransportError::Access), Platform::Windows)
        | (Some(TransportError::NotSupported), _) => return Some(Topic::WindowsDriver),
        (Some(TransportError::Busy), _) => return Some(Topic::Busy),
        _ => {}
    }
    match code {
        Code::WrongChip => Some(Topic::WrongChip),
        Code::DfuNotBackAfterDetach => Some(Topic::NotBackAfterDetach),
        _ => None,
    }
}

/// What the window shows at one moment, as the timed triggers read it.
#[derive(Clone, Copy)]
struct Scene<'a> {
    /// The UI's clock, in seconds.
    now: f64,
    registry: &'a Registry,
    image: Option<&'a LoadedImage>,
}

/// The erases of one board's flash job.
#[derive(Debug, Default)]
struct Erase {
    /// The part being erased now, and since when.
    current: Option<(Option<FilePart>, f64)>,
    /// The erase help has opened for this job (once per job, not once per part).
    opened: bool,
}

/// What the triggers remember between frames.
#[derive(Debug, Default)]
pub struct Watch {
    start: Option<f64>,
    board_seen: bool,
    no_board_opened_at: Option<f64>,
    wiring_opened: bool,
    /// The ESP32-S3 file waiting for an S3 board, and since when.
    s3_wait: Option<(PathBuf, f64)>,
    s3_opened_for: Option<PathBuf>,
    erases: HashMap<DeviceId, Erase>,
    wrong_chip_opened_for: Option<(PathBuf, DeviceId)>,
}

impl Watch {
    /// The topic a station event calls for, if any.
    pub fn event(&mut self, event: &Event) -> Option<Opening> {
        match event {
            Event::ImageLoaded {
                path,
                result: Err(error),
            } if error.code() == Code::RawEspApp => Some(Opening::new(
                Topic::RawAppImage,
                t!("help-context-raw-app", name = station::file_name(path)),
            )),
            // A PASS opens nothing: its banner says what to do. Failures open their topic.
            Event::JobFinished {
                device,
                outcome: Outcome::Fail(failure),
            } => failure_topic(
                failure.code(),
                failure.cause::<TransportError>(),
                Platform::current(),
            )
            .map(|topic| {
                let context = t!(
                    "help-context-failure",
                    board = device.path.as_str(),
                    reason = station::advice::failure_headline(failure)
                );
                Opening::new(topic, context).with_detail(failure.message().to_owned())
            }),
            _ => None,
        }
    }

    /// The topic what the window shows at `now` calls for, if any, and when to look again
    /// (a timer runs out). `without_driver`: the driver doctor sees a board that libusb
    /// may not (no download-mode help for it).
    pub fn tick(
        &mut self,
        now: f64,
        registry: &Registry,
        image: Option<&LoadedImage>,
        selected: Option<&BoardRow>,
        without_driver: bool,
    ) -> (Option<Opening>, Option<f64>) {
        let start = *self.start.get_or_insert(now);
        self.board_seen |= without_driver || registry.rows().iter().any(|r| r.present);
        let mut next = Vec::new();
        let scene = Scene {
            now,
            registry,
            image,
        };
        let opening = [
            self.no_board(now, start, &mut next),
            self.wrong_chip(image, selected),
            self.s3(scene, &mut next),
            self.erase(scene, &mut next),
        ]
        .into_iter()
        .flatten()
        .next();
        (opening, next.into_iter().reduce(f64::min))
    }

    fn no_board(&mut self, now: f64, start: f64, next: &mut Vec<f64>) -> Option<Opening> {
        if self.board_seen {
            return None;
        }
        let Some(opened) = self.no_board_opened_at else {
            if now - start < NO_BOARD_AFTER {
                next.push(start + NO_BOARD_AFTER);
                return None;
            }
            self.no_board_opened_at = Some(now);
            next.push(now + WIRING_AFTER);
            return Some(Opening::new(
                Topic::NoBoard,
                t!("help-context-no-board", seconds = NO_BOARD_AFTER.round()),
            ));
        };
        if self.wiring_opened {
            return None;
        }
        if now - opened < WIRING_AFTER {
            next.push(opened + WIRING_AFTER);
            return None;
        }
        self.wiring_opened = true;
        Some(Opening::new(
            Topic::Wiring,
            t!("help-context-still-no-board"),
        ))
    }

    fn wrong_chip(
        &mut self,
        image: Option<&LoadedImage>,
        row: Option<&BoardRow>,
    ) -> Option<Opening> {
        let (image, row) = (image?, row?);
        if image.fits(&row.device) {
            return None;
        }
        let key = (image.path.clone(), row.device.id.clone());
        if row.present && self.wrong_chip_opened_for.as_ref() != Some(&key) {
            self.wrong_chip_opened_for = Some(key);
            let context = t!(
                "help-context-wrong-chip",
                file_chip = image.made_for(),
                board_chip = row.device.chip_name()
            );
            return Some(Opening::new(Topic::WrongChip, context));
        }
        None
    }

    fn s3(&mut self, scene: Scene<'_>, next: &mut Vec<f64>) -> Option<Opening> {
        let waiting = scene.image.filter(|image| {
            image.image.chip() == Some(Chip::Esp32S3)
                && !(scene.registry.rows().iter())
                    .any(|r| r.present && r.device.chip() == Some(Chip::Esp32S3))
        });
        let Some(image) = waiting else {
            self.s3_wait = None;
            return None;
        };
        let since = match &self.s3_wait {
            Some((path, since)) if *path == image.path => *since,
            _ => {
                self.s3_wait = Some((image.path.clone(), scene.now));
                scene.now
            }
        };
        if self.s3_opened_for.as_ref() == Some(&image.path) {
            return None;
        }
        if scene.now - since < S3_AFTER {
            next.push(since + S3_AFTER);
            return None;
        }
        self.s3_opened_for = Some(image.path.clone());
        Some(Opening::new(
            Topic::S3NeverAppears,
            t!(
                "help-context-s3-missing",
                name = image.name(),
                seconds = S3_AFTER.round()
            ),
        ))
    }

    fn erase(&mut self, scene: Scene<'_>, next: &mut Vec<f64>) -> Option<Opening> {
        self.erases
            .retain(|id, _| scene.registry.row(id).is_some_and(BoardRow::flashing));
        let mut opening = None;
        for row in scene.registry.rows() {
            let BoardState::Flashing(progress) = &row.state else {
                continue;
            };
            let erase = self.erases.entry(row.device.id.clone()).or_default();
            if progress.phase != Phase::Erasing {
                erase.current = None;
                continue;
            }
            let since = match &erase.current {
                Some((part, since)) if *part == progress.part => *since,
                _ => {
                    erase.current = Some((progress.part.clone(), scene.now));
                    scene.now
                }
            };
            if erase.opened {
                continue;
            }
            if scene.now - since < LONG_ERASE_AFTER {
                next.push(since + LONG_ERASE_AFTER);
                continue;
            }
            erase.opened = true;
            let board = row.device.id.path.as_str();
            let context = match &progress.part {
                None => t!("help-context-erasing-index", board = board),
                Some(part) => match scene.image.and_then(|image| part_size(image, &part.name)) {
                    Some(size) => t!(
                        "help-context-erasing-part-size",
                        board = board,
                        part = part.words(),
                        size = i18n::size(size)
                    ),
                    None => t!(
                        "help-context-erasing-part",
                        board = board,
                        part = part.words()
                    ),
                },
            };
            opening = Some(Opening::new(Topic::LongErase, context));
        }
        opening
    }
}

/// The size of the part named `name` in `image`.
fn part_size(image: &LoadedImage, name: &str) -> Option<u64> {
    (image.image.regions.iter())
        .flat_map(|region| &region.parts)
        .find(|part| part.name == name)
        .map(|part| part.size.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_to_their_topics() {
        let topic = |code, cause: Option<TransportError>, platform| {
            failure_topic(code, cause.as_ref(), platform)
        };
        let linux = Platform::Linux;
        use TransportError::*;
        assert_eq!(
            topic(Code::OpenFailed, Some(Access), linux),
            Some(Topic::LinuxAccess)
        );
        assert_eq!(
            topic(Code::OpenFailed, Some(Access), Platform::Windows),
            Some(Topic::WindowsDriver)
        );
        assert_eq!(topic(Code::OpenFailed, Some(Access), Platform::Other), None);
        assert_eq!(
            topic(Code::OpenFailed, Some(NotSupported), linux),
            Some(Topic::WindowsDriver)
        );
        assert_eq!(
            topic(Code::OpenFailed, Some(Busy), linux),
            Some(Topic::Busy)
        );
        assert_eq!(
            topic(Code::DfuNotBackAfterDetach, Some(NoDevice), linux),
            Some(Topic::NotBackAfterDetach)
        );
        assert_eq!(topic(Code::WrongChip, None, linux), Some(Topic::WrongChip));
        assert_eq!(topic(Code::DfuTransferFailed, Some(NoDevice), linux), None);
    }

    #[test]
    fn no_board_opens_once_then_the_wiring_once() {
        let mut watch = Watch::default();
        let registry = Registry::default();
        let mut at = |now| watch.tick(now, &registry, None, None, false);
        assert_eq!(at(0.0), (None, Some(NO_BOARD_AFTER)));
        let (opening, next) = at(NO_BOARD_AFTER + 1.0);
        assert_eq!(opening.unwrap().topic, Topic::NoBoard);
        assert_eq!(next, Some(NO_BOARD_AFTER + 1.0 + WIRING_AFTER));
        assert_eq!(at(12.0).0, None);
        assert_eq!(at(40.0).0.unwrap().topic, Topic::Wiring);
        assert_eq!(at(100.0), (None, None));
    }
}
