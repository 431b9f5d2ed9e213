//! What the help says: every topic as data (title, why, numbered steps, picture, code to
//! copy, action), in one place; the words come from the catalogue (`help.ftl`).

use super::make::APP_ADDRESS;
use i18n::t;
use station::advice::{UDEV_RULE, UDEV_RULE_PATH};

/// ESP-IDF's udev rule: the `plugdev` group may open Espressif boards.
pub const PLUGDEV_RULE: &str = r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", ATTRS{idProduct}=="00??", GROUP="plugdev", MODE="0666""#; // not for people: a udev rule

// Shell text and paths the steps name, the same in every language.
const RELOAD_UDEV: &str = "sudo udevadm control --reload && sudo udevadm trigger"; // not for people: a command
const IDF_DFU: &str = "idf.py dfu"; // not for people: a command
const IDF_SET_TARGET: &str = "idf.py set-target"; // not for people: a command
const IDF_DFU_OUTPUT: &str = "build/dfu.bin"; // not for people: a path
const USB_DEVICES: &str = "/dev/bus/usb"; // not for people: a path

/// One help topic: a symptom the technician sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// No board is seen: download mode, data cable, another port.
    NoBoard,
    /// A custom board's USB pins and cable colours; D+/D- swapped.
    Wiring,
    /// Linux refuses to open the board: the udev rule.
    LinuxAccess,
    /// Windows cannot open the board: WinUSB on interface 2 (the driver doctor's findings
    /// first).
    WindowsDriver,
    /// An ESP32-S3 never shows: USB PHY, eFuse, date code, security features.
    S3NeverAppears,
    /// The board did not re-enumerate after DETACH.
    NotBackAfterDetach,
    /// A part erases for seconds while the bar stands still.
    LongErase,
    /// A raw application image instead of a dfu.bin.
    RawAppImage,
    /// The file is for another chip than the board.
    WrongChip,
    /// Flashed: RESET starts the new firmware.
    PressReset,
    /// Another program holds the board.
    Busy,
    /// USB (libusb) could not start.
    UsbUnavailable,
}

/// A drawing that explains a topic ([`super::pictures`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    /// BOOT held, RESET pressed and released, BOOT released.
    DownloadMode,
    /// RESET pressed and released.
    Reset,
    /// USB cable colours to the chip's pins.
    Wiring,
}

/// What the app can do about a topic, offered as a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Copy the udev rule and install it through pkexec.
    UdevRule,
    /// Pack the raw app image into a dfu.bin.
    MakeDfuBin,
}

/// A topic's text, in the catalogue's language. What a technician reads comes first and
/// speaks no protocol or tool; what the engineer needs (requests, byte values, commands,
/// drivers, rules) waits under the collapsed "For your engineer".
#[derive(Debug)]
pub struct Content {
    /// Names the symptom.
    pub title: String,
    /// What a technician does, first, in one sentence.
    pub first: String,
    /// What is going on, in a sentence or two, in plain words.
    pub why: String,
    /// What to do, in order, in plain words.
    pub steps: Vec<String>,
    /// A drawing to show with the steps, if any.
    pub picture: Option<Picture>,
    /// What the app can do about it, offered as a button, if anything.
    pub action: Option<Action>,
    /// For the engineer: why in technical terms, and what to do at the computer.
    pub engineer: Vec<String>,
    /// For the engineer: lines to copy (rules, commands), shown in monospace.
    pub code: Vec<String>,
}

/// A topic's words from its catalogue keys (`<topic>-title`, `-first`, `-why`) and its
/// plain steps; no picture, action or engineer's detail until the topic adds them.
fn content([title, first, why]: [&str; 3], steps: Vec<String>) -> Content {
    Content {
        title: t!(title),
        first: t!(first),
        why: t!(why),
        steps,
        picture: None,
        action: None,
        engineer: Vec::new(),
        code: Vec::new(),
    }
}

impl Topic {
    /// Every topic, in the order the Help list shows them.
    pub const ALL: [Topic; 12] = [
        Topic::NoBoard,
        Topic::Wiring,
        Topic::LinuxAccess,
        Topic::WindowsDriver,
        Topic::S3NeverAppears,
        Topic::NotBackAfterDetach,
        Topic::LongErase,
        Topic::RawAppImage,
        Topic::WrongChip,
        Topic::PressReset,
        Topic::Busy,
        Topic::UsbUnavailable,
    ];

    /// The catalogue keys of the topic's title, first thing to do and why.
    fn keys(self) -> [&'static str; 3] {
        match self {
            Topic::NoBoard => [
                "help-no-board-title",
                "help-no-board-first",
                "help-no-board-why",
            ],
            Topic::Wiring => ["help-wiring-title", "help-wiring-first", "help-wiring-why"],
            Topic::LinuxAccess => [
                "help-linux-access-title",
                "help-linux-access-first",
                "help-linux-access-why",
            ],
            Topic::WindowsDriver => [
                "help-windows-driver-title",
                "help-windows-driver-first",
                "help-windows-driver-why",
            ],
            Topic::S3NeverAppears => ["help-s3-title", "help-s3-first", "help-s3-why"],
            Topic::NotBackAfterDetach => [
                "help-not-back-title",
                "help-not-back-first",
                "help-not-back-why",
            ],
            Topic::LongErase => [
                "help-long-erase-title",
                "help-long-erase-first",
                "help-long-erase-why",
            ],
            Topic::RawAppImage => [
                "help-raw-app-title",
                "help-raw-app-first",
                "help-raw-app-why",
            ],
            Topic::WrongChip => [
                "help-wrong-chip-title",
                "help-wrong-chip-first",
                "help-wrong-chip-why",
            ],
            Topic::PressReset => [
                "help-press-reset-title",
                "help-press-reset-first",
                "help-press-reset-why",
            ],
            Topic::Busy => ["help-busy-title", "help-busy-first", "help-busy-why"],
            Topic::UsbUnavailable => [
                "help-usb-unavailable-title",
                "help-usb-unavailable-first",
                "help-usb-unavailable-why",
            ],
        }
    }

    /// The topic's title, as the Help list and the topic's heading show it.
    pub fn title(self) -> String {
        t!(self.keys()[0])
    }

    /// The topic's title, steps, picture and action, and the engineer's detail.
    pub fn content(self) -> Content {
        let keys = self.keys();
        match self {
            Topic::NoBoard => Content {
                picture: Some(Picture::DownloadMode),
                ..content(
                    keys,
                    vec![
                        station::advice::download_mode(),
                        t!("help-no-board-data-cable"),
                        t!("help-no-board-port"),
                        t!("help-no-board-custom"),
                    ],
                )
            },
            Topic::Wiring => Content {
                picture: Some(Picture::Wiring),
                ..content(
                    keys,
                    vec![
                        t!("help-wiring-pins"),
                        t!("help-wiring-colours"),
                        t!("help-wiring-swap"),
                        t!("help-wiring-power"),
                    ],
                )
            },
            Topic::LinuxAccess => Content {
                action: Some(Action::UdevRule),
                engineer: vec![
                    t!("help-linux-access-engineer-why"),
                    t!("help-linux-access-engineer-install", path = UDEV_RULE_PATH),
                    t!("help-linux-access-by-hand", command = RELOAD_UDEV),
                ],
                code: vec![
                    UDEV_RULE.to_owned(),
                    t!("help-linux-access-plugdev-comment"),
                    PLUGDEV_RULE.to_owned(),
                ],
                ..content(
                    keys,
                    vec![
                        t!("help-linux-access-install"),
                        t!("help-linux-access-replug"),
                    ],
                )
            },
            Topic::WindowsDriver => Content {
                engineer: vec![
                    t!("help-windows-driver-engineer-why"),
                    t!("help-windows-driver-espressif"),
                    t!("help-windows-driver-s3"),
                    t!("help-windows-driver-zadig"),
                    t!("help-windows-driver-pick"),
                    t!("help-windows-driver-serial"),
                    t!("help-windows-driver-wrong"),
                ],
                ..content(
                    keys,
                    vec![
                        t!("help-windows-driver-press"),
                        t!("help-windows-driver-replug"),
                    ],
                )
            },
            Topic::S3NeverAppears => Content {
                engineer: vec![
                    t!("help-s3-engineer-why"),
                    t!("help-s3-phy"),
                    t!("help-s3-efuse"),
                    t!("help-s3-date-code"),
                    t!("help-s3-security"),
                    t!("help-s3-serial"),
                ],
                ..content(keys, vec![t!("help-s3-another"), t!("help-s3-set-aside")])
            },
            Topic::NotBackAfterDetach => Content {
                picture: Some(Picture::DownloadMode),
                engineer: vec![t!("help-not-back-engineer")],
                ..content(
                    keys,
                    vec![
                        station::advice::download_mode(),
                        t!("help-not-back-port"),
                        t!("help-not-back-cable"),
                    ],
                )
            },
            Topic::LongErase => Content {
                engineer: vec![t!("help-long-erase-engineer")],
                ..content(
                    keys,
                    vec![
                        t!("help-long-erase-wait"),
                        t!("help-long-erase-hands-off"),
                        t!("help-long-erase-moves"),
                    ],
                )
            },
            Topic::RawAppImage => Content {
                action: Some(Action::MakeDfuBin),
                engineer: vec![
                    t!("help-raw-app-engineer-why"),
                    t!("help-raw-app-make", address = format!("{APP_ADDRESS:#x}")),
                    t!("help-raw-app-idf", command = IDF_DFU, path = IDF_DFU_OUTPUT),
                ],
                code: vec![IDF_DFU.to_owned()],
                ..content(
                    keys,
                    vec![t!("help-raw-app-press-make"), t!("help-raw-app-drop")],
                )
            },
            Topic::WrongChip => Content {
                engineer: vec![t!(
                    "help-wrong-chip-rebuild",
                    target_command = IDF_SET_TARGET,
                    dfu_command = IDF_DFU
                )],
                ..content(
                    keys,
                    vec![t!("help-wrong-chip-check"), t!("help-wrong-chip-select")],
                )
            },
            Topic::PressReset => Content {
                picture: Some(Picture::Reset),
                ..content(
                    keys,
                    vec![t!("help-press-reset-press"), t!("help-press-reset-replug")],
                )
            },
            Topic::Busy => Content {
                engineer: vec![t!("help-busy-engineer")],
                ..content(keys, vec![t!("help-busy-close"), t!("help-busy-again")])
            },
            Topic::UsbUnavailable => Content {
                engineer: vec![t!("help-usb-unavailable-check", path = USB_DEVICES)],
                ..content(keys, vec![t!("help-usb-unavailable-restart")])
            },
        }
    }
}

/// The udev rule file as DFU Station installs it: the one the Linux packages ship.
pub const UDEV_RULE_FILE: &str = include_str!("../../../packaging/linux/70-dfu-station.rules");

/// The shell command pkexec runs as root: the rule from stdin into its file, then udev
/// reloaded and re-applied to plugged-in devices.
pub fn install_script() -> String {
    format!("cat > {UDEV_RULE_PATH} && udevadm control --reload && udevadm trigger") // not for people: a command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_a_distinct_title_and_steps() {
        let titles: std::collections::HashSet<String> =
            Topic::ALL.iter().map(|t| t.content().title).collect();
        assert_eq!(titles.len(), 12);
        assert!(Topic::ALL.iter().all(|t| !t.content().steps.is_empty()));
    }

    #[test]
    fn chinese_topics_name_the_buttons_and_keep_commands_as_they_are() {
        use i18n::{Lang, with_lang};
        let linux = with_lang(Lang::ZhCn, || Topic::LinuxAccess.content());
        assert!(linux.first.contains("“安装规则”"), "{}", linux.first);
        assert!(linux.engineer[1].contains(UDEV_RULE_PATH));
        assert!(linux.engineer[2].ends_with(RELOAD_UDEV));
        let no_board = with_lang(Lang::ZhCn, || Topic::NoBoard.content());
        assert!(no_board.steps[0].contains("下载模式"));
    }

    /// Words that belong under "For your engineer": requests, byte values, tools,
    /// drivers, system parts.
    const TECHNICAL: [&str; 20] = [
        "DETACH",
        "0xE9",
        "idf.py",
        "udev",
        "libusb",
        "DNLOAD",
        "suffix",
        "ROM",
        "eFuse",
        "interface 2",
        "WinUSB",
        "Zadig",
        "pnputil",
        "root",
        "DFU mode",
        "JTAG",
        "PHY",
        "KiB",
        "esptool",
        "block",
    ];

    /// Latin words a Chinese technician meets as they are: the product's name, what is
    /// printed on the board and its cable, chip and file names, systems.
    const AS_PRINTED: [&str; 16] = [
        "DFU", "Station", "USB", "BOOT", "RESET", "EN", "ESP", "S", "GPIO", "D", "GND", "V", "dfu",
        "bin", "Linux", "Windows",
    ];

    /// What a technician reads first (title, first step, why, steps) speaks no protocol
    /// or tool in either language, and in Chinese no English beyond what is printed on
    /// the board or names a product.
    #[test]
    fn what_a_technician_reads_first_is_plain_in_both_languages() {
        use i18n::{Lang, with_lang};
        for lang in Lang::ALL {
            with_lang(lang, || {
                for topic in Topic::ALL {
                    let content = topic.content();
                    let plain = [&content.title, &content.first, &content.why]
                        .into_iter()
                        .chain(&content.steps);
                    for text in plain {
                        for word in TECHNICAL {
                            assert!(
                                !text.contains(word),
                                "{topic:?} ({lang}) says {word}: {text}"
                            );
                        }
                        if lang == Lang::ZhCn {
                            let latin = text
                                .split(|c: char| !c.is_ascii_alphabetic())
                                .filter(|w| !w.is_empty() && !AS_PRINTED.contains(w));
                            let latin: Vec<&str> = latin.collect();
                            assert!(latin.is_empty(), "{topic:?}: {latin:?} in {text}");
                        }
                    }
                }
            });
        }
    }

    #[test]
    fn the_installed_rule_file_holds_both_rules() {
        assert!(UDEV_RULE_FILE.lines().any(|l| l == UDEV_RULE));
        assert!(UDEV_RULE_FILE.contains(PLUGDEV_RULE));
        assert!(install_script().starts_with("cat > /etc/udev/rules.d/70-dfu-station.rules && "));
    }
}
