//! No sentence for people is written in the code: each comes from the message catalogue
//! (`assets/i18n/`), so it is translated. The scan covers every module that produces
//! text for people: the window (`src/ui`), the command line (`src/cli`, `src/main.rs`,
//! `src/lib.rs`, the Windows launcher in `src/bin`) and the station's words
//! (`src/crates/station`: states, phases, advice, banners). The layers below it
//! (firmware, dfu, usb) cannot reach the catalogue (`tidy.rs` keeps the layers apart)
//! and say nothing to people: what they say is their errors' `Display`, technical
//! English by rule (docs/ARCHITECTURE.md), which the fronts show under Details.
//!
//! In those modules, a string literal with a letter in it, outside test modules, is a
//! catalogue key, or technical text by rule, which the scan tells from where it stands,
//! never from what it says:
//! - inside an attribute, over as many lines as it takes: `#[error("...")]` (an error's
//!   `Display`), `#[arg(...)]` and `#[command(about = ...)]` (`--help`);
//! - in a developer's call or an id: `log::`, `expect(`, `panic!(`, `unreachable!(`,
//!   `Id::new(`, `id_salt(`, ... ([`NOT_FOR_PEOPLE`]);
//! - or on a line that says which technical text it is, with the marker comment
//!   `// not for people: <why>` (a failure's English message, the support report, a
//!   command's name before its message, a udev rule, a settings key).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::source::{MARKER, catalogue_keys, code, literals, rust_files};

/// Calls whose string arguments no person reads: developers' messages and ids.
const NOT_FOR_PEOPLE: &[&str] = &[
    "id_salt(",
    "Id::new(",
    "Id::unique(",
    "Grid::new(",
    "push_id(",
    "with_id(",
    "get_value(",
    "set_value(",
    "include_bytes!(",
    "include_str!(",
    "concat!(",
    "env!(",
    "log::",
    "expect(",
    "panic!(",
    "unreachable!(",
];

/// The modules that produce text for people.
fn people_modules() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in ["src/ui", "src/cli", "src/crates/station/src"] {
        let found = rust_files(&root.join(folder));
        assert!(!found.is_empty(), "{folder} has its files");
        files.extend(found);
    }
    // The harness beside the launcher in src/bin is a test tool, for engineers.
    let single = ["src/main.rs", "src/lib.rs", "src/bin/dfu-station-app.rs"];
    files.extend(single.map(|f| root.join(f)));
    files
}

/// The literals of `code` that are neither keys nor technical by rule: `(line, literal)`.
fn unmarked(code: &str, keys: &BTreeSet<String>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Open brackets of an attribute that goes on over the next lines.
    let mut attribute = 0_i32;
    for (number, line) in code.lines().enumerate() {
        let in_attribute = attribute > 0 || line.trim_start().starts_with("#[");
        if in_attribute {
            let from = if attribute > 0 {
                0
            } else {
                line.find("#[").unwrap_or(0) + 1
            };
            attribute += brackets(&line[from..]);
            continue;
        }
        if line.contains(MARKER) || NOT_FOR_PEOPLE.iter().any(|c| line.contains(c)) {
            continue;
        }
        for literal in literals(line) {
            if !keys.contains(&literal) && has_words(&literal) {
                found.push((number + 1, literal));
            }
        }
    }
    found
}

/// How many more `[`, `(` and `{` than closing ones `text` holds, strings left out.
fn brackets(text: &str) -> i32 {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        match (in_string, c) {
            (true, '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (_, '"') if !escaped => in_string = !in_string,
            (false, '[' | '(' | '{') => depth += 1,
            (false, ']' | ')' | '}') => depth -= 1,
            _ => {}
        }
        escaped = false;
    }
    depth
}

#[test]
fn every_module_that_speaks_to_people_says_nothing_outside_the_catalogue() {
    let keys = catalogue_keys();
    let files = people_modules();
    assert!(files.len() > 40, "{files:?}");
    let mut found = Vec::new();
    for file in &files {
        let short = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(file);
        for (line, literal) in unmarked(&code(file), &keys) {
            found.push(format!("{}:{line}: {literal:?}", short.display()));
        }
    }
    assert!(
        found.is_empty(),
        "{} strings are neither in the catalogue nor marked technical \
         (`// not for people: <why>`):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Whether a literal has letters outside `{placeholders}` (a sentence, a word, a unit).
/// One token that reads as a name in code is not a word: a file name (`app.ron`), an
/// identifier (`DFU_STATION_LANG`), a path, a lowercase kebab name (`dfu-station`), a
/// command-line option (`-D`, `--json`).
fn has_words(literal: &str) -> bool {
    let token = !literal.contains(char::is_whitespace);
    let code_name = literal.contains(['_', '.', '/'])
        || literal.starts_with('-')
        || literal
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if token && code_name && !literal.is_empty() {
        return false;
    }
    let mut depth = 0;
    literal.chars().any(|c| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        depth == 0 && c.is_alphabetic()
    })
}

#[test]
fn the_scan_sees_sentences_and_lets_keys_and_ids_through() {
    assert_eq!(
        literals(r#"ui.label("Open a file"); let c = '"'; // "comment""#),
        vec!["Open a file"]
    );
    assert_eq!(literals(r#"format!("{}%", 3)"#), vec!["{}%"]);
    assert_eq!(literals(r#"lines.join("\n")"#), vec![" "]);
    assert!(has_words("Open a file"));
    assert!(has_words("{:.1} s"));
    assert!(!has_words("{}%"));
    assert!(!has_words("{count}"));
    assert!(has_words("Help"));
    assert!(!has_words("app.ron"));
    assert!(!has_words("DFU_STATION_LANG"));
    assert!(!has_words("dfu-station"));
    assert!(!has_words("-D"));
}

/// The scan finds English where a person reads it (a state's words, a banner built
/// with `format!`), and lets through attributes over several lines, developers' calls,
/// keys and marked lines.
#[test]
fn the_scan_tells_peoples_text_from_technical_text_by_where_it_stands() {
    let keys: BTreeSet<String> = ["station-ready".to_owned()].into();
    let code = r#"
pub fn words(&self) -> String {
    match self {
        Idle => i18n::t!("station-ready"),
        Busy => "Busy".to_owned(),
    }
}
#[derive(thiserror::Error)]
enum E {
    #[error(
        "The board stayed busy ({state}) for more than {} s.",
        .limit.as_secs()
    )]
    Busy,
}
fn banner(e: &E) -> String {
    let failure = Failure::new(code, format!("{e} Nothing was flashed.")); // not for people: a failure's English message
    log::warn!("could not open {path}");
    format!("Flashing is paused: {e}")
}
"#;
    assert_eq!(
        unmarked(code, &keys),
        [
            (5, "Busy".to_owned()),
            (19, "Flashing is paused: {e}".to_owned())
        ]
    );
}
