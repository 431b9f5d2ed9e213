//! The generator's CSV (`key,type,encoding,value`) read into rows.

use super::error::{Field, NvsError, Origin, Place, RowProblem};
use super::{Encoding, Row, RowKind, sheet};

const FIELDS: [Field; 4] = [Field::Key, Field::Type, Field::Encoding, Field::Value];

/// Reads the NVS Partition Generator's CSV: a header naming `key`, `type`, `encoding`
/// and `value` (in any order, other columns ignored), then one row per namespace or
/// value. Lines starting with `#` are comments, blank lines are skipped.
pub fn parse_csv(csv: &[u8]) -> Result<Vec<Row>, NvsError> {
    let text = sheet::decode(csv).map_err(|line| NvsError::NotUtf8 { line })?;
    let mut kept = String::with_capacity(text.len());
    let mut lines = Vec::new();
    for (number, line) in text.split_inclusive('\n').enumerate() {
        if !line.starts_with('#') {
            kept.push_str(line);
            lines.push(number + 1);
        }
    }
    let line_of = |kept_line: usize| {
        kept_line
            .checked_sub(1)
            .and_then(|i| lines.get(i).copied())
            .unwrap_or(kept_line)
    };
    let records = sheet::records(&kept).map_err(|(line, message)| NvsError::Syntax {
        line: line_of(line),
        message,
    })?;
    let Some((header, records)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let header_line = line_of(header.line);
    let mut columns = [0; 4];
    for (slot, field) in columns.iter_mut().zip(FIELDS) {
        let mut at = header
            .fields
            .iter()
            .enumerate()
            .filter(|(_, c)| *c == field.name());
        *slot = at.next().map(|(i, _)| i).ok_or(NvsError::MissingColumn {
            line: header_line,
            column: field.name(),
        })?;
        if at.next().is_some() {
            return Err(NvsError::DuplicateColumn {
                line: header_line,
                column: field.name(),
            });
        }
    }
    records
        .iter()
        .map(|record| {
            let origin = Origin::Line(line_of(record.line));
            let cell = |field: Field| record.fields.get(columns[field as usize]);
            let problem = |field: Field, problem: RowProblem| NvsError::Row {
                place: Place {
                    origin: origin.clone(),
                    field,
                },
                problem,
            };
            let need = |field: Field| {
                cell(field).ok_or_else(|| problem(field, RowProblem::Missing(field)))
            };
            let key = need(Field::Key)?.clone();
            let kind = match need(Field::Type)?.as_str() {
                "namespace" => RowKind::Namespace,
                kind @ ("data" | "file") => {
                    let text = need(Field::Encoding)?;
                    let encoding = Encoding::parse(text).ok_or_else(|| {
                        problem(Field::Encoding, RowProblem::UnknownEncoding(text.clone()))
                    })?;
                    need(Field::Value)?;
                    match kind {
                        "data" => RowKind::Data(encoding),
                        _ => RowKind::File(encoding),
                    }
                }
                other => return Err(problem(Field::Type, RowProblem::UnknownType(other.into()))),
            };
            Ok(Row {
                origin: origin.clone(),
                key,
                kind,
                value: cell(Field::Value).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, key: &str, kind: RowKind, value: &str) -> Row {
        Row {
            origin: Origin::Line(line),
            key: key.into(),
            kind,
            value: value.into(),
        }
    }

    #[test]
    fn rows_keep_their_lines_past_comments_and_blank_lines() {
        let csv = b"# comment\nvalue,encoding,type,key,notes\r\n\r\n,,namespace,app\n# more\n7,u8,data,n,x\n\"a\nb\",string,file,f\n";
        assert_eq!(
            parse_csv(csv).unwrap(),
            [
                row(4, "app", RowKind::Namespace, ""),
                row(6, "n", RowKind::Data(Encoding::parse("u8").unwrap()), "7"),
                row(7, "f", RowKind::File(Encoding::String), "a\nb"),
            ]
        );
        assert_eq!(parse_csv(b""), Ok(vec![]));
    }

    #[test]
    fn bad_csvs_name_the_line_and_column() {
        let err = |csv: &str| parse_csv(csv.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            err("key,type,value\n"),
            "line 1: the header has no `encoding` column; it must be key,type,encoding,value"
        );
        assert_eq!(
            err("key,type,encoding,value,key\n"),
            "line 1: the header names `key` twice"
        );
        assert_eq!(
            err("key,type,encoding,value\nns,namespace\n#\nk,data,u7,1\n"),
            format!(
                "line 4, column `encoding`: unknown encoding `u7`: use one of {}",
                Encoding::NAMES
            )
        );
        assert_eq!(
            err("key,type,encoding,value\nk,Data,u8,1\n"),
            "line 2, column `type`: unknown type `Data`: use namespace, data or file"
        );
        assert_eq!(
            err("key,type,encoding,value\nk,data,u8\n"),
            "line 2, column `value`: the row has no value cell"
        );
        assert_eq!(
            parse_csv(b"key,type,encoding,value\n\xFF"),
            Err(NvsError::NotUtf8 { line: 2 })
        );
    }
}
