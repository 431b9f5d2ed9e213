//! The engine's [`Transport`] on a claimed rusb interface, and its re-enumeration hook.

use std::time::{Duration, Instant};

use rusb::{Context, DeviceHandle};

use super::{DfuTarget, Selector, Usb, UsbEvent, WatchMode, transport_error};
use crate::dfu::{DfuInterface, InterfaceMode, Reenumerate, Transport, TransportError};

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
    fn control_out(
        &mut self,
        request: u8,
        value: u16,
        data: &[u8],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        self.handle
            .write_control(
                CLASS_OUT,
                request,
                value,
                self.interface.into(),
                data,
                timeout,
            )
            .map(drop)
            .map_err(transport_error)
    }

    fn control_in(
        &mut self,
        request: u8,
        value: u16,
        buf: &mut [u8],
        timeout: Duration,
    ) -> Result<usize, TransportError> {
        self.handle
            .read_control(
                CLASS_IN,
                request,
                value,
                self.interface.into(),
                buf,
                timeout,
            )
            .map_err(transport_error)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.handle.reset().map_err(transport_error)
    }
}

/// Finds a board again after DETACH: the first DFU-mode interface on the same port path
/// that `selector` accepts, seen through hotplug events (or polling), never a fixed sleep.
pub struct DfuModeWaiter {
    usb: Usb,
    selector: Selector,
    mode: WatchMode,
}

impl DfuModeWaiter {
    /// Waits for the board now at `board` (a runtime interface) to come back in DFU mode;
    /// `selector` applies dfu-util's DFU-mode VID:PID, serial and alt.
    pub fn new(usb: Usb, board: &DfuTarget, selector: &Selector, mode: WatchMode) -> Self {
        DfuModeWaiter {
            usb,
            selector: Selector {
                path: Some(board.path.clone()),
                ..selector.clone()
            },
            mode,
        }
    }
}

impl Reenumerate<UsbTransport> for DfuModeWaiter {
    fn wait_for_dfu_mode(
        &mut self,
        timeout: Duration,
    ) -> Result<(UsbTransport, DfuInterface), TransportError> {
        let deadline = Instant::now() + timeout;
        // A new watcher first reports what is already there: nothing is missed.
        let watcher = self.usb.watch(self.mode);
        let mut last_error = TransportError::Timeout;
        while let Ok(event) = watcher.events().recv_deadline(deadline) {
            if let UsbEvent::Added(target) = event
                && target.mode == InterfaceMode::Dfu
                && self.selector.matches(&target)
            {
                match self.usb.open(&target) {
                    Ok(opened) => return Ok(opened),
                    Err(error) => last_error = error.into(),
                }
            }
        }
        Err(last_error)
    }
}
