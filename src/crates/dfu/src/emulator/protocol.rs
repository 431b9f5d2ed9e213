//! The standard USB requests and the setup packet the emulated ROM answers (DFU's own
//! requests, states and statuses are the engine's, in `dfu/`).

/// Standard request numbers (bRequest) the device answers.
pub(super) mod standard {
    pub const GET_STATUS: u8 = 0;
    pub const CLEAR_FEATURE: u8 = 1;
    pub const SET_FEATURE: u8 = 3;
    pub const GET_DESCRIPTOR: u8 = 6;
    pub const GET_CONFIGURATION: u8 = 8;
    pub const SET_CONFIGURATION: u8 = 9;
    pub const GET_INTERFACE: u8 = 10;
    pub const SET_INTERFACE: u8 = 11;
}

/// The 8-byte setup packet of a control transfer (bmRequestType, bRequest, wValue,
/// wIndex, wLength).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    /// bmRequestType: direction, type and recipient.
    pub request_type: u8,
    /// bRequest: the request code.
    pub request: u8,
    /// wValue: the request's argument (a DNLOAD's block number).
    pub value: u16,
    /// wIndex: the interface (or endpoint) it is for.
    pub index: u16,
    /// wLength: bytes in the data stage.
    pub length: u16,
}

impl Setup {
    /// bmRequestType of DFU class requests host-to-device.
    pub const CLASS_OUT: u8 = 0x21;
    /// bmRequestType of DFU class requests device-to-host.
    pub const CLASS_IN: u8 = 0xA1;

    /// Decodes a setup packet as it travels on the wire (little-endian).
    pub fn from_bytes(raw: &[u8; 8]) -> Setup {
        Setup {
            request_type: raw[0],
            request: raw[1],
            value: u16::from_le_bytes([raw[2], raw[3]]),
            index: u16::from_le_bytes([raw[4], raw[5]]),
            length: u16::from_le_bytes([raw[6], raw[7]]),
        }
    }

    /// Whether the data stage goes device-to-host.
    pub fn is_in(&self) -> bool {
        self.request_type & 0x80 != 0
    }
}
