//! The engine's [`Transport`] on a claimed rusb interface, and its re-enumeration hook.

use std::time::{Duration, Instant};

use rusb::{Context, DeviceHandle};

use super::{DfuTarget, Selector, Usb, transport_error};
use dfu::{Control, DfuInterface, InterfaceMode, Reenumerate, Transport, TransportError};

/// bmRequestType of DFU class requests to an interface, host to device and back.
const CLASS_OUT: u8 = 0x21;
const CLASS_IN: u8 = 0xA1;

/// A claimed DFU interface; released and closed on drop.
pub struct UsbTransport {
    handle: DeviceHandle<Context>,
    interface: u8,
}

impl UsbTransport {
    pub(super) fn new(handle: DeviceHandle<Context>, interface: u8) -> UsbTransport {
        UsbTransport { handle, interface }
    }
}

impl Transport for UsbTransport {
    fn control_out(&mut self, control: Control, data: &[u8]) -> Result<(), TransportError> {
        let (request, value, index) = (control.request, control.value, self.interface.into());
        self.handle
            .write_control(CLASS_OUT, request, value, index, data, control.timeout)
            .map(drop)
            .map_err(transport_error)
    }

    fn control_in(&mut self, control: Control, buf: &mut [u8]) -> Result<usize, TransportError> {
        let (request, value, index) = (control.request, control.value, self.interface.into());
        self.handle
            .read_control(CLASS_IN, request, value, index, buf, control.timeout)
            .map_err(transport_error)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.handle.reset().map_err(transport_error)
    }
}

/// How often [`DfuModeWaiter`] looks at the board's port.
const REFIND_INTERVAL: Duration = Duration::from_millis(50);

/// Finds a board again after DETACH: the first DFU-mode interface on the same port path
/// that `selector` accepts. It looks only at that port, from the device list, so no other
/// board is opened or asked anything; never a fixed sleep.
pub struct DfuModeWaiter {
    usb: Usb,
    path: String,
    selector: Selector,
}

impl DfuModeWaiter {
    /// Waits for the board now at `board` (a runtime interface) to come back in DFU mode;
    /// `selector` applies dfu-util's DFU-mode VID:PID, serial and alt.
    pub fn new(usb: Usb, board: &DfuTarget, selector: &Selector) -> Self {
        DfuModeWaiter {
            usb,
            path: board.path.clone(),
            selector: Selector {
                path: Some(board.path.clone()),
                ..selector.clone()
            },
        }
    }
}

impl Reenumerate<UsbTransport> for DfuModeWaiter {
    /// Looks at the port every [`REFIND_INTERVAL`] for at most `timeout`; an open that
    /// fails is returned at once (the engine asks again until its deadline).
    fn wait_for_dfu_mode(
        &mut self,
        timeout: Duration,
    ) -> Result<(UsbTransport, DfuInterface), TransportError> {
        let deadline = Instant::now() + timeout;
        log::debug!(
            "waiting up to {} ms for {} in DFU mode",
            timeout.as_millis(),
            self.path
        );
        loop {
            let targets = self.usb.at_path(&self.path)?;
            if let Some(target) = targets
                .iter()
                .find(|t| t.mode == InterfaceMode::Dfu && self.selector.matches(t))
            {
                log::debug!(
                    "{} is back in DFU mode as address {}",
                    self.path,
                    target.devnum
                );
                return self.usb.open(target).map_err(TransportError::from);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TransportError::Timeout);
            }
            std::thread::sleep(left.min(REFIND_INTERVAL));
        }
    }
}
