//! Chinese (and other CJK) text in the window. egui's own fonts have no CJK glyphs, so
//! the font bundled here, Noto Sans CJK SC cut down to the zh-CN catalogue and the GB 2312
//! hanzi (see `packaging/fonts/make-cjk-fallback.sh`), is one of the window's fonts:
//! after egui's text and emoji fonts, before its emoji-icon font. That font has
//! full-width brackets, digits and question marks of its own, drawn as heavy icons; here
//! they come from the Chinese font, like the text around them. A character neither has
//! is looked for among the system's fonts (the provider eframe's `system_fonts` feature
//! would add: fontconfig, DirectWrite or Core Text, found on demand; in the real window
//! only, so tests draw the same everywhere). So the window is complete on a system
//! without CJK fonts, and Chinese reads the same on every system.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use eframe::egui;
use egui_system_font_provider::SystemFontProvider;

/// The bundled CJK fallback font (SIL Open Font License 1.1, `assets/fonts/`).
pub const CJK_FALLBACK: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-DFUStation.otf");

/// The bundled font's name among egui's fonts.
const CJK_FALLBACK_NAME: &str = "NotoSansSC-DFUStation"; // not for people: a font name

/// egui's emoji-icon font, which the bundled font goes before.
const EMOJI_ICON_FONT: &str = "emoji-icon-font"; // not for people: a font name

/// Adds the system's fonts as a place egui looks for a character its own fonts lack.
/// Enumerating them can fail (fontique panics on a fontconfig that lists no font): then
/// the system has no font to give, said once on stderr, and the window goes on.
pub fn install_system(ctx: &egui::Context) {
    let system = SystemFontProvider::new();
    let failed = AtomicBool::new(false);
    ctx.add_font_provider(Arc::new(move |request: &egui::FallbackRequest<'_>| {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let found = catch_unwind(AssertUnwindSafe(|| {
            egui::FontProvider::font_for(&system, request)
        }));
        found.unwrap_or_else(|_| {
            failed.store(true, Ordering::Relaxed);
            eprintln!("{}", i18n::t!("fonts-system-failed"));
            None
        })
    }));
}

/// The window's fonts: egui's, with the bundled CJK font before the emoji-icon font
/// (at the end of a family that has none).
pub fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        CJK_FALLBACK_NAME.to_owned(),
        Arc::new(egui::FontData::from_static(CJK_FALLBACK)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let chain = fonts.families.entry(family).or_default();
        let at = (chain.iter())
            .position(|name| name == EMOJI_ICON_FONT)
            .unwrap_or(chain.len());
        chain.insert(at, CJK_FALLBACK_NAME.to_owned());
    }
    fonts
}

/// Makes [`definitions`] the window's fonts.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}

#[cfg(test)]
mod tests {
    use super::*;
    use skrifa::MetadataProvider;

    /// The zh-CN catalogue's text.
    fn chinese_catalogue() -> String {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/i18n/zh-CN");
        let mut text = String::new();
        for entry in std::fs::read_dir(folder).unwrap() {
            text += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
        }
        assert!(text.contains("烧录"), "the catalogue is read");
        text
    }

    /// The font of `family` that draws `c` (the first in its chain that has it).
    fn font_for(
        fonts: &egui::FontDefinitions,
        family: &egui::FontFamily,
        c: char,
    ) -> Option<String> {
        fonts.families[family].iter().find_map(|name| {
            let data = &fonts.font_data[name];
            let font = skrifa::FontRef::from_index(data.font.as_ref().as_ref(), data.index).ok()?;
            font.charmap().map(c).map(|_| name.clone())
        })
    }

    /// Every character of the zh-CN catalogue is drawn by the window's fonts; Chinese
    /// characters and full-width punctuation (brackets, question marks, colons) by the
    /// Chinese font, never by an emoji or icon font. Run
    /// `packaging/fonts/make-cjk-fallback.sh` when a character is missing.
    #[test]
    fn the_chinese_font_draws_every_chinese_character_and_bracket() {
        let fonts = definitions();
        let mut chars: Vec<char> = chinese_catalogue()
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        chars.extend(['（', '）', '？', '１', '：', '，', '。', '“', '”']);
        chars.sort_unstable();
        chars.dedup();
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            let mut wrong = Vec::new();
            for &c in &chars {
                let font = font_for(&fonts, &family, c);
                // Symbols between (⚠, ✔) are the emoji fonts' to draw.
                let right = match (&font, u32::from(c)) {
                    (None, _) => false,
                    (Some(name), 0x2E80..) => name == CJK_FALLBACK_NAME,
                    (Some(name), ..0x2000) => !name.contains("emoji"),
                    (Some(_), _) => true,
                };
                if !right {
                    wrong.push((c, font));
                }
            }
            assert!(wrong.is_empty(), "{family:?}: {wrong:?}");
        }
    }
}
