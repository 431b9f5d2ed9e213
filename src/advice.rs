//! What to do about a failure: one next step per [`Code`], per platform, in words a
//! technician follows. Errors say what happened; this says what to do, so the same
//! advice reads the same in the window, on the command line and in the help. The one
//! place for the download-mode instruction, the Linux udev rule and the Windows driver.

use crate::dfu::TransportError;
use crate::failure::Code;

/// The operating system whose advice to give (drivers and permissions differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux: udev rules give the user access to USB devices.
    Linux,
    /// Windows: a driver (WinUSB) must be bound to the DFU interface.
    Windows,
    /// macOS and everything else.
    Other,
}

impl Platform {
    /// The platform this program was built for.
    pub fn current() -> Platform {
        if cfg!(target_os = "linux") {
            Platform::Linux
        } else if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Other
        }
    }
}

/// How to put an ESP32-S2/S3 board in download mode (the ROM's USB DFU), as one sentence.
pub const DOWNLOAD_MODE: &str =
    "Put the board in download mode: hold BOOT, press and release RESET, then release BOOT.";

/// The udev rule that lets the logged-in user open Espressif boards on Linux.
pub const UDEV_RULE: &str = r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", TAG+="uaccess""#;

/// Where [`UDEV_RULE`] goes (before 73-seat-late.rules, which applies `uaccess`).
pub const UDEV_RULE_PATH: &str = "/etc/udev/rules.d/70-dfu-station.rules";

/// Rebuilding a damaged or malformed dfu.bin.
const REBUILD: &str =
    "Rebuild the file with `idf.py dfu` (or `dfu-station pack`) and open it again.";
/// Getting an intact copy of a file that was cut or changed on its way.
const FRESH_COPY: &str =
    "Get a fresh copy of the file (it was cut or changed after it was built) and open it again.";
/// Replugging, for a board that stopped answering properly.
const REPLUG: &str = "Unplug and replug the board, put it in download mode, then flash again.";

/// What to do about a failure with `code` on `platform`; the USB error behind it
/// (`cause`), when there is one that names the fix, comes first.
pub fn advice(code: Code, cause: Option<&TransportError>, platform: Platform) -> String {
    if let Some(fix) = cause.and_then(|cause| usb_fix(cause, platform)) {
        return fix;
    }
    let text = match code {
        Code::TooShort => "Check that the right file was picked and that it was copied completely.",
        Code::NoSuffix => "For ESP32-S2/S3 boards, build a dfu.bin with `idf.py dfu`.",
        Code::SuffixCrcMismatch | Code::CpioTruncated | Code::CpioSizePastEnd => FRESH_COPY,
        Code::Md5Mismatch => FRESH_COPY,
        Code::BadSuffixLength
        | Code::NotCpio
        | Code::CpioBadMagic
        | Code::CpioBadHexField
        | Code::CpioBadName
        | Code::IndexMissing
        | Code::IndexSize
        | Code::IndexCountMismatch
        | Code::IndexNameMismatch
        | Code::BadFlashParams
        | Code::AddressOverflow => REBUILD,
        Code::IndexNameNotTerminated => "Use shorter part names and rebuild the file.",
        Code::OverlappingRegions => "Fix the parts' addresses and rebuild the file.",
        Code::RegionPastFlash => {
            "Build the image for the board's flash size (`--flash-size`) or move the part."
        }
        Code::RawEspApp | Code::ElfFile => {
            "Make a dfu.bin from it (`idf.py dfu` in its project, or `dfu-station pack`) and open that."
        }
        Code::FileUnreadable => {
            "Check that the file exists, that you may read it and that its drive is connected."
        }
        Code::ProfileImageChanged => {
            "Set the board aside and call your engineer: the locked file must be saved again."
        }
        Code::UsbUnavailable => {
            "Check that the computer has USB support (on Linux, that /dev/bus/usb exists). Everything else keeps working."
        }
        Code::NoBoard => {
            return format!(
                "{DOWNLOAD_MODE} Use a data cable (not a charge-only one), then try again."
            );
        }
        Code::AmbiguousBoard => "Choose one board by its port path (-p) or serial number (-S).",
        Code::BadSelector => "Write the board as VID:PID in hex, e.g. 303a:0002.",
        Code::WrongChip => {
            "Use a file built for this board's chip (`idf.py set-target`, then `idf.py dfu`), or plug in the board it is meant for."
        }
        Code::OpenFailed => {
            "Check the cable and that no other program uses the board, then flash again."
        }
        Code::LogNotWritable => {
            "Free space or fix the log folder's permissions (or choose another folder); flashing resumes once the log is written."
        }
        Code::ProvisionValuesInvalid => {
            "Fix every row listed (`dfu-station provision check CONFIG VALUES` lists them), then load the profile again."
        }
        Code::ProvisionPartition => {
            "Build the dfu.bin with a partition table holding the NVS data partition the profile names (type data, subtype nvs), or name another partition in the profile."
        }
        Code::NoRowsLeft => {
            "Set the board aside: ask the engineer for a values file with new rows (and a new log folder)."
        }
        Code::JournalNotWritable => {
            "Free space or fix the log folder's permissions, then start again; rows already claimed are never given again."
        }
        Code::JournalRefused => {
            "Use the values file the journal was started with, or another log folder; call your engineer if the journal is damaged."
        }
        Code::NvsImageFailed => {
            "Check the row with `dfu-station provision check CONFIG VALUES` and call your engineer; the row stays spent."
        }
        Code::DfuDeviceError => "Check that the file is meant for this board, then flash again.",
        Code::DfuTransferFailed => {
            "Check the cable and that no other program uses the board, then flash again."
        }
        Code::DfuBadReply | Code::DfuBusyTooLong | Code::DfuUnexpectedState => REPLUG,
        Code::DfuAppMode => return format!("{DOWNLOAD_MODE} Then flash again."),
        Code::DfuNotBackAfterDetach => {
            "Check the cable and the USB permissions or driver, then flash again."
        }
        Code::DfuCancelled => {
            "The board may hold a partial image: flash it again before it is used."
        }
        Code::InternalError => {
            "Flash the board again, and send a support report (Help) so this gets fixed."
        }
    };
    text.to_owned()
}

/// The fix for a USB error, where the error itself names one.
fn usb_fix(error: &TransportError, platform: Platform) -> Option<String> {
    let text = match (error, platform) {
        (TransportError::Access, Platform::Linux) => {
            return Some(format!(
                "Let your user open Espressif boards: put the line\n  {UDEV_RULE}\ninto \
                 {UDEV_RULE_PATH}, run `sudo udevadm control --reload && sudo udevadm trigger`, \
                 then unplug and replug the board."
            ));
        }
        (TransportError::Access, Platform::Windows)
        | (TransportError::NotSupported, Platform::Windows) => {
            "Install the WinUSB driver on the board's DFU interface (interface 2, the one \
             without a driver) with Zadig, or install Espressif's USB driver, then unplug \
             and replug the board."
        }
        (TransportError::Access, Platform::Other) => {
            "The system refused access: check that no other driver has claimed the board's \
             DFU interface and that your user may use USB devices, then replug the board."
        }
        (TransportError::NotSupported, _) => {
            "No driver lets programs open the board's DFU interface: check that no other \
             driver has claimed it, then replug the board."
        }
        (TransportError::Busy, _) => {
            "Another program holds the board (dfu-util, idf.py, a serial monitor or another \
             DFU Station): close it and try again."
        }
        (TransportError::NoDevice, _) => {
            return Some(format!(
                "The board was unplugged or restarted. Check the cable. {DOWNLOAD_MODE} Then try again."
            ));
        }
        (TransportError::Stall | TransportError::Timeout | TransportError::Other(_), _) => {
            return None;
        }
    };
    Some(text.to_owned())
}

/// A failure in a technician's words, with the next step: what the window shows first
/// (the technical message goes under "Details"). No protocol words, no numbers.
pub fn headline(code: Code) -> &'static str {
    match code {
        Code::SuffixCrcMismatch
        | Code::CpioTruncated
        | Code::CpioSizePastEnd
        | Code::Md5Mismatch => "The file is damaged. Get a fresh copy of it.",
        Code::TooShort => "The file is too short to be firmware. Pick the right file.",
        Code::NoSuffix | Code::NotCpio => {
            "This is not a firmware file for these boards. Ask your engineer for the dfu.bin."
        }
        Code::BadSuffixLength
        | Code::CpioBadMagic
        | Code::CpioBadHexField
        | Code::CpioBadName
        | Code::IndexMissing
        | Code::IndexSize
        | Code::IndexCountMismatch
        | Code::IndexNameMismatch
        | Code::IndexNameNotTerminated
        | Code::BadFlashParams
        | Code::OverlappingRegions
        | Code::RegionPastFlash
        | Code::AddressOverflow => "The file was built wrong. Ask your engineer to rebuild it.",
        Code::RawEspApp | Code::ElfFile => {
            "This is not a dfu.bin yet. Make a dfu.bin from it first."
        }
        Code::FileUnreadable => "The file cannot be read. Check that its drive is connected.",
        Code::ProfileImageChanged => {
            "The station's file has changed. Set the boards aside and call your engineer."
        }
        Code::UsbUnavailable => "USB does not work on this computer. Call your engineer.",
        Code::NoBoard => "No board found. Put the board in download mode.",
        Code::AmbiguousBoard => "Several boards match. Choose one.",
        Code::BadSelector => "The board is not named right. Check the command.",
        Code::WrongChip => "This file is for another chip. Use the right file or board.",
        Code::OpenFailed => {
            "The board cannot be opened. Close other flashing programs and replug it."
        }
        Code::LogNotWritable => {
            "The production log cannot be written. Fix the log folder to go on."
        }
        Code::ProvisionValuesInvalid => {
            "The per-board data has mistakes. Ask your engineer to fix the values file."
        }
        Code::ProvisionPartition => {
            "The file has no place for per-board data. Ask your engineer for the right file."
        }
        Code::NoRowsLeft => {
            "There is no per-board data left. Set the board aside and call your engineer."
        }
        Code::JournalNotWritable => {
            "The list of boards given data cannot be written. Fix the log folder to go on."
        }
        Code::JournalRefused => {
            "The list of boards given data does not match this station. Call your engineer."
        }
        Code::NvsImageFailed => {
            "This board's data could not be prepared. Set the board aside and call your engineer."
        }
        Code::DfuDeviceError => {
            "The board refused the firmware. Check that the file is for this board, then flash again."
        }
        Code::DfuTransferFailed => {
            "The connection to the board broke. Check the cable and flash again."
        }
        Code::DfuBadReply | Code::DfuUnexpectedState => {
            "The board stopped answering properly. Replug it in download mode and flash again."
        }
        Code::DfuBusyTooLong => {
            "The board took too long. Replug it in download mode and flash again."
        }
        Code::DfuAppMode => {
            "The board is not in download mode. Put it in download mode and flash again."
        }
        Code::DfuNotBackAfterDetach => {
            "The board did not come back. Check the cable and flash again."
        }
        Code::DfuCancelled => "Flashing was stopped. Flash the board again before it is used.",
        Code::InternalError => "DFU Station failed. Flash again and send a support report.",
    }
}

/// What happened, then what to do: the text a plain-text front (the CLI) prints.
pub fn explained(
    message: &str,
    code: Code,
    cause: Option<&TransportError>,
    platform: Platform,
) -> String {
    format!("{message}\n{}", advice(code, cause, platform))
}

/// The table of every code with its meaning and advice, as `docs/failure-codes.md` holds it.
pub fn code_table() -> String {
    let mut table = String::from(
        "# Failure codes\n\n\
         Every failure DFU Station reports has one of these codes: in the production log's \
         `error_code`, in `--json` output and in the window. Codes never change spelling \
         without a line in docs/changelog.md. The advice is the one given on Linux when no USB \
         error names a more specific fix.\n\n\
         Generated from `src/failure.rs` and `src/advice.rs`; `cargo test --lib advice` checks \
         it and `UPDATE_DOCS=1 cargo test --lib advice` rewrites it.\n\n\
         | Code | Meaning | In the window | What to do |\n| --- | --- | --- | --- |\n",
    );
    for &code in Code::ALL {
        let advice = advice(code, None, Platform::Linux).replace('\n', " ");
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            code.as_str(),
            code.meaning(),
            headline(code),
            advice.replace('|', "\\|")
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The advice for a board that could not be opened because of `error`.
    fn open_failed(error: TransportError, platform: Platform) -> String {
        advice(Code::OpenFailed, Some(&error), platform)
    }

    #[test]
    fn access_on_linux_gives_the_udev_rule() {
        let text = open_failed(TransportError::Access, Platform::Linux);
        assert!(text.contains(UDEV_RULE_PATH));
        assert!(text.contains(r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", TAG+="uaccess""#));
        assert!(text.contains("udevadm control --reload"));
    }

    #[test]
    fn windows_problems_point_to_winusb_on_interface_2() {
        for error in [TransportError::Access, TransportError::NotSupported] {
            let text = open_failed(error, Platform::Windows);
            assert!(text.contains("WinUSB"), "{text}");
            assert!(text.contains("interface 2"), "{text}");
            assert!(text.contains("Zadig"), "{text}");
        }
    }

    #[test]
    fn a_usb_error_without_a_fix_leaves_the_codes_advice() {
        let busy = open_failed(TransportError::Busy, Platform::Linux);
        assert!(busy.contains("Another program holds the board"), "{busy}");
        let gone = advice(
            Code::DfuTransferFailed,
            Some(&TransportError::NoDevice),
            Platform::Other,
        );
        assert!(
            gone.contains("unplugged") && gone.contains("download mode"),
            "{gone}"
        );
        let stall = advice(
            Code::DfuTransferFailed,
            Some(&TransportError::Stall),
            Platform::Linux,
        );
        assert_eq!(
            stall,
            advice(Code::DfuTransferFailed, None, Platform::Linux)
        );
    }

    #[test]
    fn every_code_has_a_next_step() {
        for &code in Code::ALL {
            let text = advice(code, None, Platform::Linux);
            assert!(text.len() > 20 && text.ends_with('.'), "{code}: {text}");
        }
        assert!(advice(Code::DfuAppMode, None, Platform::Linux).starts_with(DOWNLOAD_MODE));
    }

    #[test]
    fn every_headline_is_plain_and_names_a_next_step() {
        const PROTOCOL_WORDS: [&str; 12] = [
            "DNLOAD",
            "GETSTATUS",
            "DETACH",
            "errVERIFY",
            "dfuERROR",
            "dfuIDLE",
            "manifest",
            "suffix",
            "CPIO",
            "0x",
            "USB 1-",
            "block",
        ];
        const NEXT_STEPS: [&str; 14] = [
            "Get", "Pick", "Ask", "Make", "Check", "Set", "Call", "Put", "Choose", "Use", "Close",
            "Fix", "Flash", "Replug",
        ];
        for &code in Code::ALL {
            let text = headline(code);
            for word in PROTOCOL_WORDS {
                assert!(
                    !text.to_lowercase().contains(&word.to_lowercase()),
                    "{code}: {text} says {word}"
                );
            }
            let (_, step) = text
                .split_once(". ")
                .unwrap_or_else(|| panic!("{code}: {text}"));
            assert!(
                NEXT_STEPS.iter().any(|verb| step.starts_with(verb)) && step.ends_with('.'),
                "{code}: \"{step}\" is not a next step"
            );
        }
    }

    /// `docs/failure-codes.md` is the table the code gives (rewritten with UPDATE_DOCS=1).
    #[test]
    fn the_documented_table_of_codes_is_current() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/failure-codes.md");
        let table = code_table();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(file, &table).unwrap();
        }
        let written = std::fs::read_to_string(file).unwrap_or_default();
        assert!(
            written == table,
            "docs/failure-codes.md is not the table of codes: run \
             `UPDATE_DOCS=1 cargo test --lib advice` and commit it"
        );
    }
}
