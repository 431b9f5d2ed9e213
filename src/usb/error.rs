//! USB failures classified by what the user should do next.

use std::fmt;

use crate::dfu::TransportError;

/// The operating system whose advice to give (drivers and permissions differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Linux,
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

/// The udev rule that lets the logged-in user open Espressif boards on Linux.
pub const UDEV_RULE: &str = r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", TAG+="uaccess""#;

/// Where [`UDEV_RULE`] goes (before 73-seat-late.rules, which applies `uaccess`).
pub const UDEV_RULE_PATH: &str = "/etc/udev/rules.d/70-dfu-station.rules";

/// Why USB could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsbError {
    /// libusb could not start (no USB support, no usbfs): nothing can be listed or opened.
    Unavailable(String),
    /// Opening or talking to one device failed.
    Device(TransportError),
}

impl UsbError {
    /// The whole message for `platform`: what happened and what to do next.
    pub fn message(&self, platform: Platform) -> String {
        match self {
            UsbError::Unavailable(reason) => format!(
                "USB is not available on this computer (libusb could not start: {reason}). \
                 No board can be seen; check that the system has USB support and that \
                 /dev/bus/usb exists (Linux). Everything else keeps working."
            ),
            UsbError::Device(error) => match advice(error, platform) {
                Some(advice) => format!("{error}. {advice}"),
                None => format!("{error}. Unplug and replug the board, then try again."),
            },
        }
    }

    /// Whether the fix is a permission or driver setting (CLI exit code 4).
    pub fn is_permission_or_driver(&self) -> bool {
        matches!(
            self,
            UsbError::Device(TransportError::Access | TransportError::NotSupported)
        )
    }
}

impl fmt::Display for UsbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Platform::current()))
    }
}

impl std::error::Error for UsbError {}

impl From<TransportError> for UsbError {
    fn from(error: TransportError) -> UsbError {
        UsbError::Device(error)
    }
}

impl From<rusb::Error> for UsbError {
    fn from(error: rusb::Error) -> UsbError {
        UsbError::Device(transport_error(error))
    }
}

impl From<UsbError> for TransportError {
    fn from(error: UsbError) -> TransportError {
        match error {
            UsbError::Unavailable(reason) => TransportError::Other(reason),
            UsbError::Device(error) => error,
        }
    }
}

/// The engine's view of a libusb error.
pub fn transport_error(error: rusb::Error) -> TransportError {
    match error {
        rusb::Error::Pipe => TransportError::Stall,
        rusb::Error::Timeout => TransportError::Timeout,
        rusb::Error::NoDevice => TransportError::NoDevice,
        rusb::Error::Access => TransportError::Access,
        rusb::Error::Busy => TransportError::Busy,
        // Windows says NotFound or NotSupported when the interface has no WinUSB driver.
        rusb::Error::NotSupported | rusb::Error::NotFound => TransportError::NotSupported,
        other => TransportError::Other(other.to_string()),
    }
}

/// What the user should do about `error` on `platform`, if there is something to do.
pub fn advice(error: &TransportError, platform: Platform) -> Option<String> {
    let text = match (error, platform) {
        (TransportError::Access, Platform::Linux) => format!(
            "Let your user open Espressif boards: put the line\n  {UDEV_RULE}\ninto \
             {UDEV_RULE_PATH}, run `sudo udevadm control --reload && sudo udevadm trigger`, \
             then unplug and replug the board."
        ),
        (TransportError::Access, Platform::Windows)
        | (TransportError::NotSupported, Platform::Windows) => {
            "Install the WinUSB driver on the board's DFU interface (interface 2, the one \
             without a driver) with Zadig, or install Espressif's USB driver, then unplug \
             and replug the board."
                .to_owned()
        }
        (TransportError::Access, Platform::Other) => {
            "The system refused access: check that no other driver has claimed the board's \
             DFU interface and that your user may use USB devices, then replug the board."
                .to_owned()
        }
        (TransportError::NotSupported, _) => {
            "No driver lets programs open the board's DFU interface: check that no other \
             driver has claimed it, then replug the board."
                .to_owned()
        }
        (TransportError::Busy, _) => {
            "Another program holds the board (dfu-util, idf.py, a serial monitor or another \
             DFU Station): close it and try again."
                .to_owned()
        }
        (TransportError::NoDevice, _) => {
            "The board was unplugged or restarted: check the cable, put the board in \
             download mode (hold BOOT, press and release RESET, release BOOT) and try again."
                .to_owned()
        }
        (TransportError::Stall | TransportError::Timeout | TransportError::Other(_), _) => {
            return None;
        }
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_on_linux_gives_the_udev_rule() {
        let message = UsbError::Device(TransportError::Access).message(Platform::Linux);
        assert!(message.starts_with("permission denied opening the device. "));
        assert!(message.contains(UDEV_RULE_PATH));
        assert!(message.contains(r#"SUBSYSTEMS=="usb", ATTRS{idVendor}=="303a", TAG+="uaccess""#));
        assert!(message.contains("udevadm control --reload"));
    }

    #[test]
    fn windows_problems_point_to_winusb_on_interface_2() {
        for error in [TransportError::Access, TransportError::NotSupported] {
            let message = UsbError::Device(error).message(Platform::Windows);
            assert!(message.contains("WinUSB"), "{message}");
            assert!(message.contains("interface 2"), "{message}");
            assert!(message.contains("Zadig"), "{message}");
        }
    }

    #[test]
    fn busy_no_device_and_unavailable_say_what_to_do() {
        let busy = UsbError::from(rusb::Error::Busy).message(Platform::Linux);
        assert!(busy.contains("Another program holds the board"), "{busy}");
        let gone = UsbError::from(rusb::Error::NoDevice).message(Platform::Other);
        assert!(
            gone.contains("unplugged") && gone.contains("download mode"),
            "{gone}"
        );
        let off = UsbError::Unavailable("no usbfs".into()).message(Platform::Linux);
        assert!(off.starts_with("USB is not available") && off.contains("no usbfs"));
        assert!(off.contains("keeps working"));
    }

    #[test]
    fn only_access_and_driver_problems_are_permission_or_driver() {
        assert!(UsbError::from(rusb::Error::Access).is_permission_or_driver());
        assert!(UsbError::from(rusb::Error::NotFound).is_permission_or_driver());
        assert!(!UsbError::from(rusb::Error::Busy).is_permission_or_driver());
        assert!(!UsbError::Unavailable(String::new()).is_permission_or_driver());
    }

    #[test]
    fn libusb_errors_map_to_transport_errors() {
        assert_eq!(transport_error(rusb::Error::Pipe), TransportError::Stall);
        assert_eq!(
            transport_error(rusb::Error::Timeout),
            TransportError::Timeout
        );
        assert_eq!(
            transport_error(rusb::Error::NoDevice),
            TransportError::NoDevice
        );
        assert!(matches!(
            transport_error(rusb::Error::Io),
            TransportError::Other(_)
        ));
        assert_eq!(advice(&TransportError::Stall, Platform::Linux), None);
    }
}
