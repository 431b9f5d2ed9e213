//! The station view: one large tile per board, readable from a metre away: a green PASS,
//! a red FAIL with its reason, or the phase and percent of a running flash.

use eframe::egui::{self, Color32, RichText};

use super::devices::row_label;
use super::style::{FAIL, PASS, size};
use crate::advice::DOWNLOAD_MODE;
use crate::station::{BoardState, DeviceId, LoadedImage, Outcome, Registry, Row};

/// The smallest tile height.
const MIN_TILE_HEIGHT: f32 = 150.0;
const GAP: f32 = 10.0;
/// Width over height of a tile, roughly.
const TILE_ASPECT: f32 = 1.6;

/// The grid of tiles, filling the space it is given. Returns a clicked board.
pub fn show(
    ui: &mut egui::Ui,
    registry: &Registry,
    image: Option<&LoadedImage>,
) -> Option<DeviceId> {
    let rows = registry.rows();
    if rows.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.label(
                RichText::new(format!("No board yet. Plug boards in. {DOWNLOAD_MODE}"))
                    .size(size::LARGE),
            );
        });
        return None;
    }
    let size = ui.available_size();
    // Tiles about TILE_ASPECT wide per high, as many columns as that allows.
    let n = rows.len();
    let columns = ((n as f32 * size.x / size.y.max(1.0) / TILE_ASPECT)
        .sqrt()
        .ceil() as usize)
        .clamp(1, n);
    let lines = n.div_ceil(columns);
    let width = (size.x - GAP * (columns - 1) as f32) / columns as f32;
    let height = ((size.y - GAP * (lines - 1) as f32) / lines as f32).max(MIN_TILE_HEIGHT);
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = egui::vec2(GAP, GAP);
            for line in rows.chunks(columns) {
                ui.horizontal_top(|ui| {
                    for row in line {
                        if tile(ui, row, image, egui::vec2(width, height)).clicked() {
                            clicked = Some(row.device.id.clone());
                        }
                    }
                });
            }
        });
    clicked
}

fn tile(
    ui: &mut egui::Ui,
    row: &Row,
    image: Option<&LoadedImage>,
    size: egui::Vec2,
) -> egui::Response {
    let (fill, text) = match &row.state {
        BoardState::Done(Outcome::Pass { .. }) => (PASS, Color32::WHITE),
        BoardState::Done(Outcome::Fail { .. }) => (FAIL, Color32::WHITE),
        _ => (
            ui.visuals().faint_bg_color,
            ui.visuals().strong_text_color(),
        ),
    };
    let builder = egui::UiBuilder::new()
        .id_salt(("tile", &row.device.id))
        .sense(egui::Sense::click());
    let layout = egui::Layout::top_down(egui::Align::Min);
    let response = ui
        .allocate_ui_with_layout(size, layout, |ui| {
            ui.scope_builder(builder, |ui| {
                ui.style_mut().interaction.selectable_labels = false;
                egui::Frame::new()
                    .fill(fill)
                    .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
                    .corner_radius(8.0)
                    .inner_margin(12.0)
                    .show(ui, |ui| {
                        // The frame adds its margin and stroke around the contents.
                        let inner = size - egui::vec2(26.0, 26.0);
                        ui.set_width(inner.x);
                        ui.set_min_height(inner.y);
                        contents(ui, row, image, text);
                    });
            })
            .response
        })
        .inner;
    let label = row_label(row);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ListItem, true, &label));
    response
}

fn contents(ui: &mut egui::Ui, row: &Row, image: Option<&LoadedImage>, text: Color32) {
    let device = &row.device;
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("USB {}", device.id.path))
                .size(size::TILE_TITLE)
                .strong()
                .color(text),
        );
        ui.label(
            RichText::new(device.chip_name())
                .size(size::HEADING)
                .color(text),
        );
    });
    let presence = if row.present {
        device.mode_name()
    } else {
        "unplugged"
    };
    ui.label(RichText::new(format!("{presence} · serial {}", device.serial)).color(text));
    ui.add_space(4.0);
    match &row.state {
        BoardState::Done(Outcome::Pass { elapsed }) => {
            ui.label(
                RichText::new("PASS")
                    .size(size::TILE_RESULT)
                    .strong()
                    .color(text),
            );
            ui.label(
                RichText::new(format!("{:.1} s · press RESET", elapsed.as_secs_f64()))
                    .size(size::EMPHASIS)
                    .color(text),
            );
        }
        BoardState::Done(Outcome::Fail { reason, .. }) => {
            ui.label(
                RichText::new("FAIL")
                    .size(size::TILE_RESULT)
                    .strong()
                    .color(text),
            );
            ui.label(RichText::new(reason).size(size::REASON).color(text));
        }
        BoardState::Flashing(p) => {
            let percent = if p.total > 0 {
                format!("{:.0}%", p.fraction() * 100.0)
            } else {
                String::new()
            };
            ui.label(
                RichText::new(percent)
                    .size(size::TILE_PERCENT)
                    .strong()
                    .color(ui.visuals().hyperlink_color),
            );
            ui.add(
                egui::ProgressBar::new(p.fraction())
                    .desired_height(14.0)
                    .text(RichText::new(p.headline()).size(size::SMALL)),
            );
        }
        BoardState::Idle => {
            let warning = image.and_then(|image| image.mismatch(device));
            let (word, detail) = match &warning {
                Some(reason) => ("Wrong chip", reason.as_str()),
                None => ("Ready", "Waiting to be flashed"),
            };
            ui.label(RichText::new(word).size(size::TILE_STATE).strong().weak());
            ui.label(RichText::new(detail).size(size::REASON));
        }
    }
}
