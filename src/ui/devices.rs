//! The board list: one card per board with chip, mode, USB path, serial and state;
//! click or arrow keys select; demo boards get plug controls. Boards the driver doctor
//! found without their driver come first. A card's lines each have their own row and
//! wrap, so a long state (a flash's phase, in Chinese too) never runs over the board's
//! name or USB path.

use eframe::egui::{self, RichText};

use super::app::ImageState;
use super::board::readiness;
use super::doctor::Doctor;
use super::status::Tone;
use super::style::size;

use i18n::t;
use station::demo::DEMO;
use station::{BoardRow, BoardState, Command, DemoCommand, DeviceId, Registry};

/// The accessible name of a row (also what tests look for): `Board 1-2: ESP32-S2, ...`.
pub fn row_label(row: &BoardRow) -> String {
    let d = &row.device;
    t!(
        "window-board-row",
        path = d.id.path.as_str(),
        chip = d.chip_name(),
        mode = d.mode_name(),
        state = row.state.words(),
    )
}

/// The selection after an arrow key, if one was pressed.
pub fn arrow_selection(
    ctx: &egui::Context,
    registry: &Registry,
    selected: Option<&DeviceId>,
) -> Option<DeviceId> {
    let (down, up) = ctx.input(|i| {
        (
            i.key_pressed(egui::Key::ArrowDown),
            i.key_pressed(egui::Key::ArrowUp),
        )
    });
    let rows = registry.rows();
    if down == up || rows.is_empty() || ctx.egui_wants_keyboard_input() {
        return None;
    }
    let current = selected.and_then(|id| rows.iter().position(|r| &r.device.id == id));
    let next = match current {
        None => 0,
        Some(i) if down => (i + 1).min(rows.len() - 1),
        Some(i) => i.saturating_sub(1),
    };
    Some(rows[next].device.id.clone())
}

/// What the list asks of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListAction {
    /// Forget this board (its Dismiss button).
    Forget(DeviceId),
    /// Open the Windows driver help (a doctor's card's "Show the steps").
    DriverSteps,
}

/// The list, the doctor's findings first.
pub fn show(
    ui: &mut egui::Ui,
    registry: &Registry,
    selected: &mut Option<DeviceId>,
    image: &ImageState,
    commands: &mut Vec<Command>,
    doctor: &mut Doctor,
) -> Option<ListAction> {
    ui.add_space(6.0);
    ui.heading(t!("window-boards"));
    ui.add_space(4.0);
    let steps = doctor.show(ui, false).then_some(ListAction::DriverSteps);
    if registry.rows().is_empty() {
        if doctor.findings().is_empty() {
            ui.label(t!("window-no-board-yet"));
            ui.label(RichText::new(t!("window-no-hardware")).weak());
        }
        return steps;
    }
    let mut forget = None;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for row in registry.rows() {
                let is_selected = selected.as_ref() == Some(&row.device.id);
                let response = card(ui, row, is_selected, image, commands, &mut forget);
                if response.clicked() {
                    *selected = Some(row.device.id.clone());
                }
                let label = row_label(row);
                let now_selected = selected.as_ref() == Some(&row.device.id);
                response.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::ListItem, true, now_selected, &label)
                });
                if is_selected && response.changed() {
                    response.scroll_to_me(None);
                }
                ui.add_space(6.0);
            }
        });
    forget.map(ListAction::Forget).or(steps)
}

fn card(
    ui: &mut egui::Ui,
    row: &BoardRow,
    is_selected: bool,
    image: &ImageState,
    commands: &mut Vec<Command>,
    forget: &mut Option<DeviceId>,
) -> egui::Response {
    let visuals = ui.visuals().clone();
    let (fill, stroke) = if is_selected {
        (
            visuals.selection.bg_fill.gamma_multiply(0.35),
            visuals.selection.stroke,
        )
    } else {
        (
            visuals.faint_bg_color,
            visuals.widgets.noninteractive.bg_stroke,
        )
    };
    let device = &row.device;
    let builder = egui::UiBuilder::new()
        .id_salt(&device.id)
        .sense(egui::Sense::click());
    ui.scope_builder(builder, |ui| {
        // Clicks anywhere on the card select it: its text is not selectable.
        ui.style_mut().interaction.selectable_labels = false;
        egui::Frame::group(ui.style())
            .fill(fill)
            .stroke(stroke)
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                // The chip on the left, the state's badge (a word or two) on the right.
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(device.chip_name())
                            .strong()
                            .size(size::CARD_TITLE),
                    );
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        badge(ui, row, image);
                    });
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label(device.mode_name());
                    let path = t!("window-usb-path", path = device.id.path.as_str());
                    ui.label(RichText::new(path).monospace());
                    if let Some(unit) = &row.unit {
                        let unit = t!("window-unit", unit = unit.as_str());
                        ui.label(RichText::new(unit).strong());
                    }
                    let serial = t!("window-serial", serial = device.serial.as_str());
                    ui.add(egui::Label::new(RichText::new(serial).weak()).truncate());
                });
                details(ui, row, image);
                if !row.present && !row.flashing() {
                    ui.horizontal(|ui| {
                        if !matches!(row.state, BoardState::Idle) {
                            ui.label(RichText::new(t!("window-unplugged")).weak());
                        }
                        if ui.small_button(t!("window-dismiss")).clicked() {
                            *forget = Some(device.id.clone());
                        }
                    });
                } else if device.id.source == DEMO && row.present {
                    demo_controls(ui, &device.id.path, commands);
                }
            });
    })
    .response
}

/// The state in a word or two, with its icon: `✔ Ready`, `✖ Can't flash`; while
/// flashing only the percent (the phase has a line of its own below).
fn badge(ui: &mut egui::Ui, row: &BoardRow, image: &ImageState) {
    let tone = readiness(row, image).tone;
    let words = match &row.state {
        BoardState::Idle if tone == Tone::Fail => t!("window-cannot-flash"),
        BoardState::Flashing(p) => format!("{:.0}%", p.fraction() * 100.0),
        _ => row.state.words(),
    };
    let text = format!("{} {words}", tone.icon());
    ui.label(
        RichText::new(text)
            .strong()
            .size(size::EMPHASIS)
            .color(tone.colour(ui.visuals())),
    );
}

/// Under the name: while flashing, the phase (wrapped) over a small bar; otherwise the
/// readiness line.
fn details(ui: &mut egui::Ui, row: &BoardRow, image: &ImageState) {
    if let BoardState::Flashing(p) = &row.state {
        let colour = Tone::Busy.colour(ui.visuals());
        ui.add(
            egui::Label::new(RichText::new(p.headline()).size(size::REASON).color(colour)).wrap(),
        );
        ui.add(
            egui::ProgressBar::new(p.fraction())
                .desired_height(8.0)
                .corner_radius(3.0),
        );
    } else {
        readiness(row, image).show(ui, size::REASON);
    }
}

fn demo_controls(ui: &mut egui::Ui, path: &str, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(t!("window-demo-board")).weak());
        if ui
            .small_button(t!("window-unplug"))
            .on_hover_text(t!("window-unplug-hint"))
            .clicked()
        {
            commands.push(Command::Demo(DemoCommand::Unplug(path.to_owned())));
        }
        if ui
            .small_button(t!("window-put-in-download-mode"))
            .on_hover_text(t!("window-put-in-download-mode-hint"))
            .clicked()
        {
            commands.push(Command::Demo(DemoCommand::DownloadMode(path.to_owned())));
        }
    });
}
