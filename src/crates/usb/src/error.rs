//! USB failures, classified by failure code so that the station's advice can say what to
//! do next.

use std::fmt;

use dfu::TransportError;
use failure::{Code, Failure};

/// Why USB could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsbError {
    /// libusb could not start (no USB support, no usbfs): nothing can be listed or opened.
    Unavailable(String),
    /// Opening or talking to one device failed.
    Device(TransportError),
}

impl UsbError {
    /// The failure code: USB unavailable, or the board could not be opened.
    pub fn code(&self) -> Code {
        match self {
            UsbError::Unavailable(_) => Code::UsbUnavailable,
            UsbError::Device(_) => Code::OpenFailed,
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

/// What happened, without advice, in English (technical text; the reader's language is
/// the advice's).
impl fmt::Display for UsbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsbError::Unavailable(reason) => write!(
                f,
                "USB is not available on this computer (libusb could not start: {reason}); no board can be seen"
            ),
            UsbError::Device(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for UsbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UsbError::Unavailable(_) => None,
            UsbError::Device(error) => Some(error),
        }
    }
}

/// USB that could not be used: its code, its message, and the USB error behind it.
impl From<UsbError> for Failure {
    fn from(error: UsbError) -> Failure {
        Failure::from_error(error.code(), error)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_errors_name_their_code_and_cause() {
        let busy = Failure::from(UsbError::from(rusb::Error::Busy));
        assert_eq!(busy.code(), Code::OpenFailed);
        assert_eq!(busy.cause::<TransportError>(), Some(&TransportError::Busy));
        let off = UsbError::Unavailable("no usbfs".into());
        assert_eq!(off.code(), Code::UsbUnavailable);
        assert_eq!(Failure::from(off.clone()).cause::<TransportError>(), None);
        assert!(
            off.to_string().starts_with("USB is not available")
                && off.to_string().contains("no usbfs")
        );
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
    }
}
