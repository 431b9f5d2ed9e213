//! The selected board: a large progress bar with phase, percent, throughput and ETA,
//! Cancel, and the result with what to do next.

use eframe::egui::{self, RichText};

use super::style::{FAIL, PASS, size};
use crate::firmware::human_size;
use crate::station::{BoardState, Command, JobProgress, LoadedImage, Outcome, PRESS_RESET, Row};

/// Why Flash cannot run for `row` with `image`, if it cannot.
pub fn flash_refusal(row: Option<&Row>, image: Option<&LoadedImage>) -> Option<String> {
    let Some(image) = image else {
        return Some("Open a valid DFU file first".into());
    };
    match row {
        None => Some("Select a board first".into()),
        Some(row) if !row.present => Some("The board is unplugged".into()),
        Some(row) if row.flashing() => Some("The board is being flashed".into()),
        Some(row) => image.mismatch(&row.device),
    }
}

/// The card of the selected board.
pub fn show(ui: &mut egui::Ui, row: &Row, commands: &mut Vec<Command>) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let device = &row.device;
            ui.heading(format!("{} at USB {}", device.chip_name(), device.id.path));
            ui.add_space(6.0);
            match &row.state {
                BoardState::Idle => {
                    ui.label("Ready. Press Flash to write the file to this board.");
                }
                BoardState::Flashing(progress) => {
                    flashing(ui, progress);
                    if ui
                        .add(egui::Button::new("Cancel").min_size([90.0, 28.0].into()))
                        .on_hover_text(
                            "Stop before the next block; the board keeps a partial image",
                        )
                        .clicked()
                    {
                        commands.push(Command::Cancel(device.id.clone()));
                    }
                }
                BoardState::Done(Outcome::Pass { elapsed }) => {
                    ui.label(
                        RichText::new("PASS")
                            .color(PASS)
                            .strong()
                            .size(size::RESULT),
                    );
                    ui.label(format!("Flashed in {:.1} s.", elapsed.as_secs_f64()));
                    ui.label(RichText::new(PRESS_RESET).strong().size(size::EMPHASIS));
                }
                BoardState::Done(outcome @ Outcome::Fail { code, reason, .. }) => {
                    ui.label(
                        RichText::new("FAIL")
                            .color(FAIL)
                            .strong()
                            .size(size::RESULT),
                    );
                    ui.label(RichText::new(reason).size(size::REASON));
                    ui.label(
                        RichText::new(outcome.next_step())
                            .strong()
                            .size(size::REASON),
                    );
                    ui.label(RichText::new(format!("Error code: {code}")).weak());
                }
            }
        });
}

fn flashing(ui: &mut egui::Ui, progress: &JobProgress) {
    let percent = progress.fraction() * 100.0;
    ui.add(
        egui::ProgressBar::new(progress.fraction())
            .desired_height(32.0)
            .text(
                RichText::new(format!("{} · {percent:.0}%", progress.headline()))
                    .size(size::EMPHASIS),
            ),
    );
    ui.horizontal(|ui| {
        ui.label(progress.phase.description());
        if let Some(rate) = progress.bytes_per_second {
            ui.separator();
            ui.label(format!("{}/s", human_size(rate as u64)));
        }
        if let Some(eta) = progress.eta {
            let seconds = eta.as_secs();
            ui.separator();
            ui.label(format!("{}:{:02} left", seconds / 60, seconds % 60));
        }
        if progress.total > 0 {
            ui.separator();
            ui.label(format!(
                "{} of {}",
                human_size(progress.done),
                human_size(progress.total)
            ));
        }
    });
}
