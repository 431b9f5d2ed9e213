//! The station view: one large tile per board, readable from a metre away, named by its
//! slot on the fixture: a green PASS, a red FAIL with what to do and Retry / Clear, or
//! the phase and percent of a running flash.

use eframe::egui::{self, Color32, RichText};

use super::devices::row_label;
use super::status::{self, Tone};
use super::style::{FAIL, PASS, size};
use i18n::decimal;
use station::advice::failure_headline;
use station::{BoardRow, BoardState, DeviceId, LoadedImage, Outcome, Registry};

/// The smallest tile height.
const MIN_TILE_HEIGHT: f32 = 150.0;
const GAP: f32 = 10.0;
/// Width over height of a tile, roughly.
const TILE_ASPECT: f32 = 1.6;

/// What a tile asks of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileAction {
    /// The tile was clicked: select its board.
    Select(DeviceId),
    /// Flash this board again.
    Retry(DeviceId),
    /// Clear this board's result.
    Clear(DeviceId),
}

/// The slot a technician sees on the fixture: the profile's name for `path` if it has
/// one, else the board's place in the list (boards are listed by port path), from 1.
pub fn slot_name(slots: &[String], path: &str, index: usize) -> String {
    match slots.iter().position(|p| p == path) {
        Some(i) => i18n::t!("station-slot", number = i + 1),
        None => i18n::t!("station-slot", number = index + 1),
    }
}

/// The grid of tiles, filling the space it is given. `slots`: the profile's USB paths in
/// slot order (may be empty).
pub fn show(
    ui: &mut egui::Ui,
    registry: &Registry,
    image: Option<&LoadedImage>,
    slots: &[String],
) -> Option<TileAction> {
    let rows = registry.rows();
    if rows.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.label(RichText::new(i18n::t!("station-no-board-yet")).size(size::LARGE));
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
    let mut action = None;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = egui::vec2(GAP, GAP);
            for (l, line) in rows.chunks(columns).enumerate() {
                ui.horizontal_top(|ui| {
                    for (c, row) in line.iter().enumerate() {
                        let slot = slot_name(slots, &row.device.id.path, l * columns + c);
                        let size = egui::vec2(width, height);
                        let (response, asked) = tile(ui, row, image, &slot, size);
                        if asked.is_some() {
                            action = asked;
                        } else if response.clicked() {
                            action = Some(TileAction::Select(row.device.id.clone()));
                        }
                    }
                });
            }
        });
    action
}

fn tile(
    ui: &mut egui::Ui,
    row: &BoardRow,
    image: Option<&LoadedImage>,
    slot: &str,
    size: egui::Vec2,
) -> (egui::Response, Option<TileAction>) {
    let mut action = None;
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
                        action = contents(ui, row, image, slot, text);
                    });
            })
            .response
        })
        .inner;
    let label = i18n::t!("station-tile-name", slot = slot, board = row_label(row));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ListItem, true, &label));
    (response, action)
}

fn contents(
    ui: &mut egui::Ui,
    row: &BoardRow,
    image: Option<&LoadedImage>,
    slot: &str,
    text: Color32,
) -> Option<TileAction> {
    let device = &row.device;
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(slot)
                .size(size::TILE_TITLE)
                .strong()
                .color(text),
        );
        ui.label(
            RichText::new(i18n::t!(
                "station-tile-board",
                chip = device.chip_name(),
                path = device.id.path.as_str()
            ))
            .size(size::HEADING)
            .color(text),
        );
    });
    if let Some(unit) = &row.unit {
        ui.label(
            RichText::new(i18n::t!("station-unit", unit = unit.as_str()))
                .size(size::EMPHASIS)
                .strong()
                .color(text),
        );
    }
    let status = status::board(row, image);
    match &row.state {
        BoardState::Done(Outcome::Pass { elapsed }) => {
            result_word(ui, Tone::Pass, &i18n::t!("station-pass"), text);
            let seconds = decimal(elapsed.as_secs_f64(), 1);
            ui.label(
                RichText::new(i18n::t!("station-press-reset-after", seconds = seconds))
                    .size(size::EMPHASIS)
                    .color(text),
            );
        }
        BoardState::Done(Outcome::Fail(failure)) => {
            result_word(ui, Tone::Fail, &i18n::t!("station-fail"), text);
            ui.add(
                egui::Label::new(
                    RichText::new(failure_headline(failure))
                        .size(size::EMPHASIS)
                        .strong()
                        .color(text),
                )
                .wrap(),
            );
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
            // The words above the bar, never printed over it.
            ui.label(RichText::new(p.headline()).size(size::SMALL).color(text));
            ui.add(egui::ProgressBar::new(p.fraction()).desired_height(14.0));
        }
        BoardState::Idle => {
            let colour = status.tone.colour(ui.visuals());
            let word = if status.tone == Tone::Fail {
                i18n::t!("station-cant-flash")
            } else if row.present {
                i18n::t!("station-ready")
            } else {
                i18n::t!("station-unplugged")
            };
            let word = format!("{} {word}", status.tone.icon());
            ui.label(
                RichText::new(word)
                    .size(size::TILE_STATE)
                    .strong()
                    .color(colour),
            );
            ui.add(egui::Label::new(RichText::new(&status.text).size(size::REASON)).wrap());
        }
    }
    if matches!(row.state, BoardState::Done(_)) {
        ui.horizontal(|ui| {
            let retry = row.present && image.is_some_and(|image| image.fits(device));
            if ui
                .add_enabled(retry, egui::Button::new(i18n::t!("station-retry")))
                .on_hover_text(i18n::t!("station-retry-hint"))
                .clicked()
            {
                action = Some(TileAction::Retry(device.id.clone()));
            }
            if ui
                .button(i18n::t!("station-clear"))
                .on_hover_text(i18n::t!("station-clear-hint"))
                .clicked()
            {
                action = Some(TileAction::Clear(device.id.clone()));
            }
        });
    }
    action
}

/// PASS or FAIL on a tile, large, after its icon.
fn result_word(ui: &mut egui::Ui, tone: Tone, word: &str, text: Color32) {
    let word = format!("{} {word}", tone.icon());
    ui.label(
        RichText::new(word)
            .size(size::TILE_RESULT)
            .strong()
            .color(text),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use i18n::{Lang, with_lang};

    #[test]
    fn a_slot_is_named_by_the_profile_else_by_its_place() {
        let slots = ["1-4".to_owned(), "1-2".to_owned()];
        assert_eq!(slot_name(&slots, "1-2", 0), "Slot 2");
        assert_eq!(slot_name(&slots, "1-9", 2), "Slot 3");
        let chinese = with_lang(Lang::ZhCn, || slot_name(&slots, "1-4", 5));
        assert_eq!(chinese, "槽位 1");
    }
}
