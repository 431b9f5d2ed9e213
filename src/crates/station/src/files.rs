//! Files in and out: firmware is read only from regular files of a sane size, and every
//! file the app writes (profiles, dfu.bin) goes through [`write_atomically`].

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use failure::{Code, Failure};
use firmware::{FlashFile, PackOptions, human_size, pack};

/// The largest file loaded as firmware: more than any ESP flash holds (64 MiB).
pub const MAX_FIRMWARE_FILE: u64 = 64 << 20;

/// Why a firmware file could not be read: its path and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The system could not read it (missing, no permission, I/O error).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// It is no regular file (a folder, a FIFO, a device).
    #[error(
        "{} is {kind}, not a regular file: only files are loaded as firmware",
        path.display()
    )]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is: "a folder", "a FIFO", ...
        kind: &'static str,
    },
    /// It is larger than any ESP flash.
    #[error(
        "{} is {} ({len} bytes): larger than any ESP flash ({}), so it is not a firmware file",
        path.display(),
        human_size(*len),
        human_size(MAX_FIRMWARE_FILE)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        len: u64,
    },
    /// A file dropped on the window whose bytes could not be had (the desktop's reason).
    #[error("{}: {reason}", path.display())]
    Dropped {
        /// The name it was dropped with.
        path: PathBuf,
        /// Why its bytes could not be had.
        reason: String,
    },
}

/// A file that cannot be read: `file-unreadable`, the read error as its cause.
impl From<ReadError> for Failure {
    fn from(error: ReadError) -> Failure {
        Failure::new(
            Code::FileUnreadable,
            format!("The file could not be read: {error}."), // not for people: a failure's English message
        )
        .because(error)
    }
}

/// As an I/O error, for readers that speak `io::Error` (the NVS generator's files): the
/// system's error kind, or `InvalidInput` for a file that is no firmware file.
impl From<ReadError> for io::Error {
    fn from(error: ReadError) -> io::Error {
        let kind = match &error {
            ReadError::Io { source, .. } => source.kind(),
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, error)
    }
}

/// Reads a firmware file. Anything but a regular file (a FIFO, a device node, a folder)
/// is refused from its metadata, before it is opened, so nothing blocks; a file larger
/// than [`MAX_FIRMWARE_FILE`] is refused before it is read.
pub fn read_firmware(path: &Path) -> Result<Vec<u8>, ReadError> {
    let error = |source: io::Error| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    check_firmware_file(path, &std::fs::metadata(path).map_err(error)?)?;
    let file = File::open(path).map_err(error)?;
    // Checked again on the file opened: the path may have changed in between.
    check_firmware_file(path, &file.metadata().map_err(error)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FIRMWARE_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(error)?;
    if bytes.len() as u64 > MAX_FIRMWARE_FILE {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            len: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

fn check_firmware_file(path: &Path, metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_owned(),
            kind: file_kind(&metadata.file_type()),
        });
    }
    if metadata.len() > MAX_FIRMWARE_FILE {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            len: metadata.len(),
        });
    }
    Ok(())
}

/// "a folder", "a FIFO", "a device"...
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO"; // not for people: part of an error's English message
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device"; // not for people: part of an error's English message
        }
        if kind.is_socket() {
            return "a socket"; // not for people: part of an error's English message
        }
    }
    if kind.is_dir() {
        "a folder" // not for people: part of an error's English message
    } else {
        "not a file" // not for people: part of an error's English message
    }
}

/// Makes a dfu.bin of `files` (address, path) for the chip of `pid` and writes it to
/// `output` (replacing an existing one only as `existing` says); returns its bytes. What
/// the window's "Make dfu.bin..." does on the loader thread.
pub fn make_dfu_bin(
    files: &[(u32, PathBuf)],
    pid: u16,
    output: &Path,
    existing: Existing,
) -> Result<Vec<u8>, Failure> {
    let files = files
        .iter()
        .map(|(address, path)| {
            Ok(FlashFile {
                address: *address,
                name: crate::file_name(path),
                data: read_firmware(path)?,
            })
        })
        .collect::<Result<Vec<_>, ReadError>>()?;
    let options = PackOptions {
        pid,
        ..PackOptions::default()
    };
    let not_made = |message: String| Failure::new(Code::FileUnreadable, message);
    let bytes = pack(&files, &options)
        .map_err(|e| not_made(format!("The dfu.bin could not be made: {e}.")).because(e))?; // not for people: a failure's English message
    write_atomically(output, &bytes, existing).map_err(|e| {
        not_made(format!("{} could not be written: {e}.", output.display())).because(e) // not for people: a failure's English message
    })?;
    Ok(bytes)
}

/// What [`write_atomically`] does with a file already at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Leave it and fail with [`io::ErrorKind::AlreadyExists`] (ask the user first).
    Keep,
    /// Replace it (the user said so).
    Replace,
}

/// Writes `bytes` to `path` through a temporary file in the same folder: write, fsync,
/// rename over `path`, fsync the folder. A crash or a full disk leaves the old file or
/// the new one, never half of one. With [`Existing::Keep`], an existing file is refused
/// before anything is written.
pub fn write_atomically(path: &Path, bytes: &[u8], existing: Existing) -> io::Result<()> {
    if existing == Existing::Keep && std::fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file exists already", // not for people: an I/O error's English message
        ));
    }
    let tmp = temporary(path);
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    sync_folder(folder)
}

/// `.NAME.PID.tmp` next to `path` (any bytes in the name, UTF-8 or not).
fn temporary(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Syncs a folder, so an entry just created or renamed in it survives a power cut (where
/// the system can: Windows cannot open a folder as a file).
pub fn sync_folder(folder: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(folder)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_only_when_asked_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dfu.bin");
        write_atomically(&path, b"one", Existing::Keep).unwrap();
        let refused = write_atomically(&path, b"two", Existing::Keep).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomically(&path, b"two", Existing::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["dfu.bin"]);
        // A folder that is not there: an error, and nothing left behind.
        let missing = dir.path().join("gone").join("dfu.bin");
        assert!(write_atomically(&missing, b"x", Existing::Replace).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_are_written_and_read() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join(std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.bin"));
        write_atomically(&path, b"bytes", Existing::Keep).unwrap();
        assert_eq!(read_firmware(&path).unwrap(), b"bytes");
        let refused = write_atomically(&path, b"x", Existing::Keep).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn folders_and_files_larger_than_any_flash_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_firmware(dir.path()).unwrap_err().to_string();
        assert!(error.contains("is a folder, not a regular file"), "{error}");
        let big = dir.path().join("big.bin");
        let file = File::create(&big).unwrap();
        // Sparse: nothing is written, nothing is read.
        file.set_len(MAX_FIRMWARE_FILE + 1).unwrap();
        let error = read_firmware(&big).unwrap_err().to_string();
        assert!(
            error.contains("(67108865 bytes): larger than any ESP flash (64 MiB)"),
            "{error}"
        );
        file.set_len(MAX_FIRMWARE_FILE).unwrap();
        assert_eq!(read_firmware(&big).unwrap().len() as u64, MAX_FIRMWARE_FILE);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.bin");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        // Opening a FIFO with no writer would block forever: this returns at once.
        let error = read_firmware(&fifo).unwrap_err().to_string();
        assert!(error.contains("is a FIFO, not a regular file"), "{error}");
        let error = read_firmware(Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("/dev/zero is a device"), "{error}");
    }
}
