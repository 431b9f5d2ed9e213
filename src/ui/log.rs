//! The session log: one line per thing that happened, stamped with the app's time, and
//! the bottom panel that shows it with "Copy log".

use eframe::egui;

use crate::station::{BoardState, Event, Outcome, Registry};

/// Log lines, oldest first.
#[derive(Debug, Default)]
pub struct Log {
    lines: Vec<String>,
}

impl Log {
    /// Adds the line `event` deserves, if any; `registry` is the state before the event.
    pub fn record(&mut self, time: f64, event: &Event, registry: &Registry) {
        let Some(text) = describe(event, registry) else {
            return;
        };
        let seconds = time as u64;
        self.lines.push(format!(
            "{:02}:{:02}:{:02}  {text}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        ));
    }

    /// The whole log as text.
    pub fn text(&self) -> String {
        self.lines.join("\n")
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
        });
        if *open {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    for line in &self.lines {
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
        Event::LogFailed(message) => message.clone(),
        Event::SoundSilent(why) => format!("No result tones: {why}"),
        Event::DialogClosed | Event::FilePicked { .. } | Event::Logged(_) => return None,
        Event::DemoStarted => "Demo mode: emulated boards on an in-process bus".to_owned(),
    })
}
