//! The production log tab: the last records (newest first), the folder with "Open
//! folder" (in the file manager) and "Choose folder..." (both off the UI thread).

use std::collections::VecDeque;
use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::dialogs::{Answer, Dialog};
use super::style::{FAIL, PASS, WARN};
use i18n::decimal;
use station::Event;
use station::factory::RECENT_RECORDS;
use station::records::production_log::{LogPause, Record, Verdict};

/// What the tab shows.
#[derive(Default)]
pub struct Production {
    folder: Option<PathBuf>,
    recent: VecDeque<Record>,
    /// Why the log cannot be written, while it cannot.
    paused: Option<LogPause>,
    /// The folder picker's answer, while it is open.
    picking: Option<Dialog>,
    /// Why the last "Choose folder..." showed no dialog.
    unavailable: Option<String>,
}

impl Production {
    /// Takes a station event into account.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::LogOpened { folder, recent } => {
                self.folder = Some(folder.clone());
                self.recent = recent.iter().cloned().collect();
                self.paused = None;
            }
            Event::Logged(record) => {
                if self.recent.len() == RECENT_RECORDS {
                    self.recent.pop_front();
                }
                self.recent.push_back(record.clone());
            }
            Event::LogPaused(pause) => self.paused = Some(pause.clone()),
            _ => {}
        }
    }

    /// Why the production log cannot be written (flashing is paused), while it cannot.
    pub fn paused(&self) -> Option<&LogPause> {
        self.paused.as_ref()
    }

    /// A folder the picker returned, once.
    pub fn picked(&mut self) -> Option<PathBuf> {
        let answer = self.picking.as_ref()?.answer()?;
        self.picking = None;
        match answer {
            Answer::Picked(folder) => Some(folder),
            Answer::Cancelled => None,
            Answer::Unavailable(why) => {
                self.unavailable = Some(why);
                None
            }
        }
    }

    /// The tab. `locked`: the folder cannot be changed.
    pub fn show(&mut self, ui: &mut egui::Ui, locked: bool) {
        self.folder_row(ui, locked);
        if let Some(pause) = &self.paused {
            ui.label(RichText::new(pause.banner()).color(FAIL));
        }
        self.table(ui);
    }

    /// The log folder, "Open folder" and "Choose folder..." (not when `locked`).
    pub fn folder_row(&mut self, ui: &mut egui::Ui, locked: bool) {
        ui.horizontal(|ui| {
            let folder = self.folder.as_ref().map_or_else(
                || i18n::t!("station-no-log-folder"),
                |f| f.display().to_string(),
            );
            ui.label(RichText::new(folder).monospace());
            if let Some(folder) = &self.folder
                && ui
                    .button(i18n::t!("station-open-folder"))
                    .on_hover_text(i18n::t!("station-open-folder-hint"))
                    .clicked()
            {
                let folder = folder.clone();
                std::thread::spawn(move || open::that_detached(folder));
            }
            let choose = ui
                .add_enabled(
                    !locked && self.picking.is_none(),
                    egui::Button::new(i18n::t!("station-choose-folder")),
                )
                .on_hover_text(i18n::t!("station-choose-folder-hint"))
                .on_disabled_hover_text(i18n::t!("station-locked-to-profile"));
            if choose.clicked() {
                self.unavailable = None;
                self.pick(ui.ctx());
            }
        });
        if let Some(why) = &self.unavailable {
            let text = i18n::t!("station-no-folder-dialog", why = why.as_str());
            ui.label(RichText::new(text).color(WARN));
        }
    }

    /// The last records, newest first.
    fn table(&self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("production_log")
                    .striped(true)
                    .num_columns(7)
                    .show(ui, |ui| {
                        for header in [
                            "station-column-time",
                            "station-column-usb",
                            "station-column-serial",
                            "station-column-chip",
                            "station-column-result",
                            "station-column-error",
                            "station-column-duration",
                        ] {
                            let header = i18n::t!(header);
                            ui.label(RichText::new(header).strong());
                        }
                        ui.end_row();
                        for record in self.recent.iter().rev() {
                            row(ui, record);
                        }
                    });
            });
    }

    fn pick(&mut self, ctx: &egui::Context) {
        self.picking = Some(Dialog::folder(ctx, &i18n::t!("station-log-folder-title")));
    }
}

fn row(ui: &mut egui::Ui, r: &Record) {
    ui.label(RichText::new(&r.timestamp).monospace());
    ui.label(RichText::new(&r.usb_path).monospace());
    ui.label(&r.serial);
    ui.label(&r.chip);
    // The log's files say PASS, FAIL, CANCELLED; the view says them in the window's language.
    let (text, colour) = match r.result {
        Verdict::Pass => (i18n::t!("station-pass"), PASS),
        Verdict::Fail => (i18n::t!("station-fail"), FAIL),
        Verdict::Cancelled => (i18n::t!("station-cancelled"), FAIL),
    };
    ui.label(RichText::new(text).strong().color(colour));
    let error = r.error_code.map_or("", |code| code.as_str());
    let label = ui.label(error);
    if let Some(message) = &r.error_message {
        label.on_hover_text(message);
    }
    let seconds = decimal(r.duration_ms as f64 / 1000.0, 1);
    ui.label(i18n::t!("station-duration", seconds = seconds));
    ui.end_row();
}
