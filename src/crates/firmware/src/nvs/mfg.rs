//! Per-unit values in the shape of ESP-IDF's Manufacturing Utility (`mfg_gen.py`): a
//! config CSV lists the keys once (`NAME,namespace,` rows, then `key,data|file,encoding`
//! rows, optionally `,REPEAT`), a values CSV has a header row of key names and one row
//! per unit, its first column the unit's id (a config key or not). Each unit's NVS image
//! is what the generator makes of the CSV mfg_gen writes for that unit.

use std::collections::HashMap;

use super::error::{NvsError, Origin};
use super::value::{Raw, encode};
use super::writer::check_key;
use super::{Encoding, ReadFile, Row, RowKind, ValueError, Version, generate, sheet};

/// Which input a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// The config CSV.
    Config,
    /// The values CSV.
    Values,
}

/// One problem found by [`Units::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file it is in.
    pub sheet: Sheet,
    /// The row, 1-based as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column: a key name in the values file, `key`/`type`/`encoding` in the config.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem in `sheet` at `row`, `column`.
    fn at(sheet: Sheet, row: usize, column: &str, message: impl Into<String>) -> Problem {
        Problem {
            sheet,
            row,
            column: column.to_owned(),
            message: message.into(),
        }
    }

    /// Records each problem of `sheet` it is given (row, column, message) in `problems`.
    fn reporter(sheet: Sheet, problems: &mut Vec<Problem>) -> impl FnMut(usize, &str, String) {
        move |row, column, message| problems.push(Problem::at(sheet, row, column, message))
    }
}

/// One key of the config.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    name: String,
    file: bool,
    encoding: Encoding,
    /// REPEAT: every unit gets the first unit's value.
    repeat: bool,
}

/// A config line: a namespace or a key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Namespace(String),
    Key(Key),
}

/// One unit: its row and its values by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its row in the values file.
    pub row: usize,
    /// Its id (the first column).
    pub id: String,
    values: HashMap<String, String>,
}

impl Unit {
    /// Its value of `key` as its image is built from it (a REPEAT key's is the first
    /// unit's), if the config lists the key.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }
}

/// A config and values file that passed [`Units::parse`]: the units and how to build each
/// one's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Units {
    entries: Vec<Entry>,
    /// The values file's header: the id column, then the key names, in the file's order.
    columns: Vec<String>,
    /// The units, in file order.
    pub units: Vec<Unit>,
}

impl Units {
    /// Reads and checks both files; Err: every problem found, in file order. `files`
    /// reads the paths of `file` keys: each is read and checked like a value.
    pub fn parse(
        config: &[u8],
        values: &[u8],
        files: &mut ReadFile<'_>,
    ) -> Result<Units, Vec<Problem>> {
        let mut problems = Vec::new();
        let entries = read_config(config, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let (columns, units) = read_values(&entries, values, files, &mut problems);
        if units.is_empty() && problems.is_empty() {
            problems.push(Problem::at(
                Sheet::Values,
                1,
                "",
                "no units: the values file has a header and no rows",
            ));
        }
        match problems.is_empty() {
            true => Ok(Units {
                entries,
                columns,
                units,
            }),
            false => Err(problems),
        }
    }

    /// The values file's header: the id column, then the key names, in the file's order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The generator's rows for `unit` (as mfg_gen's per-unit CSV has them).
    pub fn rows(&self, unit: &Unit) -> Vec<Row> {
        let origin = |column: &str| Origin::Cell {
            row: unit.row,
            column: column.to_owned(),
        };
        self.entries
            .iter()
            .map(|entry| match entry {
                Entry::Namespace(name) => Row {
                    origin: origin(name),
                    key: name.clone(),
                    kind: RowKind::Namespace,
                    value: String::new(),
                },
                Entry::Key(key) => Row {
                    origin: origin(&key.name),
                    key: key.name.clone(),
                    kind: match key.file {
                        true => RowKind::File(key.encoding),
                        false => RowKind::Data(key.encoding),
                    },
                    value: unit.values.get(&key.name).cloned().unwrap_or_default(),
                },
            })
            .collect()
    }

    /// `unit`'s NVS image for a partition of `size` bytes.
    pub fn image(
        &self,
        unit: &Unit,
        size: u32,
        version: Version,
        files: &mut ReadFile<'_>,
    ) -> Result<Vec<u8>, NvsError> {
        generate(&self.rows(unit), size, version, files)
    }
}

/// The rows of `sheet` that hold something; `None`, with the problem in `problems`, when
/// the file is not UTF-8 text or not CSV.
fn filled_records(
    csv: &[u8],
    sheet: Sheet,
    column: &str,
    problems: &mut Vec<Problem>,
) -> Option<Vec<sheet::Record>> {
    let records = sheet::decode(csv)
        .map_err(|line| {
            (
                line,
                "the file is not UTF-8 text; save it as UTF-8".to_owned(),
            )
        })
        .and_then(|text| sheet::records(&text));
    match records {
        Ok(records) => Some(
            records
                .into_iter()
                .filter(|r| !is_blank(&r.fields))
                .collect(),
        ),
        Err((line, message)) => {
            problems.push(Problem::at(sheet, line, column, message));
            None
        }
    }
}

/// The config's entries; its problems go to `problems`.
fn read_config(csv: &[u8], problems: &mut Vec<Problem>) -> Vec<Entry> {
    let Some(records) = filled_records(csv, Sheet::Config, "key", problems) else {
        return Vec::new();
    };
    let mut problem = Problem::reporter(Sheet::Config, problems);
    let mut entries = Vec::new();
    // Rows by (is a namespace, name): namespaces and keys each appear once.
    let mut seen: HashMap<(bool, String), usize> = HashMap::new();
    for record in &records {
        let f = &record.fields;
        let name = f.first().cloned().unwrap_or_default();
        let namespace = f.iter().any(|c| c == "namespace");
        let key_problem = check_key(&name)
            .err()
            .map(|p| p.to_string())
            .or_else(|| {
                name.starts_with('#').then(|| {
                    "a key cannot start with `#` (the generator reads such a line as a comment)"
                        .into()
                })
            })
            .or_else(|| {
                seen.get(&(namespace, name.clone())).map(|first| {
                    format!(
                        "`{name}` is on row {first} already; each key and namespace appears once"
                    )
                })
            });
        if let Some(message) = key_problem {
            problem(record.row, "key", message);
            continue;
        }
        seen.insert((namespace, name.clone()), record.row);
        if namespace {
            if f.get(1).map(String::as_str) != Some("namespace") {
                problem(
                    record.row,
                    "type",
                    "write a namespace as `NAME,namespace,`".into(),
                );
            }
            entries.push(Entry::Namespace(name));
            continue;
        }
        if entries.is_empty() {
            problem(
                record.row,
                "type",
                "the first row must start a namespace: `NAME,namespace,`".into(),
            );
        }
        let repeat = f.get(3).is_some_and(|c| c == "REPEAT");
        if f.len() < 3 || f.len() > 3 + usize::from(repeat) {
            problem(
                record.row,
                "key",
                format!(
                    "the row has {} cells; it must be key,type,encoding (and REPEAT)",
                    f.len()
                ),
            );
            continue;
        }
        let file = match f[1].as_str() {
            "data" => false,
            "file" => true,
            other => {
                problem(
                    record.row,
                    "type",
                    format!("unknown type `{other}`: use namespace, data or file"),
                );
                continue;
            }
        };
        match Encoding::parse(&f[2]) {
            Some(Encoding::BlobFill { .. } | Encoding::BlobSzFill { .. }) | None => problem(
                record.row,
                "encoding",
                format!(
                    "unknown encoding `{}`: use one of u8, i8, u16, i16, u32, i32, u64, i64, string, hex2bin, base64, binary",
                    f[2]
                ),
            ),
            Some(encoding) => entries.push(Entry::Key(Key {
                name,
                file,
                encoding,
                repeat,
            })),
        }
    }
    entries
}

/// The units of the values file; its problems go to `problems`.
fn read_values(
    entries: &[Entry],
    csv: &[u8],
    files: &mut ReadFile<'_>,
    problems: &mut Vec<Problem>,
) -> (Vec<String>, Vec<Unit>) {
    let Some(records) = filled_records(csv, Sheet::Values, "", problems) else {
        return (Vec::new(), Vec::new());
    };
    let mut problem = Problem::reporter(Sheet::Values, problems);
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        problem(
            1,
            "",
            "the values file is empty: it needs a header row of key names".into(),
        );
        return (Vec::new(), Vec::new());
    };
    let keys: Vec<&Key> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Key(key) => Some(key),
            Entry::Namespace(_) => None,
        })
        .collect();
    let names = &header.fields;
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            problem(
                header.row,
                &format!("{}", i + 1),
                "the header cell is empty".into(),
            );
        } else if names[..i].contains(name) {
            problem(header.row, name, "this column is named twice".into());
        } else if i > 0 && !keys.iter().any(|k| &k.name == name) {
            problem(
                header.row,
                name,
                "unknown key: the config does not list it".into(),
            );
        }
    }
    for key in keys.iter().filter(|k| !names.contains(&k.name)) {
        problem(
            header.row,
            &key.name,
            "missing: the config lists this key, the header does not".into(),
        );
    }
    let id_column = names.first().cloned().unwrap_or_default();
    let mut units: Vec<Unit> = Vec::new();
    let mut first_values: HashMap<String, String> = HashMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for record in records {
        let cells = &record.fields;
        if cells.len() != names.len() {
            let column = names
                .get(cells.len())
                .cloned()
                .unwrap_or_else(|| format!("{}", cells.len()));
            problem(
                record.row,
                &column,
                format!(
                    "the row has {} cells; the header has {}",
                    cells.len(),
                    names.len()
                ),
            );
        }
        let id = cells.first().cloned().unwrap_or_default();
        if id.trim().is_empty() {
            problem(record.row, &id_column, "the unit id is empty".into());
        } else if let Some(first) = ids.get(&id) {
            problem(
                record.row,
                &id_column,
                format!("id `{id}` is on row {first} already"),
            );
        } else {
            ids.insert(id.clone(), record.row);
        }
        let mut values = HashMap::new();
        for key in &keys {
            let Some(at) = names.iter().position(|n| n == &key.name) else {
                continue;
            };
            let Some(cell) = cells.get(at) else { continue };
            let value = match (key.repeat, first_values.get(&key.name)) {
                (true, Some(first)) if cell.is_empty() || cell == first => first.clone(),
                (true, Some(first)) => {
                    problem(
                        record.row,
                        &key.name,
                        format!(
                            "a REPEAT key takes the first row's value (`{first}`); leave this cell empty"
                        ),
                    );
                    continue;
                }
                _ => cell.clone(),
            };
            if let Err(cell) = check_value(key, &value, files) {
                problem(record.row, &key.name, cell.to_string());
            }
            if key.repeat && units.is_empty() {
                first_values.insert(key.name.clone(), value.clone());
            }
            values.insert(key.name.clone(), value);
        }
        units.push(Unit {
            row: record.row,
            id,
            values,
        });
    }
    (names.clone(), units)
}

/// Why a values cell cannot be written with its key's encoding.
#[derive(Debug, thiserror::Error)]
enum CellProblem {
    /// A number or a file is needed and the cell is empty.
    #[error("the cell is empty; {encoding} needs a {}", if *.file { "file" } else { "number" })]
    Empty {
        /// The key's encoding.
        encoding: Encoding,
        /// Whether the cell names a file.
        file: bool,
    },
    /// The file the cell names cannot be read.
    #[error("the file `{path}` cannot be read: {source}")]
    Unreadable {
        /// The path as written.
        path: String,
        /// Why not.
        source: std::io::Error,
    },
    /// The value does not fit its encoding.
    #[error(transparent)]
    Value(#[from] ValueError),
}

/// Whether a value can be written with its key's encoding (a file's content is read).
fn check_value(key: &Key, value: &str, files: &mut ReadFile<'_>) -> Result<(), CellProblem> {
    let blank_number = matches!(key.encoding, Encoding::Integer(_)) && value.trim().is_empty();
    if blank_number || (key.file && value.is_empty()) {
        return Err(CellProblem::Empty {
            encoding: key.encoding,
            file: key.file,
        });
    }
    match key.file {
        true => {
            let bytes = files(value).map_err(|source| CellProblem::Unreadable {
                path: value.to_owned(),
                source,
            })?;
            encode(key.encoding, Raw::Bytes(&bytes), Version::V2, u32::MAX)?;
        }
        false => {
            encode(key.encoding, Raw::Text(value), Version::V2, u32::MAX)?;
        }
    }
    Ok(())
}

/// Whether a record has nothing but white space (mfg_gen drops such lines).
fn is_blank(fields: &[String]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CONFIG: &str = "app,namespace,\nserial,data,string\ncount,data,u8\nkey,data,hex2bin\ncal,file,binary\nmodel,data,string,REPEAT\n";

    fn files(path: &str) -> std::io::Result<Vec<u8>> {
        match path {
            "cal.bin" => Ok(vec![1, 2, 3]),
            other => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no such file: {other}"),
            )),
        }
    }

    fn problems(config: &str, values: &str) -> Vec<(Sheet, usize, String)> {
        Units::parse(config.as_bytes(), values.as_bytes(), &mut files)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.sheet, p.row, p.column))
            .collect()
    }

    #[test]
    fn good_files_give_units_with_their_rows() {
        let values = "serial,count,key,cal,model\nSN1,1,00ff,cal.bin,M1\n\nSN2,2,,cal.bin,\n";
        let units = Units::parse(CONFIG.as_bytes(), values.as_bytes(), &mut files).unwrap();
        let at: Vec<_> = units.units.iter().map(|u| (u.row, u.id.as_str())).collect();
        assert_eq!(at, [(2, "SN1"), (4, "SN2")]);
        let rows = units.rows(&units.units[1]);
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0].kind, RowKind::Namespace);
        assert_eq!(
            (rows[5].key.as_str(), rows[5].value.as_str()),
            ("model", "M1")
        );
        assert_eq!(rows[4].kind, RowKind::File(Encoding::Binary));
        assert_eq!(
            rows[2].origin,
            Origin::Cell {
                row: 4,
                column: "count".into()
            }
        );
        let image = units
            .image(&units.units[1], 0x3000, Version::V2, &mut files)
            .unwrap();
        assert_eq!(image.len(), 0x3000);
    }

    #[test]
    fn every_problem_is_listed_with_row_and_column() {
        let values = "id,serial,count,key,cal,nope\n\
                      A,SN1,300,zz,cal.bin,x\n\
                      ,SN2,1,00,missing.bin,x\n\
                      A,SN3,1,00,cal.bin\n";
        let found = problems(CONFIG, values);
        let v = |row, column: &str| (Sheet::Values, row, column.to_owned());
        assert_eq!(
            found,
            [
                v(1, "nope"),
                v(1, "model"),
                v(2, "count"),
                v(2, "key"),
                v(3, "id"),
                v(3, "cal"),
                v(4, "nope"),
                v(4, "id"),
            ]
        );
    }

    #[test]
    fn config_problems_stop_before_the_values() {
        let config = "serial,data,string\napp,namespace,\nn,data,u7\nn2,dat,u8\nn,data,u8\nthis_is_too_long_a_key,data,u8\n#c,data,u8\n";
        let found: Vec<_> = Units::parse(config.as_bytes(), b"", &mut files)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.sheet, p.row, p.column))
            .collect();
        let c = |row, column: &str| (Sheet::Config, row, column.to_owned());
        assert_eq!(
            found,
            [
                c(1, "type"),
                c(3, "encoding"),
                c(4, "type"),
                c(5, "key"),
                c(6, "key"),
                c(7, "key")
            ]
        );
    }

    /// Up to 120 bytes of the sheets' own words and separators (and a stray byte of UTF-8).
    fn garbage() -> impl Strategy<Value = Vec<u8>> {
        let alphabet: &[u8] = b"a,\n\"#namespace data file u8 string REPEAT 12\r\xC3";
        prop::collection::vec(prop::sample::select(alphabet), 0..120)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the sheets, they are read or refused: parsing never panics.
        #[test]
        fn garbage_never_panics(config in garbage(), values in garbage()) {
            let _ = Units::parse(&config, &values, &mut files);
            let _ = Units::parse(CONFIG.as_bytes(), &values, &mut files);
        }
    }
}
