//! The selected board (Desk, step 2 and the result): its readiness line, a large progress
//! bar while it flashes, and the result as a banner: PASS or FAIL with an icon, one line
//! on what to do now, "Flash next", and the technical detail under "Details".

use eframe::egui::{self, Color32, RichText};

use super::status::{self, Tone};
use super::style::{FAIL, PASS, size};
use i18n::decimal;
use i18n::t;
use station::advice::headline;
use station::{BoardRow, BoardState, Command, JobProgress, LoadedImage, Outcome};

/// Why the primary action cannot flash `row` with `image`, if it cannot, in plain words.
pub fn flash_refusal(row: Option<&BoardRow>, image: Option<&LoadedImage>) -> Option<String> {
    let Some(image) = image else {
        return Some(t!("window-refusal-open-file"));
    };
    match row {
        None => Some(t!("window-refusal-plug-in")),
        Some(row) if !row.present => Some(t!("window-refusal-unplugged")),
        Some(row) if row.flashing() => Some(t!("window-refusal-flashing")),
        Some(row) if matches!(row.state, BoardState::Done(_)) => {
            Some(t!("window-refusal-flash-next"))
        }
        Some(row) if !image.fits(&row.device) => {
            Some(t!("window-wrong-chip", chip = image.made_for()))
        }
        Some(_) => None,
    }
}

/// What the card asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    /// Clear the result and go on with the next board.
    FlashNext,
}

/// The card of the selected board.
pub fn show(
    ui: &mut egui::Ui,
    row: &BoardRow,
    image: Option<&LoadedImage>,
    commands: &mut Vec<Command>,
) -> Option<CardAction> {
    let mut action = None;
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let device = &row.device;
            ui.label(
                RichText::new(t!(
                    "window-step-board",
                    chip = device.chip_name(),
                    path = device.id.path.as_str(),
                ))
                .size(size::HEADING),
            );
            ui.add_space(4.0);
            match &row.state {
                BoardState::Flashing(progress) => {
                    flashing(ui, progress);
                    if ui
                        .add(egui::Button::new(t!("window-cancel")).min_size([90.0, 28.0].into()))
                        .on_hover_text(t!("window-cancel-hint"))
                        .clicked()
                    {
                        commands.push(Command::Cancel(device.id.clone()));
                    }
                }
                BoardState::Done(outcome) => action = banner(ui, outcome),
                BoardState::Idle => {
                    status::board(row, image).show(ui, size::EMPHASIS);
                }
            }
        });
    action
}

/// PASS or FAIL, large, with its icon, what to do now and "Flash next".
fn banner(ui: &mut egui::Ui, outcome: &Outcome) -> Option<CardAction> {
    let (fill, tone, word, now) = match outcome {
        Outcome::Pass { elapsed } => (
            PASS,
            Tone::Pass,
            t!("station-pass"),
            t!(
                "window-pass-press-reset",
                seconds = decimal(elapsed.as_secs_f64(), 1),
            ),
        ),
        Outcome::Fail(failure) => (
            FAIL,
            Tone::Fail,
            t!("station-fail"),
            headline(failure.code()),
        ),
    };
    let mut action = None;
    egui::Frame::new()
        .fill(fill)
        .corner_radius(8.0)
        .inner_margin(16.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("{} {word}", tone.icon()))
                    .size(size::BANNER)
                    .strong()
                    .color(Color32::WHITE),
            );
            ui.add(
                egui::Label::new(
                    RichText::new(now)
                        .size(size::ACTION)
                        .strong()
                        .color(Color32::WHITE),
                )
                .wrap(),
            );
            ui.add_space(6.0);
            let next =
                egui::Button::new(RichText::new(t!("window-flash-next")).size(size::EMPHASIS))
                    .min_size([140.0, 34.0].into());
            if ui
                .add(next)
                .on_hover_text(t!("window-flash-next-hint"))
                .clicked()
            {
                action = Some(CardAction::FlashNext);
            }
        });
    if let Outcome::Fail(failure) = outcome {
        egui::CollapsingHeader::new(t!("window-details"))
            .id_salt("fail_details")
            .show(ui, |ui| {
                ui.label(RichText::new(failure.message()).size(size::REASON));
                ui.label(station::advice::next_step(failure));
                let code = t!("window-error-code", code = failure.code().as_str());
                ui.label(RichText::new(code).weak());
            });
    }
    action
}

fn flashing(ui: &mut egui::Ui, progress: &JobProgress) {
    let percent = progress.fraction() * 100.0;
    // The words above the bar, never printed over it.
    ui.label(
        RichText::new(format!("{} · {percent:.0}%", progress.headline())).size(size::EMPHASIS),
    );
    ui.add(egui::ProgressBar::new(progress.fraction()).desired_height(24.0));
    ui.horizontal(|ui| {
        if let Some(rate) = progress.bytes_per_second {
            ui.label(t!("window-rate", size = i18n::size(rate as u64)));
            ui.separator();
        }
        if let Some(eta) = progress.eta {
            let seconds = eta.as_secs();
            let time = format!("{}:{:02}", seconds / 60, seconds % 60);
            ui.label(t!("window-time-left", time = time));
            ui.separator();
        }
        if progress.total > 0 {
            ui.label(t!(
                "window-done-of-total",
                done = i18n::size(progress.done),
                total = i18n::size(progress.total),
            ));
        }
    });
}
