//! What the DFU engine needs from a USB device: class control transfers to the DFU
//! interface, a bus reset, and a clock. Implemented on rusb (`usb/`) and in-process on
//! the emulated ESP ROM (`emulator/`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::protocol::Request;

/// Why a transfer failed. The engine decides what each means in its phase (a stalled
/// DETACH is normal for the ESP ROM; a stalled DNLOAD is not).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The device answered with a STALL handshake.
    #[error("the device stalled the request")]
    Stall,
    /// The device did not complete the transfer within its timeout.
    #[error("the device did not answer in time")]
    Timeout,
    /// The device has left the bus (unplugged, or re-enumerated).
    #[error("the device is gone (unplugged or re-enumerated)")]
    NoDevice,
    /// The system refused access to the device (permissions, udev rules).
    #[error("permission denied opening the device")]
    Access,
    /// Another program or driver holds the device.
    #[error("the device is in use by another program")]
    Busy,
    /// No driver lets libusb open the device (on Windows: no WinUSB driver).
    #[error("no driver lets this program open the device")]
    NotSupported,
    /// Any other USB error (libusb's message).
    #[error("USB error: {0}")]
    Other(String),
}

/// One DFU class request to the interface: which request (bRequest), its wValue, and how
/// long the device may take to complete the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// The DFU request number (DETACH = 0 ... ABORT = 6).
    pub request: u8,
    /// wValue: the block number of DNLOAD and UPLOAD, DETACH's timeout in ms, else 0.
    pub value: u16,
    /// How long the transfer may take before it fails with [`TransportError::Timeout`].
    pub timeout: Duration,
}

impl Control {
    /// `request` with wValue `value`, allowed `timeout`.
    pub fn new(request: Request, value: u16, timeout: Duration) -> Control {
        Control {
            request: request as u8,
            value,
            timeout,
        }
    }
}

/// Class control transfers to one DFU interface (the transport knows its wIndex).
pub trait Transport {
    /// Host-to-device class request (bmRequestType 0x21) carrying `data`.
    fn control_out(&mut self, control: Control, data: &[u8]) -> Result<(), TransportError>;

    /// Device-to-host class request (bmRequestType 0xA1); returns the bytes received.
    fn control_in(&mut self, control: Control, buf: &mut [u8]) -> Result<usize, TransportError>;

    /// USB bus reset of the device.
    fn reset(&mut self) -> Result<(), TransportError>;
}

/// Forwards [`Transport`] through a pointer type (`&mut T`, `Box<T>`).
macro_rules! forward_transport {
    ($($pointer:ty),+) => {$(
        impl<T: Transport + ?Sized> Transport for $pointer {
            fn control_out(&mut self, control: Control, data: &[u8]) -> Result<(), TransportError> {
                (**self).control_out(control, data)
            }
            fn control_in(&mut self, control: Control, buf: &mut [u8]) -> Result<usize, TransportError> {
                (**self).control_in(control, buf)
            }
            fn reset(&mut self) -> Result<(), TransportError> {
                (**self).reset()
            }
        }
    )+};
}

forward_transport!(&mut T, Box<T>);

/// Monotonic time and waiting, injected so tests never really sleep.
pub trait Clock: Send + Sync {
    /// Time since an arbitrary, fixed origin.
    fn now(&self) -> Duration;
    /// Waits `duration` (a fake clock just moves its time on).
    fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// A clock for tests: time only moves when someone sleeps or advances it.
#[derive(Debug, Default)]
pub struct FakeClock {
    nanos: AtomicU64,
}

impl FakeClock {
    /// Moves time on without anyone sleeping (e.g. an emulated erase).
    pub fn advance(&self, duration: Duration) {
        self.nanos
            .fetch_add(duration.as_nanos() as u64, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
    fn sleep(&self, duration: Duration) {
        self.advance(duration);
    }
}
