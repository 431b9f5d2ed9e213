//! The message catalogue: every sentence the program says to people, in English and
//! Simplified Chinese, from the Fluent files in `assets/i18n/<language>/`.
//!
//! Why Fluent through `fluent-bundle`: translators edit plain `.ftl` files, not Rust;
//! plurals follow each language's CLDR rules (`{ $count -> [one] ... *[other] ... }`),
//! which Chinese and English need differently; numbers are formatted by the library; and
//! `fluent-bundle` is the reference implementation, with no system headers. `i18n-embed`
//! adds file embedding and compile-time key checks on top, but the catalogue is small
//! enough to embed with `include_str!`; the tests below check that both languages have
//! every key, and `tests/tidy.rs` that the code and the catalogue agree both ways.
//!
//! The language is chosen once ([`set`]) from `DFU_STATION_LANG`, the window's remembered
//! choice or the system's locale ([`detect`]); a thread may look through another
//! language for a while ([`with_lang`]), which is how tests draw the window in Chinese
//! while other tests of the same process read English. Codes (`wrong-chip`), JSON and the
//! production log never go through here: they stay stable ASCII.
#![warn(missing_docs)]

use std::cell::Cell;
use std::fmt;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// Environment variable that forces the language (`en` or `zh-CN`), e.g. for tests.
pub const LANG_ENV: &str = "DFU_STATION_LANG";

/// A language the catalogue is complete in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese, as written on Chinese factory lines.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Every language, in the order the window offers them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `en`, `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name for itself, as a language menu shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The language a locale name means: `zh_CN.UTF-8`, `zh-Hans`, `zh-TW` and any other
    /// Chinese give Simplified Chinese (the one Chinese there is); `en-US`, `C`, `POSIX`
    /// give English; anything else gives `None`.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let primary = locale
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    fn index(self) -> u8 {
        self as u8
    }

    fn from_index(index: u8) -> Lang {
        if index == Lang::ZhCn as u8 {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The catalogue's files, per area, in the order they are loaded. A key lives in one
/// area; the same file names exist for every language.
macro_rules! catalogue {
    ($($area:literal),* $(,)?) => {
        /// `(language, area, text)` of every catalogue file.
        const FILES: &[(Lang, &str, &str)] = &[
            $((Lang::En, $area, include_str!(concat!("../../../../assets/i18n/en/", $area, ".ftl"))),)*
            $((Lang::ZhCn, $area, include_str!(concat!("../../../../assets/i18n/zh-CN/", $area, ".ftl"))),)*
        ];
    };
}

catalogue!["common", "window", "help", "station", "failures", "cli"];

static BUNDLES: LazyLock<[FluentBundle<FluentResource>; 2]> =
    LazyLock::new(|| Lang::ALL.map(bundle));

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around values: egui would draw them as boxes.
    bundle.set_use_isolating(false);
    bundle.add_builtins().expect("NUMBER is added once");
    for (_, area, text) in FILES.iter().filter(|(l, _, _)| *l == lang) {
        // The tests parse every file without errors; a broken entry is skipped, not fatal.
        let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(|(r, _)| r);
        if let Err(errors) = bundle.add_resource(resource) {
            log::warn!("catalogue {lang}/{area}.ftl: {errors:?}");
        }
    }
    bundle
}

static CHOSEN: AtomicU8 = AtomicU8::new(0);

thread_local! {
    // Already const: clippy's missing_const_for_thread_local is a false positive on
    // targets without native thread locals (x86_64-pc-windows-gnu), rust-clippy issue 17566.
    #[allow(clippy::missing_const_for_thread_local)]
    static OVERRIDE: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Sets the program's language (all threads, except one inside [`with_lang`]).
pub fn set(lang: Lang) {
    CHOSEN.store(lang.index(), Ordering::Relaxed);
}

/// The language this thread speaks now.
pub fn lang() -> Lang {
    OVERRIDE
        .with(Cell::get)
        .unwrap_or_else(|| Lang::from_index(CHOSEN.load(Ordering::Relaxed)))
}

/// Runs `f` with this thread speaking `lang`, then back to what it spoke before.
pub fn with_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = OVERRIDE.with(|o| o.replace(Some(lang)));
    let result = f();
    OVERRIDE.with(|o| o.set(before));
    result
}

/// The language to start in: `DFU_STATION_LANG` if set to a known language, else
/// `remembered` (the window's last choice), else the system's locale, else English.
pub fn detect(remembered: Option<Lang>) -> Lang {
    std::env::var(LANG_ENV)
        .ok()
        .and_then(|value| Lang::from_locale(&value))
        .or(remembered)
        .or_else(|| sys_locale::get_locale().and_then(|l| Lang::from_locale(&l)))
        .unwrap_or(Lang::En)
}

/// A value for a message's variable: a number (plural rules apply) or a text.
pub type Arg<'a> = FluentValue<'a>;

/// A number shown with `digits` decimals (`decimal(2.345, 1)` shows `2.3`), for
/// durations and sizes: rounded here, written by the catalogue's language.
pub fn decimal(value: f64, digits: usize) -> Arg<'static> {
    let factor = 10f64.powi(digits as i32);
    let options = fluent_bundle::types::FluentNumberOptions {
        minimum_fraction_digits: Some(digits),
        ..Default::default()
    };
    FluentValue::Number(fluent_bundle::types::FluentNumber::new(
        (value * factor).round() / factor,
        options,
    ))
}

/// A size as people read it: `512 KiB`, `1.5 MiB`, `100 bytes` (whole units without a
/// decimal).
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        b if b >= MIB && b % MIB == 0 => crate::t!("size-mib", size = b / MIB),
        b if b >= MIB => crate::t!("size-mib", size = decimal(b as f64 / MIB as f64, 1)),
        b if b >= KIB && b % KIB == 0 => crate::t!("size-kib", size = b / KIB),
        b if b >= KIB => crate::t!("size-kib", size = decimal(b as f64 / KIB as f64, 1)),
        b => crate::t!("size-bytes", count = b),
    }
}

/// The message `key` in this thread's language, its variables filled from `args`.
/// A key missing in that language falls back to English, then to the key itself (the
/// tests make sure neither happens: a key missing from the catalogue panics in a debug
/// build, so any test that shows it fails, a key made at run time as much as a literal).
pub fn message(key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let args = (!args.is_empty()).then(|| {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        fluent
    });
    let bundles = &*BUNDLES;
    for lang in [lang(), Lang::En] {
        let bundle = &bundles[lang.index() as usize];
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
            if !errors.is_empty() {
                log::warn!("catalogue {lang} `{key}`: {errors:?}");
            }
            return text.into_owned();
        }
    }
    if cfg!(debug_assertions) {
        panic!("catalogue: no message `{key}`");
    }
    log::warn!("catalogue: no message `{key}`");
    key.to_owned()
}

/// Whether the catalogue has `key` (in English, which every language matches).
pub fn has(key: &str) -> bool {
    BUNDLES[Lang::En.index() as usize].has_message(key)
}

/// A catalogue message: `t!("key")`, or with variables `t!("key", count = 3, name = path)`.
/// Numbers stay numbers (plural rules and number formatting apply); anything else that
/// converts into a Fluent value works too (`&str`, `String`).
#[macro_export]
macro_rules! t {
    ($key:expr) => {
        $crate::message($key, &[])
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::message(
            $key,
            &[$((stringify!($name), $crate::Arg::from($value))),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_bundle::FluentResource;
    use fluent_syntax::ast::Entry;

    use super::*;

    /// The message keys of one language's files; fails on any file that does not parse.
    fn keys(lang: Lang) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for (_, area, text) in FILES.iter().filter(|(l, _, _)| *l == lang) {
            let resource = FluentResource::try_new((*text).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("{lang}/{area}.ftl: {errors:?}"));
            for entry in resource.entries() {
                if let Entry::Message(message) = entry {
                    let key = message.id.name.to_owned();
                    assert!(keys.insert(key.clone()), "{lang}: `{key}` twice");
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_is_in_both_languages() {
        let english = keys(Lang::En);
        let chinese = keys(Lang::ZhCn);
        let only_en: Vec<_> = english.difference(&chinese).collect();
        let only_zh: Vec<_> = chinese.difference(&english).collect();
        assert!(only_en.is_empty(), "not translated into zh-CN: {only_en:?}");
        assert!(
            only_zh.is_empty(),
            "in zh-CN but not in English: {only_zh:?}"
        );
    }

    /// Every key formats in both languages without Fluent errors (variables given as 1).
    #[test]
    fn every_message_formats_in_both_languages() {
        for lang in Lang::ALL {
            let bundle = &BUNDLES[lang.index() as usize];
            for key in keys(lang) {
                let message = bundle.get_message(&key).unwrap();
                let pattern = message
                    .value()
                    .unwrap_or_else(|| panic!("{lang} `{key}` has no value"));
                let mut errors = Vec::new();
                let _ = bundle.format_pattern(pattern, None, &mut errors);
                for error in errors {
                    // A variable the test did not give is expected; anything else is not.
                    assert!(
                        matches!(
                            error,
                            fluent_bundle::FluentError::ResolverError(
                                fluent_bundle::resolver::ResolverError::Reference(_)
                            )
                        ),
                        "{lang} `{key}`: {error:?}"
                    );
                }
            }
        }
    }

    /// A key the catalogue lacks (misspelt, or made at run time) fails the test that
    /// shows it, instead of showing raw.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "catalogue: no message `window-flash-agian`")]
    fn a_key_missing_from_the_catalogue_fails_the_test_that_shows_it() {
        let key = ["window", "flash", "agian"].join("-");
        t!(&key);
    }

    #[test]
    fn locales_pick_the_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_locale("zh-Hans-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_locale("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C"), Some(Lang::En));
        assert_eq!(Lang::from_locale("de_DE"), None);
    }

    #[test]
    fn a_thread_can_speak_another_language_for_a_while() {
        let english = t!("language");
        let chinese = with_lang(Lang::ZhCn, || t!("language"));
        assert_ne!(english, chinese);
        assert_eq!(t!("language"), english);
    }

    #[test]
    fn decimals_are_rounded_and_padded() {
        assert_eq!(
            message("size-kib", &[("size", decimal(2.345, 1))]),
            "2.3 KiB"
        );
        assert_eq!(message("size-kib", &[("size", decimal(2.0, 1))]), "2.0 KiB");
    }

    #[test]
    fn plurals_follow_each_language() {
        with_lang(Lang::En, || {
            assert_eq!(t!("size-bytes", count = 1), "1 byte");
            assert_eq!(t!("size-bytes", count = 3), "3 bytes");
        });
        with_lang(Lang::ZhCn, || {
            assert_eq!(t!("size-bytes", count = 1), "1 字节");
            assert_eq!(t!("size-bytes", count = 3), "3 字节");
        });
    }
}
