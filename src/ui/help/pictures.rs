//! The help's pictures, drawn with egui's painter: a dev board's BOOT and RESET buttons
//! and a USB cable's wires to the chip's pins. Boards and wires keep their real colours;
//! captions, arrows between steps and outlines take the theme's, so they read in light
//! and dark themes alike.

use eframe::egui::{self, Color32, FontId, Pos2, Rect, Sense, Stroke, pos2, vec2};

use super::topics::Picture;
use i18n::t;

const PCB: Color32 = Color32::from_rgb(0x23, 0x5e, 0x96);
const PCB_EDGE: Color32 = Color32::from_rgb(0x12, 0x3a, 0x60);
const SILK: Color32 = Color32::WHITE;
const METAL: Color32 = Color32::from_rgb(0xc4, 0xc8, 0xcc);
const METAL_EDGE: Color32 = Color32::from_rgb(0x70, 0x76, 0x7c);
const SWITCH: Color32 = Color32::from_rgb(0x2a, 0x2a, 0x2a);
const CAP_UP: Color32 = Color32::from_rgb(0x8a, 0x8f, 0x94);
const CAP_DOWN: Color32 = Color32::from_rgb(0xf0, 0x9a, 0x1a);
/// Outline of wires, so a white wire shows on white and a black one on black.
const WIRE_EDGE: Color32 = Color32::from_rgb(0x80, 0x80, 0x80);
const GOLD: Color32 = Color32::from_rgb(0xd4, 0xa0, 0x17);

/// Draws `picture` across the available width, with an accessible description.
pub fn show(ui: &mut egui::Ui, picture: Picture) {
    let (height, description) = match picture {
        Picture::DownloadMode => (170.0, t!("help-picture-download-mode")),
        Picture::Reset => (150.0, t!("help-picture-reset")),
        Picture::Wiring => (150.0, t!("help-picture-wiring")),
    };
    let width = ui.available_width().min(440.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &description));
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    match picture {
        Picture::DownloadMode => download_mode(&painter, rect, text),
        Picture::Reset => {
            let board = Rect::from_center_size(
                pos2(rect.center().x, rect.top() + 62.0),
                vec2(130.0, 110.0),
            );
            dev_board(&painter, board, Button::Up, Button::Tap);
            caption(&painter, board, &t!("help-picture-press-reset"), text);
        }
        Picture::Wiring => wiring(&painter, rect, text),
    }
}

/// A button's state in one step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Button {
    /// Not touched.
    Up,
    /// Pressed and held.
    Held,
    /// Pressed and released in this step.
    Tap,
    /// Let go in this step.
    Release,
}

fn download_mode(painter: &egui::Painter, rect: Rect, text: Color32) {
    let steps = [
        (Button::Held, Button::Up, t!("help-picture-hold-boot")),
        (Button::Held, Button::Tap, t!("help-picture-tap-reset")),
        (Button::Release, Button::Up, t!("help-picture-release-boot")),
    ];
    let gap = 18.0;
    let width = ((rect.width() - 2.0 * gap) / 3.0).min(130.0);
    let left = rect.center().x - (3.0 * width + 2.0 * gap) / 2.0;
    for (i, (boot, reset, label)) in steps.into_iter().enumerate() {
        let x = left + i as f32 * (width + gap);
        let board = Rect::from_min_size(pos2(x, rect.top() + 16.0), vec2(width, 110.0));
        dev_board(painter, board, boot, reset);
        caption(painter, board, &label, text);
        if i > 0 {
            let y = board.center().y;
            painter.arrow(
                pos2(x - gap + 4.0, y),
                vec2(gap - 8.0, 0.0),
                Stroke::new(2.0, text),
            );
        }
    }
}

fn caption(painter: &egui::Painter, board: Rect, label: &str, text: Color32) {
    painter.text(
        pos2(board.center().x, board.bottom() + 8.0),
        egui::Align2::CENTER_TOP,
        label,
        FontId::proportional(14.0),
        text,
    );
}

/// A dev board seen from above: USB socket at the top, the module, BOOT (left) and RESET
/// (right) at the bottom, each drawn in its state with an arrow for what the finger does.
fn dev_board(painter: &egui::Painter, rect: Rect, boot: Button, reset: Button) {
    let socket = Rect::from_center_size(pos2(rect.center().x, rect.top() + 4.0), vec2(34.0, 16.0));
    painter.rect(
        socket,
        2.0,
        METAL,
        Stroke::new(1.0, METAL_EDGE),
        egui::StrokeKind::Inside,
    );
    painter.rect(
        rect.shrink2(vec2(0.0, 6.0)).translate(vec2(0.0, 6.0)),
        8.0,
        PCB,
        Stroke::new(2.0, PCB_EDGE),
        egui::StrokeKind::Inside,
    );
    let module = Rect::from_center_size(
        pos2(rect.center().x, rect.top() + 44.0),
        vec2(rect.width() * 0.5, 30.0),
    );
    painter.rect(
        module,
        2.0,
        METAL,
        Stroke::new(1.0, METAL_EDGE),
        egui::StrokeKind::Inside,
    );
    painter.text(
        module.center(),
        egui::Align2::CENTER_CENTER,
        t!("help-picture-module"),
        FontId::monospace(11.0),
        PCB_EDGE,
    );
    let y = rect.bottom() - 24.0;
    let dx = rect.width() * 0.27;
    let (boot_label, reset_label) = (
        t!("help-picture-boot-button"),
        t!("help-picture-reset-button"),
    );
    switch(painter, pos2(rect.center().x - dx, y), &boot_label, boot);
    switch(painter, pos2(rect.center().x + dx, y), &reset_label, reset);
}

fn switch(painter: &egui::Painter, center: Pos2, label: &str, state: Button) {
    painter.rect_filled(
        Rect::from_center_size(center, vec2(20.0, 20.0)),
        2.0,
        SWITCH,
    );
    let down = matches!(state, Button::Held | Button::Tap);
    let cap = if down { CAP_DOWN } else { CAP_UP };
    painter.circle(center, 6.5, cap, Stroke::new(1.0, Color32::BLACK));
    painter.text(
        center + vec2(0.0, 12.0),
        egui::Align2::CENTER_TOP,
        label,
        FontId::proportional(10.0),
        SILK,
    );
    let stroke = Stroke::new(2.5, CAP_DOWN);
    let above = center - vec2(0.0, 14.0);
    match state {
        Button::Up => {}
        Button::Held => {
            painter.arrow(above - vec2(0.0, 14.0), vec2(0.0, 12.0), stroke);
        }
        Button::Tap => {
            painter.arrow(above - vec2(5.0, 14.0), vec2(0.0, 12.0), stroke);
            painter.arrow(above + vec2(5.0, 0.0), vec2(0.0, -12.0), stroke);
        }
        Button::Release => {
            painter.arrow(above, vec2(0.0, -12.0), Stroke::new(2.5, SILK));
        }
    }
}

/// A USB plug's four wires, in their colours (each with the catalogue keys of its
/// colour's name and its pin), to the chip's pins; D+ and D- with the swap hint.
fn wiring(painter: &egui::Painter, rect: Rect, text: Color32) {
    let wires = [
        (
            Color32::from_rgb(0xd3, 0x2f, 0x2f),
            "help-picture-wire-red",
            "help-picture-pin-power",
        ),
        (
            Color32::from_rgb(0xf4, 0xf4, 0xf4),
            "help-picture-wire-white",
            "help-picture-pin-d-minus",
        ),
        (
            Color32::from_rgb(0x2e, 0x9d, 0x4a),
            "help-picture-wire-green",
            "help-picture-pin-d-plus",
        ),
        (
            Color32::from_rgb(0x1c, 0x1c, 0x1c),
            "help-picture-wire-black",
            "help-picture-pin-ground",
        ),
    ];
    let plug = Rect::from_min_size(rect.min + vec2(4.0, 14.0), vec2(54.0, 112.0));
    painter.rect(
        plug,
        4.0,
        METAL,
        Stroke::new(1.5, METAL_EDGE),
        egui::StrokeKind::Inside,
    );
    painter.text(
        plug.center(),
        egui::Align2::CENTER_CENTER,
        t!("help-picture-usb-plug"),
        FontId::proportional(14.0),
        PCB_EDGE,
    );
    let pins_x = rect.left() + 150.0;
    for (i, (colour, name, pin)) in wires.into_iter().enumerate() {
        let y = plug.top() + 18.0 + i as f32 * 25.0;
        let from = pos2(plug.right(), y);
        let to = pos2(pins_x, y);
        painter.line_segment([from, to], Stroke::new(8.0, WIRE_EDGE));
        painter.line_segment([from, to], Stroke::new(5.0, colour));
        painter.text(
            pos2(plug.right() + 10.0, y - 5.0),
            egui::Align2::LEFT_BOTTOM,
            t!(name),
            FontId::proportional(11.0),
            text,
        );
        painter.rect_filled(Rect::from_center_size(to, vec2(10.0, 10.0)), 1.0, GOLD);
        painter.text(
            to + vec2(12.0, 0.0),
            egui::Align2::LEFT_CENTER,
            t!(pin),
            FontId::monospace(13.0),
            text,
        );
    }
    // The swap hint, between D- (row 1) and D+ (row 2).
    let x = pins_x + 105.0;
    let (top, bottom) = (plug.top() + 18.0 + 25.0, plug.top() + 18.0 + 50.0);
    let stroke = Stroke::new(2.0, CAP_DOWN);
    painter.arrow(pos2(x, top + 2.0), vec2(0.0, bottom - top - 4.0), stroke);
    painter.arrow(
        pos2(x + 8.0, bottom - 2.0),
        vec2(0.0, top - bottom + 4.0),
        stroke,
    );
    painter.text(
        pos2(x + 16.0, (top + bottom) / 2.0),
        egui::Align2::LEFT_CENTER,
        t!("help-picture-swap-hint"),
        FontId::proportional(11.0),
        text,
    );
}
