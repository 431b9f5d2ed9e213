//! The window's colours and text sizes, in one place: what a state looks like is decided
//! here, not in each view.

use eframe::egui::Color32;

/// PASS green.
pub const PASS: Color32 = Color32::from_rgb(0x2e, 0xa0, 0x43);
/// FAIL red: blocked or failed.
pub const FAIL: Color32 = Color32::from_rgb(0xd0, 0x3b, 0x3b);
/// Warning amber: works, but look.
pub const WARN: Color32 = Color32::from_rgb(0xd0, 0x80, 0x00);
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

/// Text sizes, in points, from a tile's small print to its PASS.
pub mod size {
    /// A progress bar's text on a tile.
    pub const SMALL: f32 = 14.0;
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
    /// A tile's port.
    pub const TILE_TITLE: f32 = 26.0;
    /// A tile's state word when idle.
    pub const TILE_STATE: f32 = 36.0;
    /// What to do now, under a result.
    pub const ACTION: f32 = 20.0;
    /// PASS / FAIL in the result banner.
    pub const BANNER: f32 = 84.0;
    /// A tile's percent.
    pub const TILE_PERCENT: f32 = 44.0;
    /// PASS / FAIL on a tile.
    pub const TILE_RESULT: f32 = 56.0;
}
