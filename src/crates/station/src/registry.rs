//! The boards the UI shows, folded from station events: pure data, no I/O.

use std::time::Instant;

use super::demo::DEMO;
use super::factory::Shift;
use super::line_link::LineState;
use super::{Device, DeviceId, Event, JobProgress, Outcome};
use dfu::InterfaceMode;
use usb::UNKNOWN;

/// What a board is doing, or how its last flash ended.
#[derive(Debug, Clone, PartialEq)]
pub enum BoardState {
    /// Listed, not flashing, no result yet.
    Idle,
    /// A flash runs; where it is.
    Flashing(JobProgress),
    /// The last flash ended so.
    Done(Outcome),
}

impl BoardState {
    /// The state in a word or two, the same in the window and on the command line:
    /// `Ready`, `Writing app.bin 42%`, `Waiting for the board`, `PASS`, `FAIL` (in
    /// Chinese 通过, 失败).
    pub fn words(&self) -> String {
        match self {
            BoardState::Idle => i18n::t!("station-ready"),
            BoardState::Flashing(p) if p.total > 0 => {
                format!("{} {:.0}%", p.headline(), p.fraction() * 100.0)
            }
            BoardState::Flashing(p) => p.headline(),
            BoardState::Done(Outcome::Pass { .. }) => i18n::t!("station-pass"),
            BoardState::Done(Outcome::Fail { .. }) => i18n::t!("station-fail"),
        }
    }
}

/// One board in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    /// The board as it last enumerated.
    pub device: Device,
    /// On the bus now. A flashing board is off it while it re-enumerates; a board with a
    /// result stays listed when unplugged, so the result can still be read.
    pub present: bool,
    /// What it is doing.
    pub state: BoardState,
    /// The unit (row of the per-board data) its current or last flash was given.
    pub unit: Option<String>,
}

impl BoardRow {
    /// Whether a flash runs.
    pub fn flashing(&self) -> bool {
        matches!(self.state, BoardState::Flashing(_))
    }
}

/// Boards by id, and the shift's counts. A board that comes back in download boot
/// (runtime) mode is a fresh one: its row turns idle; one that comes back in DFU mode is
/// the same board re-enumerating: its state stays. Unplugging removes idle rows only.
#[derive(Debug, Default)]
pub struct Registry {
    rows: Vec<BoardRow>,
    shift: Shift,
    /// Per-board data: rows left and rows in all, as last reported.
    rows_left: Option<(usize, usize)>,
    /// The line's store, as last reported.
    line: Option<LineState>,
}

impl Registry {
    /// The rows, by source and port path.
    pub fn rows(&self) -> &[BoardRow] {
        &self.rows
    }

    /// The row of `id`.
    pub fn row(&self, id: &DeviceId) -> Option<&BoardRow> {
        self.rows.iter().find(|r| &r.device.id == id)
    }

    /// Flashes passed and failed since the start.
    pub fn counts(&self) -> (u32, u32) {
        (self.shift.passed, self.shift.failed)
    }

    /// The shift's counts and start.
    pub fn shift(&self) -> &Shift {
        &self.shift
    }

    /// Per-board data: (rows left, rows in the values file), once the station said so.
    pub fn rows_left(&self) -> Option<(usize, usize)> {
        self.rows_left
    }

    /// The line's store as last reported, if the station has one.
    pub fn line(&self) -> Option<&LineState> {
        self.line.as_ref()
    }

    /// Drops a row whose board is gone.
    pub fn forget(&mut self, id: &DeviceId) {
        self.rows
            .retain(|r| &r.device.id != id || r.present || r.flashing());
    }

    /// Clears the result shown for `id` ("Flash next", "Clear"): an unplugged board
    /// leaves the list, a present one is ready again. A running flash is kept.
    pub fn clear(&mut self, id: &DeviceId) {
        self.forget(id);
        if let Some(row) = self.rows.iter_mut().find(|r| &r.device.id == id)
            && matches!(row.state, BoardState::Done(_))
        {
            row.state = BoardState::Idle;
        }
    }

    /// Takes one station event into account.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::DeviceAdded(device) => match self.position(&device.id) {
                Ok(i) => {
                    let row = &mut self.rows[i];
                    let known_serial = std::mem::replace(&mut row.device, device.clone()).serial;
                    // The same board re-enumerating in DFU mode: a serial it could not
                    // tell (the ROM answers nothing while it erases) is still the one it had.
                    if device.mode == InterfaceMode::Dfu && device.serial == UNKNOWN {
                        row.device.serial = known_serial;
                    }
                    row.present = true;
                    if !row.flashing() && device.mode == InterfaceMode::Runtime {
                        row.state = BoardState::Idle;
                        row.unit = None;
                    }
                }
                Err(i) => self.rows.insert(
                    i,
                    BoardRow {
                        device: device.clone(),
                        present: true,
                        state: BoardState::Idle,
                        unit: None,
                    },
                ),
            },
            Event::DeviceRemoved(id) => {
                if let Ok(i) = self.position(id) {
                    let row = &mut self.rows[i];
                    row.present = false;
                    if row.state == BoardState::Idle {
                        self.rows.remove(i);
                    }
                }
            }
            Event::JobStarted(id) => {
                if id.source != DEMO {
                    self.shift.started.get_or_insert_with(Instant::now);
                }
                self.set(id, BoardState::Flashing(JobProgress::starting()));
                if let Ok(i) = self.position(id) {
                    self.rows[i].unit = None;
                }
            }
            Event::UnitGiven { device, unit } => {
                if let Ok(i) = self.position(device) {
                    self.rows[i].unit = Some(unit.clone());
                }
            }
            Event::RowsLeft { left, rows } => self.rows_left = Some((*left, *rows)),
            Event::Line(state) => self.line = Some(state.clone()),
            Event::JobProgress { device, progress } => {
                self.set(device, BoardState::Flashing(progress.clone()))
            }
            Event::JobFinished { device, outcome } => {
                match outcome {
                    _ if device.source == DEMO => {}
                    Outcome::Pass { .. } => self.shift.passed += 1,
                    Outcome::Fail { .. } => self.shift.failed += 1,
                }
                self.set(device, BoardState::Done(outcome.clone()));
            }
            Event::ImageLoaded { .. }
            | Event::DemoStarted
            | Event::LogOpened { .. }
            | Event::Logged(_)
            | Event::LogPaused(_)
            | Event::SoundSilent(_)
            | Event::UnitsSpent(_) => {}
        }
    }

    fn position(&self, id: &DeviceId) -> Result<usize, usize> {
        self.rows.binary_search_by(|r| r.device.id.cmp(id))
    }

    fn set(&mut self, id: &DeviceId, state: BoardState) {
        if let Ok(i) = self.position(id) {
            self.rows[i].state = state;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn device(mode: InterfaceMode) -> Device {
        Device {
            id: DeviceId {
                source: "usb",
                path: "1-1".into(),
            },
            vid: 0x303A,
            pid: 0x0002,
            mode,
            serial: "0".into(),
        }
    }

    /// A registry whose one board started a flash, then left the bus to re-enumerate.
    fn left_the_bus_while_flashing() -> (Registry, DeviceId) {
        let mut registry = Registry::default();
        let id = device(InterfaceMode::Runtime).id;
        registry.apply(&Event::DeviceAdded(device(InterfaceMode::Runtime)));
        registry.apply(&Event::JobStarted(id.clone()));
        registry.apply(&Event::DeviceRemoved(id.clone()));
        (registry, id)
    }

    #[test]
    fn a_board_shows_the_unit_it_was_given_until_a_fresh_board_takes_its_place() {
        let (mut registry, id) = left_the_bus_while_flashing();
        assert_eq!(registry.rows_left(), None);
        registry.apply(&Event::UnitGiven {
            device: id.clone(),
            unit: "SN-0007".into(),
        });
        registry.apply(&Event::RowsLeft { left: 3, rows: 10 });
        assert_eq!(registry.rows_left(), Some((3, 10)));
        registry.apply(&Event::DeviceAdded(device(InterfaceMode::Dfu)));
        registry.apply(&Event::JobFinished {
            device: id.clone(),
            outcome: Outcome::Pass {
                elapsed: Duration::from_secs(1),
            },
        });
        assert_eq!(registry.row(&id).unwrap().unit.as_deref(), Some("SN-0007"));
        registry.apply(&Event::DeviceRemoved(id.clone()));
        registry.apply(&Event::DeviceAdded(device(InterfaceMode::Runtime)));
        assert_eq!(registry.row(&id).unwrap().unit, None);
    }

    #[test]
    fn a_result_survives_re_enumeration_and_a_fresh_board_turns_the_row_idle() {
        let (mut registry, id) = left_the_bus_while_flashing();
        assert!(registry.row(&id).is_some(), "a flashing board stays listed");
        registry.apply(&Event::JobFinished {
            device: id.clone(),
            outcome: Outcome::Pass {
                elapsed: Duration::from_secs(1),
            },
        });
        // Hotplug news of the re-enumeration may come after the result.
        registry.apply(&Event::DeviceAdded(device(InterfaceMode::Dfu)));
        assert!(matches!(
            registry.row(&id).unwrap().state,
            BoardState::Done(_)
        ));
        assert_eq!(registry.counts(), (1, 0));
        registry.apply(&Event::DeviceRemoved(id.clone()));
        assert!(!registry.row(&id).unwrap().present, "the result stays");
        registry.apply(&Event::DeviceAdded(device(InterfaceMode::Runtime)));
        assert_eq!(registry.row(&id).unwrap().state, BoardState::Idle);
        registry.apply(&Event::DeviceRemoved(id.clone()));
        assert!(
            registry.row(&id).is_none(),
            "an idle board leaves with its row"
        );
    }

    #[test]
    fn demo_boards_never_count_in_the_shift() {
        let mut registry = Registry::default();
        let demo = Device {
            id: DeviceId {
                source: DEMO,
                path: "1-1".into(),
            },
            ..device(InterfaceMode::Dfu)
        };
        registry.apply(&Event::DeviceAdded(demo.clone()));
        registry.apply(&Event::JobStarted(demo.id.clone()));
        registry.apply(&Event::JobFinished {
            device: demo.id.clone(),
            outcome: Outcome::Pass {
                elapsed: Duration::from_secs(1),
            },
        });
        assert!(matches!(
            registry.row(&demo.id).unwrap().state,
            BoardState::Done(_)
        ));
        assert_eq!(registry.shift(), &Shift::default());
    }

    #[test]
    fn the_state_words_are_in_the_threads_language() {
        use dfu::Phase;
        use i18n::{Lang, with_lang};
        let pass = BoardState::Done(Outcome::Pass {
            elapsed: Duration::from_secs(1),
        });
        let writing = BoardState::Flashing(JobProgress {
            phase: Phase::Writing,
            done: 42,
            total: 100,
            part: Some(crate::FilePart::new("app.bin", 1, 1)),
            ..JobProgress::starting()
        });
        let words = || [BoardState::Idle.words(), pass.words(), writing.words()];
        assert_eq!(
            with_lang(Lang::En, words),
            ["Ready", "PASS", "Writing app.bin 42%"]
        );
        assert_eq!(
            with_lang(Lang::ZhCn, words),
            ["就绪", "通过", "正在写入 app.bin 42%"]
        );
    }

    #[test]
    fn a_board_busy_erasing_keeps_its_serial_when_it_re_enumerates() {
        let (mut registry, id) = left_the_bus_while_flashing();
        registry.apply(&Event::DeviceAdded(Device {
            serial: UNKNOWN.into(),
            ..device(InterfaceMode::Dfu)
        }));
        let row = registry.row(&id).unwrap();
        assert_eq!(row.device.mode, InterfaceMode::Dfu);
        assert_eq!(row.device.serial, "0");

        // A fresh board at the port whose serial cannot be read does not inherit one.
        registry.apply(&Event::DeviceRemoved(id.clone()));
        registry.apply(&Event::DeviceAdded(Device {
            serial: UNKNOWN.into(),
            ..device(InterfaceMode::Runtime)
        }));
        assert_eq!(registry.row(&id).unwrap().device.serial, UNKNOWN);
    }
}
