//! What the help says: every topic as data (title, why, numbered steps, picture, code to
//! copy, action), in one place.

use crate::advice::{DOWNLOAD_MODE, UDEV_RULE, UDEV_RULE_PATH};

/// ESP-IDF's udev rule: the `plugdev` group may open Espressif boards.
pub const PLUGDEV_RULE: &str = r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", ATTRS{idProduct}=="00??", GROUP="plugdev", MODE="0666""#;

/// One help topic: a symptom the technician sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// No board is seen: download mode, data cable, another port.
    NoBoard,
    /// A custom board's USB pins and cable colours; D+/D- swapped.
    Wiring,
    /// Linux refuses to open the board: the udev rule.
    LinuxAccess,
    /// Windows cannot open the board: WinUSB on interface 2.
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

/// A topic's text.
#[derive(Debug)]
pub struct Content {
    /// Names the symptom.
    pub title: &'static str,
    /// What a technician does, first, in one sentence (the engineer's detail follows).
    pub first: &'static str,
    /// What is going on, in a sentence or two.
    pub why: &'static str,
    /// What to do, in order.
    pub steps: &'static [&'static str],
    /// A drawing to show with the steps, if any.
    pub picture: Option<Picture>,
    /// Lines to copy (rules, commands), shown in monospace.
    pub code: &'static [&'static str],
    /// What the app can do about it, offered as a button, if anything.
    pub action: Option<Action>,
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

    /// The topic's title, steps, picture and action.
    pub fn content(self) -> Content {
        match self {
            Topic::NoBoard => Content {
                first: "Put the board in download mode and plug it in with a data cable.",
                title: "No board found",
                why: "DFU Station sees a board only while it is in download mode and connected \
                      with a cable that carries data.",
                steps: &[
                    DOWNLOAD_MODE,
                    "Use a data cable: many USB cables only charge. If the board lights up but \
                     is not listed, try another cable.",
                    "Plug the board straight into the computer or a powered hub; try another \
                     port. Unpowered hubs often fail.",
                    "A custom board? Check its USB wiring (Help: Custom board).",
                ],
                picture: Some(Picture::DownloadMode),
                code: &[],
                action: None,
            },
            Topic::Wiring => Content {
                first: "Set the board aside and call your engineer: its USB wiring needs checking.",
                title: "Custom board: check the USB wiring",
                why: "The ESP32-S2 and ESP32-S3 have USB on fixed pins. With D+ and D- swapped \
                      or open, the computer does not see the board at all.",
                steps: &[
                    "Connect D+ to GPIO20 and D- to GPIO19, and GND to GND.",
                    "In a USB cable green is D+, white is D-, red is +5 V and black is GND.",
                    "Some cables use other colours or swap green and white: if the board is \
                     not seen, swap D+ and D-.",
                    "Feed +5 V to the board's regulator, never straight to a 3.3 V pin.",
                ],
                picture: Some(Picture::Wiring),
                code: &[],
                action: None,
            },
            Topic::LinuxAccess => Content {
                first: "Press Install rule below (or ask your engineer to), then replug the board.",
                title: "Linux: access to the board is denied",
                why: "Linux lets only root open USB devices unless a udev rule allows more. \
                      DFU Station never runs as root: one rule lets the logged-in user open \
                      Espressif boards (USB vendor 303a).",
                steps: &[
                    "Press Install rule and confirm with your password: it writes the rule to \
                     /etc/udev/rules.d/70-dfu-station.rules and reloads udev.",
                    "Or copy the rule, put it into that file yourself and run: sudo udevadm \
                     control --reload && sudo udevadm trigger",
                    "Unplug and replug the board, then flash again.",
                ],
                picture: None,
                code: &[
                    UDEV_RULE,
                    "# or ESP-IDF's rule, for members of the plugdev group:",
                    PLUGDEV_RULE,
                ],
                action: Some(Action::UdevRule),
            },
            Topic::WindowsDriver => Content {
                first: "Ask your engineer to install the WinUSB driver, then replug the board.",
                title: "Windows: the board cannot be opened (WinUSB driver)",
                why: "Windows needs the WinUSB driver on the board's DFU interface, interface 2, \
                      before a program can flash it. macOS needs nothing.",
                steps: &[
                    "Easiest: install Espressif's signed driver package (the ESP-IDF installer \
                     offers \"ESP32 USB DFU driver\"), then replug the board.",
                    "Or with Zadig (zadig.akeo.ie): put the board in download mode, start \
                     Zadig and choose Options > List All Devices.",
                    "Pick \"ESP32-S2 (Interface 2)\" (or \"ESP32-S3 (Interface 2)\"), select \
                     WinUSB and press Install Driver.",
                    "Do not replace the drivers of interfaces 0 and 1: they are the board's \
                     serial port.",
                    "Replug the board: it appears in DFU Station.",
                ],
                picture: None,
                code: &[],
                action: None,
            },
            Topic::S3NeverAppears => Content {
                first: "Try another ESP32-S3 board; if none appears, set them aside and call your engineer.",
                title: "ESP32-S3: the board never appears",
                why: "On the ESP32-S3 the USB pins belong to USB-Serial-JTAG, not to the \
                      USB-OTG controller that the ROM's DFU needs.",
                steps: &[
                    "DFU works only with the USB_PHY_SEL eFuse burnt (it gives the internal PHY \
                     to USB-OTG) or with an external USB PHY on the board.",
                    "Burning an eFuse is permanent and has bricked boards: leave that decision \
                     to the hardware engineer. DFU Station never burns eFuses.",
                    "Chips with a date code before 2219 cannot download over USB-OTG at all.",
                    "Secure Boot, flash encryption and Secure Download Mode switch DFU off.",
                    "Otherwise flash these boards over their serial port (esptool).",
                ],
                picture: None,
                code: &[],
                action: None,
            },
            Topic::NotBackAfterDetach => Content {
                first: "Replug the board in download mode and flash again.",
                title: "The board did not come back after DETACH",
                why: "To flash, the board restarts into DFU mode and must show up on USB again \
                      within 10 s. It did not.",
                steps: &[
                    DOWNLOAD_MODE,
                    "Plug the board into another USB port, straight into the computer.",
                    "Flash again. If it keeps failing, try another data cable.",
                ],
                picture: Some(Picture::DownloadMode),
                code: &[],
                action: None,
            },
            Topic::LongErase => Content {
                first: "Wait: the board is erasing. Do not unplug it.",
                title: "Erasing: the board is busy, not stuck",
                why: "The ESP ROM erases each part of the file (up to 512 KiB) before it takes \
                      the part's first block: the bar stands still meanwhile.",
                steps: &[
                    "Wait: a part takes a few seconds to erase, a big file tens of seconds.",
                    "Do not unplug the board or press RESET while it erases.",
                    "The bar moves again as soon as writing starts.",
                ],
                picture: None,
                code: &[],
                action: None,
            },
            Topic::RawAppImage => Content {
                first: "Ask your engineer for the dfu.bin, or press Make dfu.bin... below.",
                title: "This is an application image, not a dfu.bin",
                why: "The file starts with 0xE9 and has no DFU suffix: it is the app alone. \
                      The ROM needs a dfu.bin, which names each file's flash address and \
                      checksum. Flashing the app as is would leave the board broken.",
                steps: &[
                    "Press Make dfu.bin...: the app goes to 0x10000; add the bootloader and \
                     partition table if the board has none yet.",
                    "Or, in the ESP-IDF project folder, run idf.py dfu: it writes \
                     build/dfu.bin.",
                    "Then drop the dfu.bin on this window.",
                ],
                picture: None,
                code: &["idf.py dfu"],
                action: Some(Action::MakeDfuBin),
            },
            Topic::WrongChip => Content {
                first: "Use a board of the file's chip, or ask your engineer for the right file.",
                title: "The file is made for another chip",
                why: "A dfu.bin names the chip it was built for. On another chip it would not \
                      start, so DFU Station does not flash it.",
                steps: &[
                    "Check the chip of the board in the list (ESP32-S2 or ESP32-S3).",
                    "Select a board with the file's chip,",
                    "or ask for a dfu.bin built for this chip (idf.py set-target, then \
                     idf.py dfu).",
                ],
                picture: None,
                code: &[],
                action: None,
            },
            Topic::PressReset => Content {
                first: "Press RESET on the board to start the new firmware.",
                title: "Flashed: press RESET to start the new firmware",
                why: "After flashing, the chip stays in its ROM loader: the new firmware does \
                      not run yet.",
                steps: &[
                    "Press and release RESET (EN) on the board, without holding BOOT.",
                    "Or unplug the board and plug it in again.",
                ],
                picture: Some(Picture::Reset),
                code: &[],
                action: None,
            },
            Topic::Busy => Content {
                first: "Close the other flashing program, then flash again.",
                title: "Another program holds the board",
                why: "Only one program at a time can open a board's DFU interface.",
                steps: &[
                    "Close dfu-util, idf.py (dfu-flash, monitor), serial monitors and other \
                     DFU Station windows.",
                    "Flash again. If the board stays busy, unplug and replug it.",
                ],
                picture: None,
                code: &[],
                action: None,
            },
            Topic::UsbUnavailable => Content {
                first: "Set the boards aside and call your engineer: USB does not work on this computer.",
                title: "USB could not start",
                why: "DFU Station could not start USB (libusb), so no board can be listed. \
                      Files and demo boards keep working.",
                steps: &[
                    "On Linux, check that /dev/bus/usb exists; in a container or sandbox, \
                     give the app access to USB devices.",
                    "Restart DFU Station after fixing it.",
                ],
                picture: None,
                code: &[],
                action: None,
            },
        }
    }
}

/// The udev rule file as DFU Station installs it: the one the Linux packages ship.
pub const UDEV_RULE_FILE: &str = include_str!("../../../packaging/linux/70-dfu-station.rules");

/// The shell command pkexec runs as root: the rule from stdin into its file, then udev
/// reloaded and re-applied to plugged-in devices.
pub fn install_script() -> String {
    format!("cat > {UDEV_RULE_PATH} && udevadm control --reload && udevadm trigger")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_a_distinct_title_and_steps() {
        let titles: std::collections::HashSet<&str> =
            Topic::ALL.iter().map(|t| t.content().title).collect();
        assert_eq!(titles.len(), 12);
        assert!(Topic::ALL.iter().all(|t| !t.content().steps.is_empty()));
    }

    #[test]
    fn the_installed_rule_file_holds_both_rules() {
        assert!(UDEV_RULE_FILE.lines().any(|l| l == UDEV_RULE));
        assert!(UDEV_RULE_FILE.contains(PLUGDEV_RULE));
        assert!(install_script().starts_with("cat > /etc/udev/rules.d/70-dfu-station.rules && "));
    }
}
