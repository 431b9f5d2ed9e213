//! The one vocabulary of failures: every reason a file is refused or a board is not
//! flashed, as a [`Code`] with one stable spelling. Production logs, `--json` output,
//! the help's triggers and the advice all name failures by these codes; factories parse
//! them, so a code is never renamed without a line in `docs/changelog.md`.
//!
//! [`Failure`] is the one failure type the layers hand up: a code, what happened (in
//! English, with the detail an engineer needs) and the typed error behind it. Each layer
//! keeps its own error enum for what it knows (`FirmwareError`, `DfuError`, `UsbError`,
//! ...), each with its code, and turns into a `Failure` where failures of several kinds
//! meet (a flash's outcome, a file that cannot be used, per-board data).
//!
//! What each code means is said here; what to do about it is said by the station's
//! `advice`; `docs/failure-codes.md` lists both and is checked by a test.
#![warn(missing_docs)]

use std::error::Error;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Defines [`Code`] from one table: variant, stable string, meaning.
macro_rules! codes {
    ($($(#[$kind:meta])* $variant:ident = $text:literal: $meaning:literal,)*) => {
        /// Why a file was refused or a board was not flashed. [`Code::as_str`] is the
        /// stable form (lowercase, words joined by `-`) written into logs and JSON.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$kind])* #[doc = $meaning] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &[Code] = &[$(Code::$variant),*];

            /// The stable form: `suffix-crc-mismatch`, `dfu-cancelled`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// What the code means, in one sentence (for the table of codes).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }
        }
    };
}

codes! {
    // The file (firmware::FirmwareError).
    TooShort = "too-short": "The file is shorter than a DFU suffix.",
    NoSuffix = "no-suffix": "The file does not end with a DFU suffix.",
    SuffixCrcMismatch = "suffix-crc-mismatch": "The DFU suffix's checksum does not match the file's contents.",
    BadSuffixLength = "bad-suffix-length": "The DFU suffix gives a length other than 16 bytes.",
    NotCpio = "not-cpio": "The file has an Espressif suffix but is not a dfu.bin archive.",
    CpioBadMagic = "cpio-bad-magic": "An archive header is missing where one must start.",
    CpioBadHexField = "cpio-bad-hex-field": "An archive header has a field that is not 8 hex digits.",
    CpioTruncated = "cpio-truncated": "The archive ends inside an entry or before its end marker.",
    CpioBadName = "cpio-bad-name": "An archive entry's name has no terminating NUL.",
    CpioSizePastEnd = "cpio-size-past-end": "An archive entry claims more bytes than the file holds.",
    IndexMissing = "index-missing": "The archive's first entry is not the index dfuinfo0.dat.",
    IndexSize = "index-size": "The index is not a whole number of 88-byte records.",
    IndexCountMismatch = "index-count-mismatch": "The index lists another number of files than the archive holds.",
    IndexNameMismatch = "index-name-mismatch": "An index record names another file than the archive entry at its place.",
    IndexNameNotTerminated = "index-name-not-terminated": "An index record's name fills its 64 bytes with no terminating NUL.",
    Md5Mismatch = "md5-mismatch": "A part does not match the MD5 checksum in the index.",
    BadFlashParams = "bad-flash-params": "flash_params.dat has the wrong size or a flash size of 0.",
    OverlappingRegions = "overlapping-regions": "Two parts of the image overlap in flash.",
    RegionPastFlash = "region-past-flash": "A part ends past the flash size the image was built for.",
    AddressOverflow = "address-overflow": "A part runs past the 4 GiB address space.",
    RawEspApp = "raw-esp-app": "The file is a raw ESP application image, not a dfu.bin.",
    ElfFile = "elf-file": "The file is an ELF program, not a dfu.bin.",
    FileUnreadable = "file-unreadable": "The file could not be read from disk.",
    ProfileImageChanged = "profile-image-changed": "A locked profile's file changed since the profile was saved.",
    // The board and the command line, before anything is sent.
    UsbUnavailable = "usb-unavailable": "USB could not be used on this computer (libusb did not start).",
    NoBoard = "no-board": "No DFU board matched what was asked for.",
    AmbiguousBoard = "ambiguous-board": "Several boards matched; one must be chosen.",
    BadSelector = "bad-selector": "A board selector on the command line could not be read.",
    WrongChip = "wrong-chip": "The file is built for another chip or device than the board.",
    OpenFailed = "open-failed": "The board's DFU interface could not be opened.",
    LogNotWritable = "log-not-writable": "The production log cannot be written, so nothing is flashed.",
    // Per-board data (station::provision), before anything is sent.
    ProvisionValuesInvalid = "provision-values-invalid": "The per-board config or values file cannot be read or has problems.",
    ProvisionPartition = "provision-partition": "The dfu.bin has no NVS partition that can take the per-board data.",
    NoRowsLeft = "no-rows-left": "Every row of the values file has been given to a board; nothing more is flashed.",
    JournalNotWritable = "journal-not-writable": "The row journal cannot be written, so no row is given and nothing is flashed.",
    JournalRefused = "journal-refused": "The row journal belongs to another values file or is damaged, so no row is given.",
    NvsImageFailed = "nvs-image-failed": "A board's NVS image could not be built from its row.",
    // The line's store (line), before anything is sent.
    LineUnreachable = "line-unreachable": "The line's database cannot be reached or did not answer in time, so no unit is claimed and nothing is flashed.",
    LineRefused = "line-refused": "The line's database refuses this station (address, password, access or schema version), so nothing is flashed.",
    // The download (dfu::DfuError).
    DfuDeviceError = "dfu-device-error": "The board reported an error status during the download.",
    DfuTransferFailed = "dfu-transfer-failed": "A USB transfer to or from the board failed.",
    DfuBadReply = "dfu-bad-reply": "The board's status reply does not follow DFU 1.1.",
    DfuBusyTooLong = "dfu-busy-too-long": "The board stayed busy past its deadline.",
    DfuAppMode = "dfu-app-mode": "The board runs its application, not the DFU loader.",
    DfuNotBackAfterDetach = "dfu-not-back-after-detach": "The board did not come back in DFU mode after DETACH.",
    DfuUnexpectedState = "dfu-unexpected-state": "The board was in another DFU state than expected.",
    DfuCancelled = "dfu-cancelled": "Flashing was cancelled before it finished.",
    InternalError = "internal-error": "DFU Station itself failed while flashing (a bug).",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code equals its stable form: `code == "dfu-cancelled"`, as a log's reader compares.
impl PartialEq<&str> for Code {
    fn eq(&self, text: &&str) -> bool {
        self.as_str() == *text
    }
}

/// A string that is no [`Code`]'s stable form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a DFU Station failure code")]
pub struct UnknownCode(pub String);

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(text: &str) -> Result<Code, UnknownCode> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or_else(|| UnknownCode(text.to_owned()))
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why something failed: its [`Code`], what happened in English with the detail an
/// engineer needs, and the typed error behind it, if any (an `io::Error` keeps its
/// `ErrorKind`; a USB error tells "access denied" from "in use"). Cheap to clone: the
/// cause is shared.
///
/// Its `Display` is the message, always English (logs, `--json`, Details); what a
/// technician reads first is the station's advice for the code, in their language.
#[derive(Clone)]
pub struct Failure {
    code: Code,
    message: String,
    cause: Option<Arc<dyn Error + Send + Sync>>,
}

impl Failure {
    /// A failure with `code` that says `message` (English, a whole sentence).
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            cause: None,
        }
    }

    /// The same failure, with the typed error behind it.
    pub fn because(mut self, cause: impl Error + Send + Sync + 'static) -> Failure {
        self.cause = Some(Arc::new(cause));
        self
    }

    /// A failure that is `error` itself: its code, its text as the message, and `error`
    /// kept as the cause (so a caller can look at it again with [`Failure::cause`]).
    pub fn from_error(code: Code, error: impl Error + Send + Sync + 'static) -> Failure {
        Failure::new(code, error.to_string()).because(error)
    }

    /// Which failure.
    pub fn code(&self) -> Code {
        self.code
    }

    /// What happened, in English.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The first error of type `E` in the chain of causes, if there is one.
    pub fn cause<E: Error + 'static>(&self) -> Option<&E> {
        let mut next: Option<&(dyn Error + 'static)> = self.source();
        while let Some(error) = next {
            if let Some(found) = error.downcast_ref::<E>() {
                return Some(found);
            }
            next = error.source();
        }
        None
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Failure");
        debug
            .field("code", &self.code)
            .field("message", &self.message);
        if let Some(cause) = &self.cause {
            debug.field("cause", cause);
        }
        debug.finish()
    }
}

impl Error for Failure {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn Error + 'static))
    }
}

/// Two failures are the same when they say the same: code and message (the cause is how
/// it came about, not what it is).
impl PartialEq for Failure {
    fn eq(&self, other: &Failure) -> bool {
        self.code == other.code && self.message == other.message
    }
}

impl Eq for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_says_its_message_and_keeps_its_typed_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let failure = Failure::new(Code::FileUnreadable, "The file could not be read.").because(io);
        assert_eq!(failure.code(), Code::FileUnreadable);
        assert_eq!(failure.to_string(), "The file could not be read.");
        let kind = failure.cause::<std::io::Error>().map(|e| e.kind());
        assert_eq!(kind, Some(std::io::ErrorKind::PermissionDenied));
        assert!(failure.cause::<UnknownCode>().is_none());
        assert_eq!(failure.clone(), failure);
        assert!(format!("{failure:?}").contains("PermissionDenied"));
    }

    #[test]
    fn a_cause_is_found_through_the_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] UnknownCode);
        let failure = Failure::from_error(Code::InternalError, Outer(UnknownCode("x".into())));
        assert_eq!(failure.message(), "outer");
        assert_eq!(
            failure.cause::<UnknownCode>(),
            Some(&UnknownCode("x".into()))
        );
        assert!(failure.cause::<Outer>().is_some());
    }

    #[test]
    fn every_code_has_one_spelling_that_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{text} is not lowercase words joined by -"
            );
            assert_eq!(text.parse::<Code>(), Ok(code));
            assert!(code.meaning().ends_with('.'), "{text}");
        }
        assert_eq!(
            "dfu_cancelled".parse::<Code>(),
            Err(UnknownCode("dfu_cancelled".into()))
        );
    }

    #[test]
    fn codes_already_in_production_logs_keep_their_spelling() {
        for (code, text) in [
            (Code::DfuCancelled, "dfu-cancelled"),
            (Code::DfuDeviceError, "dfu-device-error"),
            (Code::WrongChip, "wrong-chip"),
            (Code::OpenFailed, "open-failed"),
            (Code::FileUnreadable, "file-unreadable"),
            (Code::LogNotWritable, "log-not-writable"),
            (Code::InternalError, "internal-error"),
        ] {
            assert_eq!(code.as_str(), text);
        }
    }
}
