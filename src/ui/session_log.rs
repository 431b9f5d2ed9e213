//! The session log: one line per thing that happened, stamped with the app's time, and
//! the bottom panel that shows it with "Copy log". It keeps the last [`MAX_LINES`] lines
//! (a station runs for days) and counts those it dropped.

use std::collections::VecDeque;

use eframe::egui;

use i18n::decimal;
use station::{BoardState, Event, Outcome, Registry};

/// How many lines the session log keeps.
pub const MAX_LINES: usize = 5000;

/// Log lines, oldest first.
#[derive(Debug, Default)]
pub struct Log {
    lines: VecDeque<String>,
    /// Older lines dropped to keep [`MAX_LINES`].
    dropped: u64,
}

impl Log {
    /// Adds the line `event` deserves, if any; `registry` is the state before the event.
    pub fn record(&mut self, time: f64, event: &Event, registry: &Registry) {
        let Some(text) = describe(event, registry) else {
            return;
        };
        let seconds = time as u64;
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(format!(
            "{:02}:{:02}:{:02}  {text}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        ));
    }

    /// The whole log as text, after how many older lines were dropped, if any were.
    pub fn text(&self) -> String {
        let dropped = self.dropped_note().into_iter();
        let lines = self.lines.iter().map(String::as_str);
        dropped
            .chain(lines.map(str::to_owned))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `(1234 older lines dropped)`, once lines were dropped.
    fn dropped_note(&self) -> Option<String> {
        (self.dropped > 0).then(|| i18n::t!("station-log-dropped", count = self.dropped))
    }

    /// The panel: a header with show/hide and "Copy log", then the lines.
    pub fn show(&self, ui: &mut egui::Ui, open: &mut bool) {
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
            if let Some(note) = self.dropped_note() {
                ui.label(egui::RichText::new(note).weak());
            }
            // Collapsed, the log is one status line: its last.
            if !*open && let Some(last) = self.lines.back() {
                ui.add(egui::Label::new(egui::RichText::new(last).monospace().weak()).truncate());
            }
        });
        if *open {
            let height = ui.text_style_height(&egui::TextStyle::Monospace);
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .stick_to_bottom(true)
                .show_rows(ui, height, self.lines.len(), |ui, rows| {
                    for line in self.lines.range(rows) {
                        ui.label(egui::RichText::new(line).monospace());
                    }
                });
        }
    }
}

/// What a log line says about `event` (the time aside).
fn describe(event: &Event, registry: &Registry) -> Option<String> {
    Some(match event {
        Event::DeviceAdded(device) => i18n::t!(
            "station-log-board-arrived",
            path = device.id.path.as_str(),
            chip = device.chip_name(),
            mode = device.mode_name(),
            serial = device.serial.as_str(),
        ),
        Event::DeviceRemoved(id) => i18n::t!("station-log-board-left", path = id.path.as_str()),
        Event::ImageLoaded { path, result } => match result {
            Ok(image) => i18n::t!(
                "station-log-loaded",
                path = path.display().to_string(),
                size = i18n::size(image.file.len() as u64),
                sha256 = image.image.short_sha256(),
            ),
            Err(error) => i18n::t!(
                "station-log-refused",
                path = path.display().to_string(),
                code = error.code().as_str(),
                message = error.message(),
            ),
        },
        Event::JobStarted(id) => i18n::t!("station-log-flashing", path = id.path.as_str()),
        Event::JobProgress { device, progress } => {
            let before = registry.row(device).map(|r| &r.state);
            if let Some(BoardState::Flashing(p)) = before
                && p.phase == progress.phase
                && p.part == progress.part
            {
                return None;
            }
            format!("{}  {}", device.path, progress.headline())
        }
        Event::JobFinished { device, outcome } => match outcome {
            Outcome::Pass { elapsed } => i18n::t!(
                "station-log-pass",
                path = device.path.as_str(),
                seconds = decimal(elapsed.as_secs_f64(), 1),
            ),
            Outcome::Fail(failure) => i18n::t!(
                "station-log-fail",
                path = device.path.as_str(),
                code = failure.code().as_str(),
                reason = failure.message(),
            ),
        },
        Event::LogOpened { folder, .. } => {
            i18n::t!("station-log-folder", folder = folder.display().to_string())
        }
        Event::LogPaused(pause) => pause.banner(),
        Event::SoundSilent(why) => i18n::t!("station-log-no-tones", why = why.as_str()),
        Event::UnitsSpent(units) => i18n::t!(
            "station-line-units-spent",
            count = units.len(),
            units = units.join(", ")
        ),
        Event::Logged(_) | Event::RowsLeft { .. } | Event::UnitGiven { .. } | Event::Line(_) => {
            return None;
        }
        Event::DemoStarted => i18n::t!("station-log-demo"),
    })
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
            with_lang(Lang::ZhCn, || describe(&pass, &registry)).unwrap(),
            "1-1  通过，用时 3.1 秒"
        );
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
