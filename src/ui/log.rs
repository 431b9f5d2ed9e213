//! The session log: one line per thing that happened, stamped with the app's time, and
//! the bottom panel that shows it with "Copy log". It keeps the last [`MAX_LINES`] lines
//! (a station runs for days) and counts those it dropped.

use std::collections::VecDeque;

use eframe::egui;

use crate::station::{BoardState, Event, Outcome, Registry};

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
        (self.dropped > 0).then(|| {
            let s = if self.dropped == 1 { "" } else { "s" };
            format!("({} older line{s} dropped)", self.dropped)
        })
    }

    /// The panel: a header with show/hide and "Copy log", then the lines.
    pub fn show(&self, ui: &mut egui::Ui, open: &mut bool) {
        ui.horizontal(|ui| {
            let action = if *open { "Hide log" } else { "Show log" };
            if ui
                .button(format!(
                    "{action} ({} line{})",
                    self.lines.len(),
                    if self.lines.len() == 1 { "" } else { "s" }
                ))
                .on_hover_text("Show or hide the log")
                .clicked()
            {
                *open = !*open;
            }
            if ui.button("Copy log").clicked() {
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
        Event::DeviceAdded(device) => format!(
            "{}  {} in {}, serial {}",
            device.id.path,
            device.chip_name(),
            device.mode_name(),
            device.serial
        ),
        Event::DeviceRemoved(id) => format!("{}  left the bus", id.path),
        Event::ImageLoaded { path, result } => match result {
            Ok(image) => format!(
                "Loaded {}: {}, SHA-256 {}",
                path.display(),
                crate::firmware::human_size(image.file.len() as u64),
                image.image.short_sha256()
            ),
            Err(error) => format!(
                "Refused {} [{}]: {}",
                path.display(),
                error.code,
                error.message
            ),
        },
        Event::JobStarted(id) => format!("{}  flashing", id.path),
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
            Outcome::Pass { elapsed } => {
                format!("{}  PASS in {:.1} s", device.path, elapsed.as_secs_f64())
            }
            Outcome::Fail { code, reason, .. } => {
                format!("{}  FAIL [{code}]: {reason}", device.path)
            }
        },
        Event::LogOpened { folder, .. } => format!("Production log in {}", folder.display()),
        Event::LogPaused(pause) => pause.banner(),
        Event::SoundSilent(why) => format!("No result tones: {why}"),
        Event::Logged(_) | Event::RowsLeft { .. } | Event::UnitGiven { .. } => return None,
        Event::DemoStarted => "Demo mode: emulated boards on an in-process bus".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::station::DeviceId;

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
