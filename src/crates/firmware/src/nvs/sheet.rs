//! CSV text as ESP-IDF's Python tools read it: UTF-8, any line ending, records with the
//! line and the spreadsheet row they start on.

/// One CSV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    /// The line the record starts on (1-based).
    pub line: usize,
    /// The row a spreadsheet shows it on (1-based; blank lines count, a cell spanning
    /// lines does not).
    pub row: usize,
    pub fields: Vec<String>,
}

/// Decodes `bytes` as UTF-8 (a leading byte-order mark is dropped) with every line
/// ending turned into `\n`, as Python's text mode does. Err: the line of the first byte
/// that is not UTF-8.
pub(super) fn decode(bytes: &[u8]) -> Result<String, usize> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    })?;
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The records of `text` (lines ending in `\n`); blank lines are skipped, as Python's
/// `csv` module does. Err: the line and what is wrong.
pub(super) fn records(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut text = text.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let (mut last_end, mut last_row) = (0, 0);
    let (mut counted, mut lines) = (0, 0);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(out),
            Ok(true) => {
                // The lines read so far end at the record's last line.
                let end_byte = (reader.position().byte() as usize).min(text.len());
                lines += text.as_bytes()[counted.min(end_byte)..end_byte]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                counted = end_byte;
                let inner: usize = record.iter().map(|f| f.matches('\n').count()).sum();
                let line = lines.saturating_sub(inner).max(last_end + 1);
                let row = last_row + (line - last_end);
                out.push(Record {
                    line,
                    row,
                    fields: record.iter().map(str::to_owned).collect(),
                });
                (last_end, last_row) = (lines.max(line), row);
            }
            Err(e) => {
                let line = e.position().map_or(last_end + 1, |p| p.line() as usize);
                return Err((line, e.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_rows_follow_blank_lines_and_multiline_cells() {
        let text = decode(b"\xEF\xBB\xBFa,b\r\n\r\nc,\"d\r\ne\"\rf\n").unwrap();
        let recs = records(&text).unwrap();
        let at: Vec<_> = recs.iter().map(|r| (r.line, r.row)).collect();
        assert_eq!(at, [(1, 1), (3, 3), (5, 4)]);
        assert_eq!(recs[1].fields, ["c", "d\ne"]);
    }

    #[test]
    fn bad_utf8_names_its_line() {
        assert_eq!(decode(b"a\nb\n\xFF"), Err(3));
    }
}
