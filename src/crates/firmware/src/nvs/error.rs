//! What can be wrong with an NVS CSV or its rows, and where.

use std::fmt;

use super::ValueError;

/// A column of the generator's CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `key`.
    Key,
    /// `type`.
    Type,
    /// `encoding`.
    Encoding,
    /// `value`.
    Value,
}

impl Field {
    /// The column's name in the CSV's header.
    pub fn name(self) -> &'static str {
        match self {
            Field::Key => "key",
            Field::Type => "type",
            Field::Encoding => "encoding",
            Field::Value => "value",
        }
    }
}

/// Where a row came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A line of the generator's CSV (1-based).
    Line(usize),
    /// A unit's row of a values file (1-based, as a spreadsheet shows it) and the
    /// column of the row's key there.
    Cell {
        /// The row.
        row: usize,
        /// The column's name (the key).
        column: String,
    },
}

/// A row's origin and the column at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Where the row came from.
    pub origin: Origin,
    /// The column at fault (a values file's rows have their value's column only).
    pub field: Field,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::Line(line) => write!(f, "line {line}, column `{}`", self.field.name()),
            Origin::Cell { row, column } => write!(f, "row {row}, column `{column}`"),
        }
    }
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// The row ends before this column.
    #[error("the row has no {} cell", .0.name())]
    Missing(Field),
    /// An empty key.
    #[error("the key is empty")]
    EmptyKey,
    /// A key over 15 bytes.
    #[error("the key `{key}` is {len} characters long; NVS keys have at most 15")]
    KeyTooLong {
        /// The key.
        key: String,
        /// Its length in bytes.
        len: usize,
    },
    /// A key with characters beyond ASCII (or NUL).
    #[error("the key `{0}` has characters other than ASCII; ESP-IDF's generator cannot write them")]
    KeyNotAscii(String),
    /// A `type` other than namespace, data or file.
    #[error("unknown type `{0}`: use namespace, data or file")]
    UnknownType(String),
    /// An encoding the generator does not know.
    #[error("unknown encoding `{0}`: use one of {names}", names = super::Encoding::NAMES)]
    UnknownEncoding(String),
    /// A value before any namespace.
    #[error("a value before the first namespace: start with a `NAME,namespace,,` row")]
    NoNamespace,
    /// A namespace started a second time.
    #[error(
        "namespace `{0}` was started above already; ESP-IDF's generator would put the rows that follow into the newest namespace instead, so keep each namespace's rows together"
    )]
    NamespaceAgain(String),
    /// More namespaces than an entry's index holds.
    #[error("more than 255 namespaces")]
    TooManyNamespaces,
    /// `sta.ssid`/`sta.pswd` given other than inline.
    #[error(
        "ESP-IDF's generator writes `{0}` inline whatever its type (a file's path, not the file); give it as a data row"
    )]
    WifiKeyNotData(String),
    /// A blob needing more chunks than an entry can number.
    #[error("the blob needs more than 255 chunks")]
    TooManyChunks,
    /// The value cannot be written with its encoding.
    #[error(transparent)]
    Value(#[from] ValueError),
}

/// Why an NVS image cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NvsError {
    /// A partition size that is not whole pages.
    #[error("The partition size {size:#x} is not a multiple of 0x1000 (one NVS page).")]
    SizeNotPages {
        /// The size given.
        size: u32,
    },
    /// A partition smaller than one page.
    #[error(
        "The partition size {size:#x} is too small: NVS needs at least 0x1000 (0x3000 to be writable)."
    )]
    SizeTooSmall {
        /// The size given.
        size: u32,
    },
    /// The CSV is not UTF-8 text.
    #[error("line {line}: the CSV is not UTF-8 text; save it as UTF-8")]
    NotUtf8 {
        /// The line of the first byte that is not UTF-8.
        line: usize,
    },
    /// The CSV cannot be split into records.
    #[error("line {line}: {message}")]
    Syntax {
        /// Where.
        line: usize,
        /// What the CSV reader found.
        message: String,
    },
    /// A header without one of the four columns.
    #[error("line {line}: the header has no `{column}` column; it must be key,type,encoding,value")]
    MissingColumn {
        /// The header's line.
        line: usize,
        /// The missing column.
        column: &'static str,
    },
    /// A header naming a column twice.
    #[error("line {line}: the header names `{column}` twice")]
    DuplicateColumn {
        /// The header's line.
        line: usize,
        /// The column.
        column: &'static str,
    },
    /// A row that cannot be written.
    #[error("{place}: {problem}")]
    Row {
        /// Where.
        place: Place,
        /// What is wrong.
        problem: RowProblem,
    },
    /// The entries do not fit the partition.
    #[error(
        "{place}: `{key}` does not fit the {size:#x}-byte partition (its last page stays empty); make the partition larger or the data smaller"
    )]
    Full {
        /// The row that did not fit.
        place: Place,
        /// Its key.
        key: String,
        /// The partition's size.
        size: u32,
    },
    /// A `file` entry whose file could not be had.
    #[error("{place}: the file `{path}` cannot be read: {message}")]
    File {
        /// Where.
        place: Place,
        /// The path as written.
        path: String,
        /// What kind of I/O error it was.
        kind: std::io::ErrorKind,
        /// The I/O error's text.
        message: String,
    },
}
