//! The window's colours and text sizes, in one place: what a state looks like is decided
//! here, not in each view.
//!
//! Station has a look of its own, made to be read from two metres on a lit factory floor:
//! [`floor`] (light, high contrast, Station's default) and [`floor_dark`]. Their colours
//! were picked by measurement (WCAG 2.1 contrast, `tests/gui.rs` measures the rendered
//! screens): every text at least 4.5:1 against what it is drawn on, and PASS and FAIL
//! tiles told apart in greyscale (a dark green tile with white words, a light red one
//! with black words). Desk keeps egui's own light and dark looks.

use eframe::egui::{self, Color32, Stroke, Visuals};

/// PASS green.
pub const PASS: Color32 = Color32::from_rgb(0x2e, 0xa0, 0x43);
/// FAIL red: blocked or failed.
pub const FAIL: Color32 = Color32::from_rgb(0xd0, 0x3b, 0x3b);
/// Warning amber: works, but look.
pub const WARN: Color32 = Color32::from_rgb(0xd0, 0x80, 0x00);
/// Words on a banner of [`WARN`] (5.6:1; white would be 3.7:1).
pub const ON_WARN: Color32 = Color32::BLACK;
/// Words on a banner of [`FAIL`] (4.8:1).
pub const ON_FAIL: Color32 = Color32::WHITE;
/// The primary action's fill.
pub const ACCENT: Color32 = Color32::from_rgb(0x1f, 0x6f, 0xd1);
/// The parts of a flash map, in turn.
pub const REGION_COLOURS: [Color32; 6] = [
    Color32::from_rgb(0x3b, 0x82, 0xd0),
    Color32::from_rgb(0xe0, 0x8a, 0x2c),
    Color32::from_rgb(0x3d, 0xa8, 0x6a),
    Color32::from_rgb(0x9b, 0x5d, 0xc8),
    Color32::from_rgb(0xc8, 0x4f, 0x7a),
    Color32::from_rgb(0x3a, 0xa6, 0xb0),
];

/// Text sizes, in points, from a failure's reason to Desk's PASS (a tile sizes its own).
pub mod size {
    /// A failure's reason.
    pub const REASON: f32 = 15.0;
    /// A line to act on (press RESET), a state badge.
    pub const EMPHASIS: f32 = 16.0;
    /// A board card's chip name.
    pub const CARD_TITLE: f32 = 17.0;
    /// A file's verdict, a tile's chip name.
    pub const HEADING: f32 = 18.0;
    /// The station view's empty message.
    pub const LARGE: f32 = 22.0;
    /// The station's name and counters in Station's strip.
    pub const TILE_TITLE: f32 = 26.0;
    /// What to do now, under a result.
    pub const ACTION: f32 = 20.0;
    /// PASS / FAIL in the result banner.
    pub const BANNER: f32 = 84.0;
}

/// The floor's page: the panels' grey, on which white tiles stand out.
const FLOOR_PAGE: Color32 = Color32::from_gray(0xf2);
/// The floor's words: near black.
const FLOOR_TEXT: Color32 = Color32::from_gray(0x11);
/// The floor's quieter words (hints, the empty slot): still 7.5:1 on the page.
const FLOOR_HINT: Color32 = Color32::from_gray(0x3d);
/// The floor's outlines (tiles, buttons, separators): 6:1 and more on white and the page.
const FLOOR_EDGE: Color32 = Color32::from_gray(0x59);
/// The floor's accent (Ready, links, the selected mode, the progress bar).
const FLOOR_ACCENT: Color32 = Color32::from_rgb(0x0b, 0x57, 0xd0);
/// Station's dark page: egui's dark panels.
const DARK_PAGE: Color32 = Color32::from_gray(0x1b);
/// Station's dark words and hints.
const DARK_TEXT: Color32 = Color32::from_gray(0xe0);
const DARK_HINT: Color32 = Color32::from_gray(0xb4);
const DARK_EDGE: Color32 = Color32::from_gray(0x8c);
const DARK_ACCENT: Color32 = Color32::from_rgb(0x8a, 0xb4, 0xf8);

/// The high-contrast light look of the factory floor: Station's default.
pub fn floor() -> Visuals {
    let mut v = Visuals::light();
    v.panel_fill = FLOOR_PAGE;
    v.window_fill = Color32::WHITE;
    v.window_stroke = Stroke::new(1.0, FLOOR_EDGE);
    v.faint_bg_color = Color32::WHITE;
    v.extreme_bg_color = Color32::WHITE;
    v.code_bg_color = Color32::from_gray(0xe0);
    v.hyperlink_color = FLOOR_ACCENT;
    v.weak_text_color = Some(FLOOR_HINT);
    v.warn_fg_color = Color32::from_rgb(0x8a, 0x4b, 0x00);
    v.error_fg_color = Color32::from_rgb(0xa5, 0x0e, 0x0e);
    v.selection.bg_fill = FLOOR_ACCENT;
    v.selection.stroke = Stroke::new(1.0, Color32::WHITE);
    let w = &mut v.widgets;
    w.noninteractive.bg_fill = FLOOR_PAGE;
    w.noninteractive.weak_bg_fill = FLOOR_PAGE;
    w.noninteractive.bg_stroke = Stroke::new(1.0, FLOOR_EDGE);
    w.noninteractive.fg_stroke = Stroke::new(1.0, FLOOR_TEXT);
    w.inactive.bg_fill = Color32::from_gray(0xe2);
    w.inactive.weak_bg_fill = Color32::from_gray(0xe2);
    w.inactive.bg_stroke = Stroke::new(1.0, FLOOR_EDGE);
    w.inactive.fg_stroke = Stroke::new(1.0, FLOOR_TEXT);
    w.hovered.bg_fill = Color32::from_gray(0xd0);
    w.hovered.weak_bg_fill = Color32::from_gray(0xd0);
    w.hovered.bg_stroke = Stroke::new(1.5, FLOOR_TEXT);
    w.hovered.fg_stroke = Stroke::new(1.5, Color32::BLACK);
    w.active.bg_fill = Color32::from_gray(0xb8);
    w.active.weak_bg_fill = Color32::from_gray(0xb8);
    w.active.fg_stroke = Stroke::new(2.0, Color32::BLACK);
    w.open.bg_fill = Color32::from_gray(0xd0);
    w.open.weak_bg_fill = Color32::from_gray(0xd0);
    w.open.fg_stroke = Stroke::new(1.0, FLOOR_TEXT);
    v
}

/// Station in the dark: egui's dark look with its hints and links made brighter.
pub fn floor_dark() -> Visuals {
    let mut v = Visuals::dark();
    v.panel_fill = DARK_PAGE;
    v.hyperlink_color = DARK_ACCENT;
    v.weak_text_color = Some(DARK_HINT);
    v.faint_bg_color = Color32::from_gray(0x26);
    let w = &mut v.widgets;
    w.noninteractive.fg_stroke = Stroke::new(1.0, DARK_TEXT);
    w.noninteractive.bg_stroke = Stroke::new(1.0, DARK_EDGE);
    w.inactive.fg_stroke = Stroke::new(1.0, DARK_TEXT);
    w.inactive.bg_stroke = Stroke::new(1.0, DARK_EDGE);
    v
}

/// What Station's states look like in one look (light or dark): the tiles' fills and
/// words, and the words of states drawn on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Floor {
    /// The page under the tiles.
    pub page: Color32,
    /// A tile with a board and no result: its fill, words and outline.
    pub tile: Color32,
    pub text: Color32,
    pub hint: Color32,
    pub edge: Color32,
    /// PASS: a dark green tile with white words.
    pub pass_fill: Color32,
    pub pass_text: Color32,
    /// FAIL (and "no board came back"): a light red tile with black words.
    pub fail_fill: Color32,
    pub fail_text: Color32,
    /// Words of a pass, a failure and a ready board on a plain tile or the page.
    pub pass_word: Color32,
    pub fail_word: Color32,
    pub ready_word: Color32,
    /// The progress bar: its fill, and the track it runs in.
    pub bar: Color32,
    pub track: Color32,
}

/// The PASS tile's green: 9.1:1 with white, luma 60 of 255.
const PASS_FILL: Color32 = Color32::from_rgb(0x14, 0x53, 0x2d);
/// The FAIL tile's red: 6.6:1 with near black, luma 148 of 255 (88 from PASS).
const FAIL_FILL: Color32 = Color32::from_rgb(0xff, 0x66, 0x66);

impl Floor {
    /// Station's states in `visuals` (the floor's light look, or the dark one).
    pub fn of(visuals: &Visuals) -> Floor {
        if visuals.dark_mode {
            Floor {
                page: DARK_PAGE,
                tile: Color32::from_gray(0x26),
                text: DARK_TEXT,
                hint: DARK_HINT,
                edge: DARK_EDGE,
                pass_fill: PASS_FILL,
                pass_text: Color32::WHITE,
                fail_fill: FAIL_FILL,
                fail_text: FLOOR_TEXT,
                pass_word: Color32::from_rgb(0x4a, 0xde, 0x80),
                fail_word: Color32::from_rgb(0xff, 0x8a, 0x8a),
                ready_word: DARK_ACCENT,
                bar: DARK_ACCENT,
                track: Color32::from_gray(0x1b),
            }
        } else {
            Floor {
                page: FLOOR_PAGE,
                tile: Color32::WHITE,
                text: FLOOR_TEXT,
                hint: FLOOR_HINT,
                edge: FLOOR_EDGE,
                pass_fill: PASS_FILL,
                pass_text: Color32::WHITE,
                fail_fill: FAIL_FILL,
                fail_text: FLOOR_TEXT,
                pass_word: PASS_FILL,
                fail_word: Color32::from_rgb(0xa5, 0x0e, 0x0e),
                ready_word: FLOOR_ACCENT,
                bar: FLOOR_ACCENT,
                track: Color32::WHITE,
            }
        }
    }
}

/// Applies Station's look (`station`) or Desk's (egui's own, `desk`: dark and light) to
/// `ctx`. Station is on the floor's light look unless dark was asked for explicitly.
pub fn dress(ctx: &egui::Context, station: bool, desk: &(Visuals, Visuals)) {
    let (dark, light) = if !station {
        desk.clone()
    } else if ctx.options(|o| o.theme_preference) == egui::ThemePreference::Dark {
        (floor_dark(), floor())
    } else {
        // The system's dark mode too: the floor's look is Station's default.
        (floor(), floor())
    };
    ctx.set_visuals_of(egui::Theme::Dark, dark);
    ctx.set_visuals_of(egui::Theme::Light, light);
}

/// WCAG 2.1 contrast ratio of two opaque colours (1 to 21): what every text of the
/// floor's looks is measured by.
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let luminance = |c: Color32| {
        let channel = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    };
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// Luma (0-255) of a colour as a greyscale picture shows it (ITU-R BT.601): PASS and FAIL
/// tiles must differ in it.
pub fn luma(colour: Color32) -> f32 {
    0.299 * f32::from(colour.r()) + 0.587 * f32::from(colour.g()) + 0.114 * f32::from(colour.b())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floors_colours_read_from_two_metres() {
        for visuals in [floor(), floor_dark()] {
            let f = Floor::of(&visuals);
            let pairs = [
                (f.text, f.page),
                (f.text, f.tile),
                (f.hint, f.page),
                (f.hint, f.tile),
                (f.pass_text, f.pass_fill),
                (f.fail_text, f.fail_fill),
                (f.pass_word, f.page),
                (f.fail_word, f.page),
                (f.fail_word, f.tile),
                (f.ready_word, f.tile),
            ];
            for (text, background) in pairs {
                let ratio = contrast(text, background);
                assert!(ratio >= 4.5, "{text:?} on {background:?}: {ratio:.2}");
            }
            assert!((luma(f.fail_fill) - luma(f.pass_fill)).abs() >= 60.0);
        }
        // The banners above either look: the log paused, the line's database away.
        for (text, banner) in [(ON_FAIL, FAIL), (ON_WARN, WARN)] {
            let ratio = contrast(text, banner);
            assert!(ratio >= 4.5, "{text:?} on {banner:?}: {ratio:.2}");
        }
        assert!((contrast(Color32::WHITE, Color32::BLACK) - 21.0).abs() < 0.01);
    }
}
