//! What to do about a failure: one next step per [`Code`], per platform, in words a
//! technician follows. Errors say what happened; this says what to do, so the same
//! advice reads the same in the window, on the command line and in the help. The one
//! place for the download-mode instruction, the Linux udev rule and the Windows driver
//! (also the driver doctor's findings).

use dfu::{DfuError, Phase, Status, TransportError};
use failure::{Code, Failure};
use firmware::Warning;
use usb::UsbError;
use usb::driver::{Finding, Fix, NoPackage};

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

/// How to put an ESP32-S2/S3 board in download mode (the ROM's USB DFU), as one sentence
/// in the reader's language: `Put the board in download mode: hold BOOT, press and
/// release RESET, then release BOOT.`
pub fn download_mode() -> String {
    i18n::t!("advice-download-mode")
}

/// The udev rule that lets the logged-in user open Espressif boards on Linux.
pub const UDEV_RULE: &str = r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", TAG+="uaccess""#; // not for people: a udev rule, typed as it is

/// Where [`UDEV_RULE`] goes (before 73-seat-late.rules, which applies `uaccess`).
pub const UDEV_RULE_PATH: &str = "/etc/udev/rules.d/70-dfu-station.rules";

/// What to do about a failure with `code` on `platform`; the USB error behind it
/// (`cause`), when there is one that names the fix, comes first.
pub fn advice(code: Code, cause: Option<&TransportError>, platform: Platform) -> String {
    cause
        .and_then(|cause| usb_fix(cause, platform))
        .unwrap_or_else(|| i18n::t!(plain_words(code).next))
}

/// A failure in a technician's words, with the next step: what the window shows first
/// (the technical message goes under "Details"). No protocol words, no numbers.
pub fn headline(code: Code) -> String {
    i18n::t!(plain_words(code).headline)
}

/// What the window and the command line show first for `failure`, a refused file as much
/// as a failed flash: its code's [`headline`], unless the typed error behind it says
/// something a technician must act on differently. The one such case: a board that
/// reported errVERIFY after the firmware was written did not keep it (a board to set
/// aside if it happens again), where the code's words point at the file.
pub fn failure_headline(failure: &Failure) -> String {
    i18n::t!(words_for(failure).headline)
}

/// The first sentence of [`failure_headline`]: what happened, without the next step, for
/// a place with room for a few words (the top bar). Every headline is two sentences
/// (`every_headline_is_what_happened_then_what_to_do`).
pub fn what_happened(failure: &Failure) -> String {
    first_sentence(&failure_headline(failure)).to_owned()
}

/// `text` up to the end of its first sentence (`. ` in English, `。` in Chinese).
fn first_sentence(text: &str) -> &str {
    let english = text.find(". ").map(|i| i + 1);
    let chinese = text.find('。').map(|i| i + '。'.len_utf8());
    let end = english.into_iter().chain(chinese).min();
    end.map_or(text, |end| &text[..end])
}

/// Whether `failure` is a board that reported errVERIFY once data was written: it did
/// not keep what it was sent.
fn did_not_keep(failure: &Failure) -> bool {
    matches!(
        failure.cause::<DfuError>(),
        Some(DfuError::Device {
            status: Status::ErrVerify,
            at,
            ..
        }) if matches!(at.phase, Phase::Writing | Phase::Manifesting | Phase::Done)
    )
}

/// The plain words for `failure`: its code's, or those of the case its cause names.
fn words_for(failure: &Failure) -> PlainWords {
    if did_not_keep(failure) {
        return PlainWords {
            headline: "failure-board-did-not-keep",
            next: "advice-flash-again-then-set-aside",
        };
    }
    plain_words(failure.code())
}

/// A file's warning in a technician's words, with what to do: what the window shows under
/// "Valid, N warnings" (the warning's own technical message goes under "Details").
pub fn warning_headline(warning: &Warning) -> String {
    let key = match warning {
        Warning::AnyChip => "warning-any-chip",
        Warning::UnknownChip { .. } => "warning-unknown-chip",
        Warning::NoFlashParams => "warning-no-flash-size",
        Warning::LongErase { .. } => "warning-long-erase",
        Warning::DataAfterTrailer { .. } => "warning-extra-data",
        Warning::NothingToFlash => "warning-nothing-to-flash",
    };
    i18n::t!(key)
}

/// What the driver doctor found, in a technician's words: what is the matter (no
/// interface numbers, no hardware IDs).
pub fn driver_headline(fix: &Fix) -> String {
    match fix {
        Fix::Install(_) | Fix::Zadig(_) => i18n::t!("driver-needed"),
        Fix::WrongDriver { service, .. } => i18n::t!("driver-wrong", driver = service.as_str()),
    }
}

/// What to do about a finding, one step per item (the Zadig steps themselves are the
/// Windows driver help's).
pub fn driver_steps(finding: &Finding) -> Vec<String> {
    match &finding.fix {
        Fix::Install(_) => vec![i18n::t!("driver-press-install")],
        Fix::Zadig(NoPackage::NoneForChip) => {
            vec![i18n::t!("driver-no-package", chip = finding.chip.name())]
        }
        Fix::Zadig(NoPackage::Missing(path)) => vec![i18n::t!(
            "driver-package-missing",
            path = path.display().to_string()
        )],
        Fix::WrongDriver { .. } => {
            let name = finding.node.name.as_deref().unwrap_or(finding.chip.name());
            let remove = i18n::t!("driver-remove", name = name);
            let command = (finding.fix.removal_command())
                .map(|command| i18n::t!("driver-remove-command", command = command));
            [remove].into_iter().chain(command).collect()
        }
    }
}

/// A finding's detail for the engineer: the interface's instance ID, driver and problem
/// code.
pub fn driver_details(finding: &Finding) -> String {
    let node = &finding.node;
    i18n::t!(
        "driver-details",
        chip = finding.chip.name(),
        instance = node.instance_id.as_str(),
        driver = node.service.as_deref().unwrap_or("-"),
        problem = node.problem.map_or("-".to_owned(), |p| p.to_string())
    )
}

/// A finding on one line for a plain-text front (`dfu-station list`): the chip, what is
/// the matter, where to see what to do, and the engineer's detail.
pub fn driver_line(finding: &Finding) -> String {
    i18n::t!(
        "driver-line",
        chip = finding.chip.name(),
        headline = driver_headline(&finding.fix),
        details = driver_details(finding)
    )
}

/// The catalogue keys of a failure's plain words.
struct PlainWords {
    /// What happened, said to a technician (`failure-*`).
    headline: &'static str,
    /// What to do next (`advice-*`).
    next: &'static str,
}

/// Every code's headline and next step, side by side in one match so that no code lacks
/// either and a group of codes is named once.
fn plain_words(code: Code) -> PlainWords {
    let (headline, next) = match code {
        Code::SuffixCrcMismatch
        | Code::CpioTruncated
        | Code::CpioSizePastEnd
        | Code::Md5Mismatch => ("failure-file-damaged", "advice-fresh-copy"),
        Code::TooShort => ("failure-file-too-short", "advice-check-file-picked"),
        Code::NoSuffix => ("failure-not-firmware", "advice-build-dfu-bin"),
        Code::NotCpio => ("failure-not-firmware", "advice-rebuild"),
        Code::BadSuffixLength
        | Code::CpioBadMagic
        | Code::CpioBadHexField
        | Code::CpioBadName
        | Code::IndexMissing
        | Code::IndexSize
        | Code::IndexCountMismatch
        | Code::IndexNameMismatch
        | Code::BadFlashParams
        | Code::AddressOverflow => ("failure-file-built-wrong", "advice-rebuild"),
        Code::IndexNameNotTerminated => ("failure-file-built-wrong", "advice-shorter-part-names"),
        Code::OverlappingRegions => ("failure-file-built-wrong", "advice-fix-addresses"),
        Code::RegionPastFlash => ("failure-file-built-wrong", "advice-fit-flash-size"),
        Code::RawEspApp | Code::ElfFile => ("failure-not-dfu-bin-yet", "advice-make-dfu-bin"),
        Code::FileUnreadable => ("failure-file-unreadable", "advice-check-file-readable"),
        Code::ProfileImageChanged => ("failure-station-file-changed", "advice-locked-file-changed"),
        Code::UsbUnavailable => ("failure-usb-unavailable", "advice-check-usb-support"),
        Code::NoBoard => ("failure-no-board", "advice-download-mode-and-data-cable"),
        Code::AmbiguousBoard => ("failure-several-boards", "advice-choose-one-board"),
        Code::BadSelector => ("failure-board-named-wrong", "advice-write-vid-pid"),
        Code::WrongChip => ("failure-wrong-chip", "advice-use-file-for-chip"),
        Code::OpenFailed => (
            "failure-cannot-open-board",
            "advice-check-cable-and-programs",
        ),
        Code::DfuTransferFailed => (
            "failure-connection-broke",
            "advice-check-cable-and-programs",
        ),
        Code::LogNotWritable => ("failure-log-not-writable", "advice-fix-log-folder"),
        Code::ProvisionValuesInvalid => ("failure-board-data-mistakes", "advice-fix-listed-rows"),
        Code::ProvisionPartition => (
            "failure-no-place-for-board-data",
            "advice-add-nvs-partition",
        ),
        Code::NoRowsLeft => ("failure-no-board-data-left", "advice-ask-for-new-rows"),
        Code::JournalNotWritable => ("failure-journal-not-writable", "advice-fix-journal-folder"),
        Code::JournalRefused => ("failure-journal-refused", "advice-use-journal-values"),
        Code::NvsImageFailed => ("failure-board-data-not-prepared", "advice-check-row"),
        Code::LineUnreachable => ("failure-line-unreachable", "advice-line-unreachable"),
        Code::LineRefused => ("failure-line-refused", "advice-line-refused"),
        Code::DfuDeviceError => (
            "failure-board-refused-firmware",
            "advice-check-file-for-board",
        ),
        Code::DfuBadReply | Code::DfuUnexpectedState => {
            ("failure-board-stopped-answering", "advice-replug")
        }
        Code::DfuBusyTooLong => ("failure-board-too-slow", "advice-replug"),
        Code::DfuAppMode => (
            "failure-not-in-download-mode",
            "advice-download-mode-then-flash",
        ),
        Code::DfuNotBackAfterDetach => (
            "failure-board-not-back",
            "advice-check-cable-and-permissions",
        ),
        Code::DfuCancelled => (
            "failure-flashing-stopped",
            "advice-flash-partial-board-again",
        ),
        Code::InternalError => ("failure-internal-error", "advice-send-support-report"),
    };
    PlainWords { headline, next }
}

/// The fix for a USB error, where the error itself names one.
///
/// Each platform's fix is a message of its own rather than a `$platform` selector in one
/// message: they are different instructions (a udev rule, a driver, a claimed interface),
/// not one sentence that changes a word, and only the Linux one takes variables.
fn usb_fix(error: &TransportError, platform: Platform) -> Option<String> {
    let key = match (error, platform) {
        (TransportError::Access, Platform::Linux) => {
            return Some(i18n::t!(
                "advice-install-udev-rule",
                rule = UDEV_RULE,
                path = UDEV_RULE_PATH
            ));
        }
        (TransportError::Access, Platform::Windows)
        | (TransportError::NotSupported, Platform::Windows) => "advice-install-winusb",
        (TransportError::Access, Platform::Other) => "advice-access-refused",
        (TransportError::NotSupported, _) => "advice-no-driver",
        (TransportError::Busy, _) => "advice-board-busy",
        (TransportError::NoDevice, _) => "advice-board-gone",
        (TransportError::Stall | TransportError::Timeout | TransportError::Other(_), _) => {
            return None;
        }
    };
    Some(i18n::t!(key))
}

/// What to do about `failure` on this system: [`advice`] for its code and the USB error
/// behind it, if one was; for a board that did not keep what was written, to flash it
/// again and set it aside if that fails too.
pub fn next_step(failure: &Failure) -> String {
    if did_not_keep(failure) {
        return i18n::t!(words_for(failure).next);
    }
    advice(
        failure.code(),
        failure.cause::<TransportError>(),
        Platform::current(),
    )
}

/// What happened, then what to do: the text a plain-text front (the CLI) prints.
pub fn explained(failure: &Failure) -> String {
    format!("{failure}\n{}", next_step(failure))
}

/// A USB failure for a plain-text front: what happened (in the reader's language where
/// the catalogue says it), then what to do on this system.
pub fn explain_usb(error: &UsbError) -> String {
    let message = match error {
        UsbError::Unavailable(reason) => {
            i18n::t!("failure-usb-not-available", reason = reason.as_str())
        }
        UsbError::Device(_) => error.to_string(),
    };
    format!("{message}\n{}", next_step(&Failure::from(error.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use i18n::{Lang, with_lang};

    /// The table of every code with its meaning and advice, as `docs/failure-codes.md` holds it
    /// (in English, whatever the language).
    fn code_table() -> String {
        i18n::with_lang(i18n::Lang::En, english_code_table)
    }

    fn english_code_table() -> String {
        let kept = i18n::t!("failure-board-did-not-keep");
        let again = i18n::t!("advice-flash-again-then-set-aside");
        let mut table = format!(
            "# Failure codes\n\n\
             Every failure DFU Station reports has one of these codes: in the production log's \
             `error_code`, in `--json` output and in the window. Codes never change spelling \
             without a line in docs/changelog.md. The advice is the one given on Linux when no USB \
             error names a more specific fix.\n\n\
             One cause reads otherwise in the window: a `dfu-device-error` whose board reported \
             errVERIFY once the firmware was written says \"{kept}\" and advises: {again}\n\n\
             Generated from `src/crates/failure` and `src/crates/station/src/advice.rs`; \
             `cargo test -p dfu-station-core advice` checks it and \
             `UPDATE_DOCS=1 cargo test -p dfu-station-core advice` rewrites it.\n\n\
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
        assert!(advice(Code::DfuAppMode, None, Platform::Linux).starts_with(&download_mode()));
        assert_eq!(
            download_mode(),
            "Put the board in download mode: hold BOOT, press and release RESET, then release BOOT."
        );
    }

    /// In Chinese every headline and piece of advice is a Chinese sentence, and what is
    /// typed or copied (the udev rule, its path, commands) stays as it is.
    #[test]
    fn every_code_reads_in_chinese() {
        with_lang(Lang::ZhCn, || {
            for &code in Code::ALL {
                for text in [headline(code), advice(code, None, Platform::Linux)] {
                    assert!(
                        text.ends_with('。') && text.chars().any(|c| c > '\u{2e80}'),
                        "{code}: {text}"
                    );
                }
            }
            let udev = open_failed(TransportError::Access, Platform::Linux);
            assert!(
                udev.contains(&format!("\n  {UDEV_RULE}\n写入 {UDEV_RULE_PATH}，")),
                "{udev:?}"
            );
            assert!(udev.contains("`sudo udevadm control --reload && sudo udevadm trigger`"));
            let table = code_table();
            let english = with_lang(Lang::En, download_mode);
            assert!(table.contains(&english) && !table.contains('。'));
        });
    }

    /// Words a technician should not have to read first.
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

    #[test]
    fn every_headline_is_plain_and_names_a_next_step() {
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

    /// The failure of a board that reported `status` in `phase`.
    fn device_error(status: Status, phase: Phase) -> Failure {
        Failure::from(DfuError::Device {
            status,
            state: dfu::State::DfuError,
            at: dfu::Location {
                phase,
                block: Some(5210),
            },
        })
    }

    /// errVERIFY once the firmware was written is the board's matter, not the file's: it
    /// says so, and to set the board aside if it fails again; in Chinese too. Other
    /// statuses, and errVERIFY before anything was written, keep their code's words.
    #[test]
    fn a_board_that_did_not_keep_what_was_written_is_said_to() {
        for phase in [Phase::Writing, Phase::Manifesting] {
            let failure = device_error(Status::ErrVerify, phase);
            assert_eq!(failure.code(), Code::DfuDeviceError, "the code stays");
            assert_eq!(
                failure_headline(&failure),
                "The board did not keep what was written. Flash it again; if it fails again, \
                 set the board aside."
            );
            assert!(next_step(&failure).contains("set it aside"));
            assert_eq!(
                what_happened(&failure),
                "The board did not keep what was written."
            );
            with_lang(Lang::ZhCn, || {
                assert!(failure_headline(&failure).contains("放到一边"));
                assert_eq!(what_happened(&failure), "板子没有保存住写入的内容。");
            });
        }
        for failure in [
            device_error(Status::ErrWrite, Phase::Writing),
            device_error(Status::ErrVerify, Phase::Erasing),
        ] {
            assert_eq!(failure_headline(&failure), headline(Code::DfuDeviceError));
            assert_eq!(
                next_step(&failure),
                advice(Code::DfuDeviceError, None, Platform::current())
            );
        }
        let file = Failure::new(Code::SuffixCrcMismatch, "DFU suffix checksum is 0x1234.");
        assert_eq!(failure_headline(&file), headline(Code::SuffixCrcMismatch));
        assert_eq!(what_happened(&file), "The file is damaged.");
    }

    /// Every headline is what happened, then what to do: two sentences in either language,
    /// so that [`what_happened`] is the first.
    #[test]
    fn every_headline_is_what_happened_then_what_to_do() {
        for lang in Lang::ALL {
            with_lang(lang, || {
                for &code in Code::ALL {
                    let text = headline(code);
                    let first = first_sentence(&text);
                    assert!(
                        first.len() < text.len() && (first.ends_with('.') || first.ends_with('。')),
                        "{code} ({lang}): {text}"
                    );
                }
            });
        }
    }

    /// A file's warnings read plainly: what is the matter, then what to do, without the
    /// technical detail the warning's own message gives; in Chinese too.
    #[test]
    fn every_warning_reads_plainly_in_both_languages() {
        let warnings = [
            Warning::AnyChip,
            Warning::UnknownChip { pid: 0x1234 },
            Warning::NoFlashParams,
            Warning::LongErase {
                name: "app.bin".into(),
                size: 1 << 20,
            },
            Warning::DataAfterTrailer { bytes: 12 },
            Warning::NothingToFlash,
        ];
        let technical = [
            "ESP-IDF",
            "flash_params",
            "product ID",
            "trailer",
            "archive",
            "KiB",
        ];
        for warning in &warnings {
            let text = with_lang(Lang::En, || warning_headline(warning));
            for word in PROTOCOL_WORDS.iter().chain(&technical) {
                assert!(
                    !text.to_lowercase().contains(&word.to_lowercase()),
                    "{warning:?}: {text} says {word}"
                );
            }
            assert!(
                text.split_once(". ").is_some() && text.ends_with('.'),
                "{warning:?}: {text} is not what is the matter, then what to do"
            );
            let chinese = with_lang(Lang::ZhCn, || warning_headline(warning));
            assert!(
                chinese.ends_with('。') && chinese.chars().any(|c| c > '\u{2e80}'),
                "{warning:?}: {chinese}"
            );
        }
    }

    /// The driver doctor's findings for an ESP32-S2 interface with `service` (`None`: no
    /// driver) and each kind of fix.
    fn findings() -> Vec<Finding> {
        let node = |service: Option<&str>, name: Option<&str>| usb::driver::DeviceNode {
            instance_id: r"USB\VID_303A&PID_0002&MI_02\6&2B7A1B5B&0&0002".into(),
            hardware_ids: vec![r"USB\VID_303A&PID_0002&REV_0723&MI_02".into()],
            name: name.map(str::to_owned),
            service: service.map(str::to_owned),
            problem: service.is_none().then_some(28),
            inf: None,
        };
        let finding = |chip, node, fix| Finding { chip, node, fix };
        vec![
            finding(
                firmware::Chip::Esp32S2,
                node(None, None),
                Fix::Install(r"C:\Program Files\DFU Station\driver\esp32s2.inf".into()),
            ),
            finding(
                firmware::Chip::Esp32S3,
                node(None, None),
                Fix::Zadig(NoPackage::NoneForChip),
            ),
            finding(
                firmware::Chip::Esp32S2,
                node(None, None),
                Fix::Zadig(NoPackage::Missing(r"D:\dfu\driver\esp32s2.cat".into())),
            ),
            finding(
                firmware::Chip::Esp32S2,
                node(Some("libusb0"), Some("ESP32-S2 (Interface 2)")),
                Fix::WrongDriver {
                    service: "libusb0".into(),
                    package: Some("oem12.inf".into()),
                },
            ),
        ]
    }

    /// Each finding's headline is plain, its steps say what to do, and the engineer's
    /// words (the interface, the instance, the problem code) wait under Details; in
    /// Chinese too.
    #[test]
    fn driver_findings_read_plainly_with_their_next_steps() {
        let [install, s3, missing, libusb0] = findings().try_into().unwrap();
        for finding in [&install, &s3, &missing, &libusb0] {
            let headline = driver_headline(&finding.fix);
            for word in ["interface", "MI_", "VID", "303a", "WinUSB", "28"] {
                assert!(!headline.contains(word), "{headline} says {word}");
            }
            let details = driver_details(finding);
            assert!(
                details.contains("USB interface 2") && details.contains(&finding.node.instance_id),
                "{details}"
            );
            with_lang(Lang::ZhCn, || {
                let headline = driver_headline(&finding.fix);
                assert!(headline.ends_with('。'), "{headline}");
                assert!(
                    driver_steps(finding)
                        .iter()
                        .all(|s| s.chars().any(|c| c > '\u{2e80}'))
                );
            });
        }
        assert_eq!(
            driver_headline(&install.fix),
            "This board needs its USB driver before it can be flashed."
        );
        assert_eq!(
            driver_steps(&install),
            ["Press Install driver and answer Yes when Windows asks for permission."]
        );
        assert!(driver_details(&install).ends_with("driver: -; problem code: 28"));
        let [why] = &driver_steps(&s3)[..] else {
            panic!("one step for the S3")
        };
        assert!(why.contains("no signed driver for the ESP32-S3") && why.contains("Zadig"));
        let [why] = &driver_steps(&missing)[..] else {
            panic!("one step for a missing package")
        };
        assert!(why.contains(r"D:\dfu\driver\esp32s2.cat") && why.contains("reinstall"));
        assert_eq!(
            driver_headline(&libusb0.fix),
            "This board has the wrong USB driver (libusb0), so it cannot be flashed."
        );
        let [device_manager, command] = &driver_steps(&libusb0)[..] else {
            panic!("two ways to remove a wrong driver")
        };
        assert!(
            device_manager.contains("right-click \"ESP32-S2 (Interface 2)\"")
                && device_manager.contains("Attempt to remove the driver for this device"),
            "{device_manager}"
        );
        assert!(command.ends_with("pnputil /delete-driver oem12.inf /uninstall"));
        assert!(driver_details(&libusb0).ends_with("driver: libusb0; problem code: -"));
        assert_eq!(
            driver_line(&s3),
            format!(
                "ESP32-S3: {} DFU Station's window says what to do. [{}]",
                driver_headline(&s3.fix),
                driver_details(&s3)
            )
        );
    }

    /// `docs/failure-codes.md` is the table the code gives (rewritten with UPDATE_DOCS=1).
    #[test]
    fn the_documented_table_of_codes_is_current() {
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../docs/failure-codes.md"
        );
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
