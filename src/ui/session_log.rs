//! The session log: one line per thing that happened, stamped with the app's time, and
//! the bottom panel that shows it with "Copy log". Each line is in plain words; a refused
//! file or a failed flash also keeps its technical detail (the failure code and English
//! message), shown only when "Details" is ticked and always copied with the log (the
//! support report carries it). It keeps the last [`MAX_LINES`] lines (a station runs for
//! days) and counts those it dropped.

use std::collections::VecDeque;

use eframe::egui;

use failure::Failure;
use i18n::decimal;
use station::advice::failure_headline;
use station::{BoardState, Event, Outcome, Registry};

/// How many lines the session log keeps.
pub const MAX_LINES: usize = 5000;

/// One thing that happened.
#[derive(Debug)]
struct Line {
    /// The time and what happened, in plain words.
    text: String,
    /// The engineer's detail: `[dfu-transfer-failed] The DNLOAD request failed...`.
    detail: Option<String>,
}

/// Log lines, oldest first.
#[derive(Debug, Default)]
pub struct Log {
    lines: VecDeque<Line>,
    /// Older lines dropped to keep [`MAX_LINES`].
    dropped: u64,
    /// The technical detail is shown under each line that has one.
    details: bool,
}

impl Log {
    /// Adds the line `event` deserves, if any; `registry` is the state before the event.
    pub fn record(&mut self, time: f64, event: &Event, registry: &Registry) {
        let Some((text, detail)) = describe(event, registry) else {
            return;
        };
        let seconds = time as u64;
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
        let text = format!(
            "{:02}:{:02}:{:02}  {text}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
        self.lines.push_back(Line { text, detail });
    }

    /// The whole log as text, after how many older lines were dropped, if any were; each
    /// line's detail on the next line, indented.
    pub fn text(&self) -> String {
        let dropped = self.dropped_note().into_iter();
        let lines = self.lines.iter().flat_map(|line| {
            let detail = line.detail.as_ref().map(|d| format!("          {d}"));
            [line.text.clone()].into_iter().chain(detail)
        });
        dropped.chain(lines).collect::<Vec<_>>().join("\n")
    }

    /// `(1234 older lines dropped)`, once lines were dropped.
    fn dropped_note(&self) -> Option<String> {
        (self.dropped > 0).then(|| i18n::t!("station-log-dropped", count = self.dropped))
    }

    /// The panel: a header with show/hide, "Copy log" and (open) "Details", then the lines.
    pub fn show(&mut self, ui: &mut egui::Ui, open: &mut bool) {
        ui.horizontal(|ui| {
            let count = self.lines.len();
            let label = if *open {
                i18n::t!("station-log-hide", count = count)
            } else {
                i18n::t!("station-log-show", count = count)
            };
            if ui
                .button(label)
                .on_hover_text(i18n::t!("station-log-show-hint"))
                .clicked()
            {
                *open = !*open;
            }
            if ui.button(i18n::t!("station-log-copy")).clicked() {
                ui.ctx().copy_text(self.text());
            }
            if *open {
                ui.checkbox(&mut self.details, i18n::t!("window-details"));
            }
            if let Some(note) = self.dropped_note() {
                ui.label(egui::RichText::new(note).weak());
            }
            // Collapsed, the log is one status line: its last, in plain words.
            if !*open && let Some(last) = self.lines.back() {
                let text = egui::RichText::new(&last.text).monospace().weak();
                ui.add(egui::Label::new(text).truncate());
            }
        });
        if *open {
            let height = ui.text_style_height(&egui::TextStyle::Monospace);
            let rows: Vec<(&str, bool)> = (self.lines.iter())
                .flat_map(|line| {
                    let detail = line.detail.as_deref().filter(|_| self.details);
                    [(line.text.as_str(), false)]
                        .into_iter()
                        .chain(detail.map(|d| (d, true)))
                })
                .collect();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .stick_to_bottom(true)
                .show_rows(ui, height, rows.len(), |ui, range| {
                    for &(text, detail) in &rows[range] {
                        let text = egui::RichText::new(text).monospace();
                        if detail {
                            ui.horizontal(|ui| {
                                ui.add_space(72.0);
                                ui.label(text.weak());
                            });
                        } else {
                            ui.label(text);
                        }
                    }
                });
        }
    }
}

/// A failure's detail for the engineer: its code and English message.
fn detail(failure: &Failure) -> Option<String> {
    Some(format!("[{}] {}", failure.code(), failure.message()))
}

/// What a log line says about `event` (the time aside), and its detail, if any.
fn describe(event: &Event, registry: &Registry) -> Option<(String, Option<String>)> {
    let plain = |text: String| Some((text, None));
    match event {
        Event::DeviceAdded(device) => plain(i18n::t!(
            "station-log-board-arrived",
            path = device.id.path.as_str(),
            chip = device.chip_name(),
            mode = device.mode_name(),
            serial = device.serial.as_str(),
        )),
        Event::DeviceRemoved(id) => {
            plain(i18n::t!("station-log-board-left", path = id.path.as_str()))
        }
        Event::ImageLoaded { path, result } => match result {
            Ok(image) => plain(i18n::t!(
                "station-log-loaded",
                path = path.display().to_string(),
                size = i18n::size(image.file.len() as u64),
                sha256 = image.image.short_sha256(),
            )),
            Err(error) => Some((
                i18n::t!(
                    "station-log-refused",
                    path = path.display().to_string(),
                    reason = failure_headline(error),
                ),
                detail(error),
            )),
        },
        Event::JobStarted(id) => plain(i18n::t!("station-log-flashing", path = id.path.as_str())),
        Event::JobProgress { device, progress } => {
            let before = registry.row(device).map(|r| &r.state);
            if let Some(BoardState::Flashing(p)) = before
                && p.phase == progress.phase
                && p.part == progress.part
            {
                return None;
            }
            plain(format!("{}  {}", device.path, progress.headline()))
        }
        Event::JobFinished { device, outcome } => match outcome {
            Outcome::Pass { elapsed } => plain(i18n::t!(
                "station-log-pass",
                path = device.path.as_str(),
                seconds = decimal(elapsed.as_secs_f64(), 1),
            )),
            Outcome::Fail(failure) => Some((
                i18n::t!(
                    "station-log-fail",
                    path = device.path.as_str(),
                    reason = failure_headline(failure),
                ),
                detail(failure),
            )),
        },
        Event::LogOpened { folder, .. } => plain(i18n::t!(
            "station-log-folder",
            folder = folder.display().to_string()
        )),
        Event::LogPaused(pause) => plain(pause.banner()),
        Event::SoundSilent(why) => plain(i18n::t!("station-log-no-tones", why = why.as_str())),
        Event::UnitsSpent(units) => plain(i18n::t!(
            "station-line-units-spent",
            count = units.len(),
            units = units.join(", ")
        )),
        Event::Logged(_) | Event::RowsLeft { .. } | Event::UnitGiven { .. } | Event::Line(_) => {
            None
        }
        Event::DemoStarted => plain(i18n::t!("station-log-demo")),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use i18n::{Lang, with_lang};
    use station::DeviceId;

    #[test]
    fn log_lines_are_in_the_threads_language() {
        let registry = Registry::default();
        let mut log = Log {
            dropped: 1,
            ..Log::default()
        };
        let device = DeviceId {
            source: "demo",
            path: "1-1".into(),
        };
        let pass = Event::JobFinished {
            device,
            outcome: Outcome::Pass {
                elapsed: Duration::from_millis(3140),
            },
        };
        log.record(3723.0, &pass, &registry);
        assert_eq!(
            with_lang(Lang::En, || log.text()),
            "(1 older line dropped)\n01:02:03  1-1  PASS in 3.1 s"
        );
        log.dropped = 2;
        assert_eq!(
            with_lang(Lang::ZhCn, || log.text()),
            "（已丢弃 2 行较早的日志）\n01:02:03  1-1  PASS in 3.1 s"
        );
        assert_eq!(
            with_lang(Lang::ZhCn, || describe(&pass, &registry))
                .unwrap()
                .0,
            "1-1  通过，用时 3.1 秒"
        );
    }

    /// A failed flash's line says what happened in plain words; the code and the
    /// protocol's words are its detail, copied with the log (and in the support report)
    /// but not on the line the window always shows.
    #[test]
    fn a_failure_reads_plainly_and_keeps_its_detail() {
        let registry = Registry::default();
        let mut log = Log::default();
        let device = DeviceId {
            source: "demo",
            path: "1-1".into(),
        };
        let failure = Failure::new(
            failure::Code::DfuTransferFailed,
            "The DNLOAD request failed while writing (block 5210): the device is gone.",
        );
        let fail = Event::JobFinished {
            device,
            outcome: Outcome::Fail(failure),
        };
        with_lang(Lang::En, || log.record(5.0, &fail, &registry));
        let line = &log.lines[0];
        assert_eq!(
            line.text,
            "00:00:05  1-1  FAIL: The connection to the board broke. Check the cable and flash again."
        );
        assert!(!line.text.contains("DNLOAD") && !line.text.contains("block"));
        assert_eq!(
            line.detail.as_deref(),
            Some(
                "[dfu-transfer-failed] The DNLOAD request failed while writing (block 5210): the device is gone."
            )
        );
        assert!(log.text().ends_with("\n          [dfu-transfer-failed] The DNLOAD request failed while writing (block 5210): the device is gone."));
    }

    #[test]
    fn the_log_keeps_its_last_lines_and_counts_the_dropped_ones() {
        let mut log = Log::default();
        let registry = Registry::default();
        for n in 0..MAX_LINES + 3 {
            let id = DeviceId {
                source: "demo",
                path: format!("1-{n}"),
            };
            log.record(n as f64, &Event::DeviceRemoved(id), &registry);
        }
        assert_eq!(log.lines.len(), MAX_LINES);
        assert_eq!(log.dropped, 3);
        let text = log.text();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("(3 older lines dropped)"));
        assert!(lines.next().unwrap().ends_with("1-3  left the bus"));
        assert!(text.ends_with(&format!("1-{}  left the bus", MAX_LINES + 2)));
    }
}
