//! No sentence for people is written in the window's code: each comes from the message
//! catalogue (`assets/i18n/`), so it is translated. A simple scan of `src/ui`'s string
//! literals, outside test modules: one with a letter in it must be a catalogue key, or
//! stand where no person reads it (ids, settings keys, log lines, thread names), or carry
//! the marker comment `// not for people: <why>` on its line.

mod common;

use std::path::Path;

use common::source::{MARKER, catalogue_keys, code, literals, rust_files};

/// Calls whose string arguments no person reads.
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
    "unreachable!(",
    "spawn(",
    "#[",
];

#[test]
fn the_window_says_nothing_outside_the_catalogue() {
    let keys = catalogue_keys();
    let files = rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"));
    assert!(files.len() > 10, "src/ui has its files: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        for (line_no, line) in code(file).lines().enumerate() {
            if line.contains(MARKER) || NOT_FOR_PEOPLE.iter().any(|c| line.contains(c)) {
                continue;
            }
            for literal in literals(line) {
                if keys.contains(&literal) || !has_words(&literal) {
                    continue;
                }
                let short = file
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(file);
                found.push(format!("{}:{}: {literal:?}", short.display(), line_no + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} strings in src/ui are not in the catalogue:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Whether a literal has letters outside `{placeholders}` (a sentence, a word, a unit).
/// One token that reads as a name in code is not a word: a file name (`app.ron`), an
/// identifier (`DFU_STATION_LANG`), a path, a lowercase kebab name (`dfu-station`).
fn has_words(literal: &str) -> bool {
    let token = !literal.contains(char::is_whitespace);
    let code_name = literal.contains(['_', '.', '/'])
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
}
