//! The selected board (Desk, step 2 and the result): its readiness line, a large progress
//! bar while it flashes, and the result as a banner: PASS or FAIL with an icon, one line
//! on what to do now, and the technical detail under "Details". What to do about a
//! result, "Flash again" (after a FAIL) and "Flash next", is step 3's ([`result_actions`]),
//! always in sight.

use eframe::egui::{self, Color32, RichText};

use super::app::ImageState;
use super::status::{self, Status, Tone};
use super::style::{ACCENT, FAIL, PASS, size};
use i18n::decimal;
use i18n::t;
use station::advice::failure_headline;
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
        Some(row) if matches!(row.state, BoardState::Done(Outcome::Fail(_))) => {
            Some(t!("window-refusal-flash-again"))
        }
        Some(row) if matches!(row.state, BoardState::Done(_)) => {
            Some(t!("window-refusal-flash-next"))
        }
        Some(row) if !image.fits(&row.device) => {
            Some(t!("window-wrong-chip", chip = image.made_for()))
        }
        Some(_) => None,
    }
}

/// Why "Flash again" cannot flash `row` with `image`, if it cannot: as the primary
/// action, but a result is what it clears.
fn again_refusal(row: &BoardRow, image: Option<&LoadedImage>) -> Option<String> {
    let idle = BoardRow {
        state: BoardState::Idle,
        ..row.clone()
    };
    flash_refusal(Some(&idle), image)
}

/// A board's readiness in a few words, with the file as the window has it: a file being
/// checked or refused is not "Open a firmware file". Everything else is
/// [`status::board`]'s.
pub fn readiness(row: &BoardRow, image: &ImageState) -> Status {
    let status = |tone, text| Status { tone, text };
    match (&row.state, image) {
        (BoardState::Idle, ImageState::Loading(_)) if row.present => {
            status(Tone::Neutral, t!("window-ready-checking-file"))
        }
        (BoardState::Idle, ImageState::Invalid { .. }) if row.present => {
            status(Tone::Neutral, t!("window-ready-file-refused"))
        }
        _ => status::board(row, image.loaded().map(|i| &**i)),
    }
}

/// What the card asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    /// Flash the board again with the same file (after a FAIL).
    FlashAgain,
    /// Clear the result and go on with the next board.
    FlashNext,
}

/// The card of the selected board.
pub fn show(ui: &mut egui::Ui, row: &BoardRow, image: &ImageState, commands: &mut Vec<Command>) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let device = &row.device;
            ui.add(
                egui::Label::new(
                    RichText::new(t!(
                        "window-step-board",
                        chip = device.chip_name(),
                        path = device.id.path.as_str(),
                    ))
                    .size(size::HEADING),
                )
                .wrap(),
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
                BoardState::Done(outcome) => banner(ui, outcome),
                BoardState::Idle => {
                    readiness(row, image).show(ui, size::EMPHASIS);
                }
            }
        });
}

/// Step 3 once the selected board shows a result: after a FAIL "Flash again" (the
/// primary action; off with its reason when the board or the file cannot be flashed)
/// beside "Flash next"; after a PASS "Flash next", the primary action. `None` when the
/// board shows no result (step 3 is the Flash button then).
pub fn result_actions(
    ui: &mut egui::Ui,
    row: &BoardRow,
    image: Option<&LoadedImage>,
) -> Option<Option<CardAction>> {
    let BoardState::Done(outcome) = &row.state else {
        return None;
    };
    let failed = matches!(outcome, Outcome::Fail(_));
    let again = failed.then(|| again_refusal(row, image));
    let mut action = None;
    let primary = |text: String| {
        let text = RichText::new(text).size(size::ACTION).strong();
        egui::Button::new(text.color(Color32::WHITE))
            .fill(ACCENT)
            .min_size([220.0, 48.0].into())
    };
    ui.horizontal_wrapped(|ui| {
        if let Some(refusal) = &again {
            let button = match refusal {
                None => primary(t!("window-flash-again")),
                // Off, plainly grey: never the accent colour.
                Some(_) => egui::Button::new(
                    RichText::new(t!("window-flash-again"))
                        .size(size::ACTION)
                        .strong(),
                )
                .min_size([220.0, 48.0].into()),
            };
            let clicked = ui
                .add_enabled(refusal.is_none(), button)
                .on_hover_text(t!("window-flash-again-hint"))
                .on_disabled_hover_text(refusal.as_deref().unwrap_or_default())
                .clicked();
            if clicked {
                action = Some(CardAction::FlashAgain);
            }
        }
        let next = if failed {
            let text = RichText::new(t!("window-flash-next")).size(size::ACTION);
            egui::Button::new(text).min_size([160.0, 48.0].into())
        } else {
            primary(t!("window-flash-next"))
        };
        if ui
            .add(next)
            .on_hover_text(t!("window-flash-next-hint"))
            .clicked()
        {
            action = Some(CardAction::FlashNext);
        }
    });
    if let Some(Some(why)) = &again {
        ui.add(egui::Label::new(RichText::new(why).size(size::EMPHASIS).strong()).wrap());
    }
    Some(action)
}

/// PASS or FAIL, large, with its icon and what to do now; after a FAIL, the technical
/// detail under "Details". The banner's size follows the window's height, so that the
/// result and what to do fit the smallest window.
fn banner(ui: &mut egui::Ui, outcome: &Outcome) {
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
            failure_headline(failure),
        ),
    };
    let big = size::BANNER.min(ui.ctx().content_rect().height() * 0.1);
    egui::Frame::new()
        .fill(fill)
        .corner_radius(8.0)
        .inner_margin(16.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("{} {word}", tone.icon()))
                    .size(big)
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
        });
    if let Outcome::Fail(failure) = outcome {
        egui::CollapsingHeader::new(t!("window-details"))
            .id_salt("fail_details")
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(failure.message()).size(size::REASON)).wrap(),
                );
                ui.add(egui::Label::new(station::advice::next_step(failure)).wrap());
                let code = t!("window-error-code", code = failure.code().as_str());
                ui.label(RichText::new(code).weak());
            });
    }
}

/// A flash under way: what it does now, above the bar (wrapped, never over it), the bar,
/// then the pace, the time left and the bytes.
fn flashing(ui: &mut egui::Ui, progress: &JobProgress) {
    let percent = progress.fraction() * 100.0;
    ui.add(
        egui::Label::new(
            RichText::new(format!("{} · {percent:.0}%", progress.headline())).size(size::EMPHASIS),
        )
        .wrap(),
    );
    ui.add(egui::ProgressBar::new(progress.fraction()).desired_height(24.0));
    ui.horizontal_wrapped(|ui| {
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
