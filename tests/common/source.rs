//! Reading the project's own sources as text, for the tests that check rules on them
//! (`tidy.rs`, `ui_strings.rs`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The comment that marks a line's strings as not for people, with its reason
/// (`// not for people: a thread name`).
pub const MARKER: &str = "// not for people:";

/// Every `.rs` file under `folder`, sorted.
pub fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A file's code without its test module: test modules come last in a file (behind
/// `#[cfg(test)]` or `#[cfg(all(test, ...))]`), and tests may do and say what the code
/// must not.
pub fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let end = ["#[cfg(test)]", "#[cfg(all(test"]
        .iter()
        .filter_map(|start| text.find(start))
        .min()
        .unwrap_or(text.len());
    text[..end].to_owned()
}

/// The English catalogue's message keys.
pub fn catalogue_keys() -> BTreeSet<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n/en");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some((key, _)) = line.split_once(" =")
                && !key.starts_with([' ', '#', '.', '*', '['])
                && !key.is_empty()
            {
                keys.insert(key.to_owned());
            }
        }
    }
    keys
}

/// The string literals on one line (plain and raw), comments left out. A literal that
/// spans lines is seen from its first line only; the window's code has none.
pub fn literals(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => break,
            '\'' => {
                // A char literal ('"', '\'', 'x') or a lifetime: skip it.
                if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else if chars.get(i + 1) == Some(&'\\') && chars.get(i + 3) == Some(&'\'') {
                    i += 4;
                } else {
                    i += 1;
                }
            }
            '"' => {
                let raw = i > 0 && chars[i - 1] == 'r';
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && !raw {
                        // An escape is not a letter: `\n` is a line break, not "n".
                        i += 1;
                        let escaped = match chars.get(i) {
                            Some('n' | 'r' | 't' | '0') => ' ',
                            Some(c) => *c,
                            None => break,
                        };
                        text.push(escaped);
                        i += 1;
                        continue;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                found.push(text);
                i += 1;
            }
            _ => i += 1,
        }
    }
    found
}
