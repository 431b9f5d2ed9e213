//! Chinese (and other CJK) text in the window. egui's own fonts have no CJK glyphs, so a
//! character they lack is looked for, in this order: the system's fonts (the provider
//! eframe's `system_fonts` feature would add: fontconfig, DirectWrite or Core Text, found
//! on demand; in the real window only, so tests draw the same everywhere), then the font
//! bundled here, Noto Sans CJK SC cut down to the zh-CN catalogue and the GB 2312
//! hanzi (see `packaging/fonts/make-cjk-fallback.sh`). So the window is complete on a
//! system without CJK fonts, and the bundled font is not even parsed until a CJK
//! character is drawn.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use eframe::egui;
use egui_system_font_provider::SystemFontProvider;

/// The bundled CJK fallback font (SIL Open Font License 1.1, `assets/fonts/`).
pub const CJK_FALLBACK: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-DFUStation.otf");

/// The bundled font's name among egui's fonts.
const CJK_FALLBACK_NAME: &str = "NotoSansSC-DFUStation"; // not for people: a font name

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

/// Adds the bundled CJK font as the last place egui looks for a character: after the
/// configured fonts and after any provider already added ([`install_system`], in the
/// real window).
pub fn install(ctx: &egui::Context) {
    ctx.add_font_provider(Arc::new(|request: &egui::FallbackRequest<'_>| {
        let first = request.cluster.chars().next()?;
        is_cjk(first).then(|| egui::FontInsert {
            name: CJK_FALLBACK_NAME.to_owned(),
            data: egui::FontData::from_static(CJK_FALLBACK),
            families: Vec::new(),
        })
    }));
}

/// Whether the bundled font is the one to ask for `c`: CJK ideographs, punctuation,
/// full-width forms and the other blocks Chinese text uses.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3100..=0x312F    // bopomofo
        | 0x31C0..=0x31EF    // strokes
        | 0x3200..=0x33FF    // enclosed letters, compatibility
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF // half-width and full-width forms
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_punctuation_and_full_width_forms_are_asked_of_the_bundled_font() {
        for c in ['烧', '录', '，', '。', '：', '（', '１'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'é', '✔', '→'] {
            assert!(!is_cjk(c), "{c}");
        }
    }

    /// Every character of the zh-CN catalogue is drawn: by egui's own fonts, or (CJK) by
    /// the bundled font. Run `packaging/fonts/make-cjk-fallback.sh` when this fails.
    #[test]
    fn the_fonts_draw_every_character_of_the_chinese_catalogue() {
        use skrifa::MetadataProvider;

        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/i18n/zh-CN");
        let mut text = String::new();
        for entry in std::fs::read_dir(folder).unwrap() {
            text += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
        }
        let bundled = skrifa::FontRef::new(CJK_FALLBACK).unwrap().charmap();
        let defaults = egui::FontDefinitions::default();
        let own: Vec<_> = (defaults.font_data.values())
            .map(|data| {
                skrifa::FontRef::from_index(data.font.as_ref().as_ref(), data.index).unwrap()
            })
            .collect();
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control())
            .filter(|&c| match is_cjk(c) {
                true => bundled.map(c).is_none(),
                false => own.iter().all(|font| font.charmap().map(c).is_none()),
            })
            .collect();
        missing.sort_unstable();
        missing.dedup();
        assert!(missing.is_empty(), "no font draws {missing:?}");
        assert!(text.contains("烧录"), "the catalogue is read");
    }
}
