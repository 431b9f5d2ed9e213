//! DFU 1.1 wire types: requests, states, statuses, the GETSTATUS reply and the
//! functional descriptor, parsed tolerantly (DFU 1.0 descriptors, descriptors in the
//! configuration's extra bytes, wTransferSize 0) and never panicking on garbage.

use std::fmt;
use std::num::NonZeroU16;
use std::time::Duration;

/// Defines a `u8` wire enum with its DFU name and a plain sentence for users.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal, $dfu:literal, $text:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum $name {
            $(#[doc = $text] $variant = $value,)+
        }

        impl $name {
            /// The value from the wire, if it is one of the defined ones.
            pub fn from_u8(value: u8) -> Option<Self> {
                match value {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The name the DFU 1.1 specification uses, e.g. `dfuDNBUSY`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $dfu,)+
                }
            }

            /// What it means, in a sentence for users.
            pub fn description(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

wire_enum! {
    /// A DFU class request (bRequest).
    Request {
        Detach = 0, "DETACH", "Asks the running application to switch to DFU mode.";
        Dnload = 1, "DNLOAD", "Sends one block of firmware to the device.";
        Upload = 2, "UPLOAD", "Reads one block of firmware from the device.";
        GetStatus = 3, "GETSTATUS", "Asks the device for its status and state.";
        ClrStatus = 4, "CLRSTATUS", "Clears an error so the device can start again.";
        GetState = 5, "GETSTATE", "Asks the device for its state.";
        Abort = 6, "ABORT", "Cancels the current transfer and returns the device to idle.";
    }
}

wire_enum! {
    /// A device state (bState).
    State {
        AppIdle = 0, "appIDLE", "The board is running its application, not the DFU loader.";
        AppDetach = 1, "appDETACH", "The board's application is waiting for a USB reset to enter DFU mode.";
        DfuIdle = 2, "dfuIDLE", "The board is in DFU mode and ready.";
        DfuDnloadSync = 3, "dfuDNLOAD-SYNC", "The board received a block and waits for the host to ask for its status.";
        DfuDnBusy = 4, "dfuDNBUSY", "The board is writing a block to its memory.";
        DfuDnloadIdle = 5, "dfuDNLOAD-IDLE", "The board is waiting for the next block.";
        DfuManifestSync = 6, "dfuMANIFEST-SYNC", "The board received the whole firmware and waits for the host to ask for its status.";
        DfuManifest = 7, "dfuMANIFEST", "The board is installing the new firmware.";
        DfuManifestWaitReset = 8, "dfuMANIFEST-WAIT-RESET", "The board installed the firmware and waits for a USB reset.";
        DfuUploadIdle = 9, "dfuUPLOAD-IDLE", "The board is in the middle of sending its memory to the host.";
        DfuError = 10, "dfuERROR", "The board hit an error and waits for the host to clear it.";
    }
}

wire_enum! {
    /// A device status (bStatus).
    Status {
        Ok = 0, "OK", "No error.";
        ErrTarget = 1, "errTARGET", "The file is not meant for this device.";
        ErrFile = 2, "errFILE", "The file is meant for this device but failed its own checks.";
        ErrWrite = 3, "errWRITE", "The device could not write its memory.";
        ErrErase = 4, "errERASE", "The device could not erase its memory.";
        ErrCheckErased = 5, "errCHECK_ERASED", "The memory was not blank after erasing.";
        ErrProg = 6, "errPROG", "Programming the memory failed.";
        ErrVerify = 7, "errVERIFY", "The written memory did not read back correctly.";
        ErrAddress = 8, "errADDRESS", "The file writes outside the device's memory.";
        ErrNotDone = 9, "errNOTDONE", "The download ended but the device expected more data.";
        ErrFirmware = 10, "errFIRMWARE", "The firmware on the device is corrupt; it cannot start its application.";
        ErrVendor = 11, "errVENDOR", "The device reported a vendor-specific error.";
        ErrUsbr = 12, "errUSBR", "The device saw an unexpected USB reset.";
        ErrPor = 13, "errPOR", "The device saw an unexpected power-on reset.";
        ErrUnknown = 14, "errUNKNOWN", "The device reported an error without saying what.";
        ErrStalledPkt = 15, "errSTALLEDPKT", "The device refused a request it did not expect.";
    }
}

impl State {
    /// Whether the application is running (DFU runtime states), not the DFU loader.
    pub fn is_app(self) -> bool {
        matches!(self, State::AppIdle | State::AppDetach)
    }

    /// Whether the device is working and the host must wait bwPollTimeout before asking
    /// again: dfuDNBUSY, dfuMANIFEST and the two SYNC states a device may still report.
    pub fn is_busy(self) -> bool {
        matches!(
            self,
            State::DfuDnBusy | State::DfuDnloadSync | State::DfuManifestSync | State::DfuManifest
        )
    }
}

/// Descriptor type of the DFU functional descriptor.
pub const FUNCTIONAL_DESCRIPTOR_TYPE: u8 = 0x21;
/// bcdDFUVersion assumed for 7-byte DFU 1.0 descriptors, which lack the field.
const DFU_1_0_VERSION: u16 = 0x0100;
/// Bytes of a GETSTATUS reply.
pub const STATUS_LEN: usize = 6;

/// A reply or descriptor that does not follow DFU 1.1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// A GETSTATUS reply shorter than 6 bytes (its length).
    #[error("the GETSTATUS reply has {0} bytes instead of 6")]
    ShortStatus(usize),
    /// A bState value DFU 1.1 does not define (the value).
    #[error("the device reports state {0}, which DFU 1.1 does not define")]
    UnknownState(u8),
    /// A bStatus value DFU 1.1 does not define (the value).
    #[error("the device reports status {0}, which DFU 1.1 does not define")]
    UnknownStatus(u8),
    /// The interface carries no DFU functional descriptor.
    #[error("the interface has no DFU functional descriptor (type 0x21)")]
    NoFunctionalDescriptor,
    /// A descriptor that is shorter than 2 bytes or runs past the end of the extra bytes.
    #[error(
        "a USB descriptor at byte {offset} of the interface or configuration extra bytes is malformed"
    )]
    MalformedDescriptor {
        /// Where it starts in the extra bytes.
        offset: usize,
    },
    /// A functional descriptor shorter than DFU 1.0's 7 bytes (its bLength).
    #[error("the DFU functional descriptor is {0} bytes long; at least 7 are needed")]
    ShortFunctionalDescriptor(u8),
    /// No usable block size: wTransferSize and bMaxPacketSize0 are both 0.
    #[error("the DFU functional descriptor gives wTransferSize 0 and bMaxPacketSize0 is 0 too")]
    ZeroTransferSize,
}

/// A parsed GETSTATUS reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceStatus {
    /// bStatus: the result of the last request.
    pub status: Status,
    /// How long the host must wait before the next GETSTATUS (bwPollTimeout).
    pub poll_timeout: Duration,
    /// bState: the state the device is in now.
    pub state: State,
    /// Index of a string descriptor describing the status (iString), 0 if none.
    pub string_index: u8,
}

impl DeviceStatus {
    /// Parses the 6-byte GETSTATUS reply: bStatus, bwPollTimeout (24-bit LE, ms), bState, iString.
    pub fn parse(reply: &[u8]) -> Result<DeviceStatus, ProtocolError> {
        let &[status, p0, p1, p2, state, string_index, ..] = reply else {
            return Err(ProtocolError::ShortStatus(reply.len()));
        };
        let poll_ms = u32::from_le_bytes([p0, p1, p2, 0]);
        Ok(DeviceStatus {
            status: Status::from_u8(status).ok_or(ProtocolError::UnknownStatus(status))?,
            poll_timeout: Duration::from_millis(u64::from(poll_ms)),
            state: State::from_u8(state).ok_or(ProtocolError::UnknownState(state))?,
            string_index,
        })
    }
}

/// bmAttributes of the functional descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attributes(pub u8);

impl Attributes {
    /// bitCanDnload: the device accepts downloads.
    pub fn can_download(self) -> bool {
        self.0 & 1 != 0
    }
    /// bitCanUpload: the device can send its memory back.
    pub fn can_upload(self) -> bool {
        self.0 & 2 != 0
    }
    /// bitManifestationTolerant: the device still answers after manifestation.
    pub fn manifestation_tolerant(self) -> bool {
        self.0 & 4 != 0
    }
    /// bitWillDetach: the device re-enumerates by itself after DETACH, no bus reset needed.
    pub fn will_detach(self) -> bool {
        self.0 & 8 != 0
    }
}

/// The DFU functional descriptor, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionalDescriptor {
    /// bmAttributes: what the device can do.
    pub attributes: Attributes,
    /// wDetachTimeOut, in ms.
    pub detach_timeout_ms: u16,
    /// Bytes per DNLOAD block: wTransferSize, or bMaxPacketSize0 when the device says 0.
    pub transfer_size: NonZeroU16,
    /// bcdDFUVersion; 0x0100 for 7-byte DFU 1.0 descriptors.
    pub dfu_version: u16,
}

impl FunctionalDescriptor {
    /// Finds and parses the functional descriptor in the interface's extra bytes or, if it
    /// is not there, in the configuration's extra bytes (where some devices put it).
    /// `max_packet_size0` replaces a wTransferSize of 0.
    pub fn find(
        interface_extra: &[u8],
        config_extra: &[u8],
        max_packet_size0: u8,
    ) -> Result<FunctionalDescriptor, ProtocolError> {
        let raw = match find_descriptor(interface_extra, FUNCTIONAL_DESCRIPTOR_TYPE)? {
            Some(raw) => raw,
            None => find_descriptor(config_extra, FUNCTIONAL_DESCRIPTOR_TYPE)?
                .ok_or(ProtocolError::NoFunctionalDescriptor)?,
        };
        Self::parse(raw, max_packet_size0)
    }

    /// Parses one whole functional descriptor (bLength, bDescriptorType and the rest).
    fn parse(raw: &[u8], max_packet_size0: u8) -> Result<FunctionalDescriptor, ProtocolError> {
        let &[_, _, attributes, d0, d1, t0, t1, ..] = raw else {
            return Err(ProtocolError::ShortFunctionalDescriptor(raw.len() as u8));
        };
        let dfu_version = match raw.get(7..9) {
            Some(&[v0, v1]) => u16::from_le_bytes([v0, v1]),
            _ => DFU_1_0_VERSION,
        };
        let transfer_size = NonZeroU16::new(u16::from_le_bytes([t0, t1]))
            .or(NonZeroU16::new(u16::from(max_packet_size0)))
            .ok_or(ProtocolError::ZeroTransferSize)?;
        Ok(FunctionalDescriptor {
            attributes: Attributes(attributes),
            detach_timeout_ms: u16::from_le_bytes([d0, d1]),
            transfer_size,
            dfu_version,
        })
    }
}

/// Walks the descriptors in `bytes` (bLength, bDescriptorType, ...) and returns the first
/// one of `kind`, whole. A descriptor shorter than 2 bytes or running past the end is an error.
fn find_descriptor(bytes: &[u8], kind: u8) -> Result<Option<&[u8]>, ProtocolError> {
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let len = usize::from(rest[0]);
        if len < 2 || len > rest.len() {
            return Err(ProtocolError::MalformedDescriptor { offset });
        }
        if rest[1] == kind {
            return Ok(Some(&rest[..len]));
        }
        offset += len;
    }
    Ok(None)
}

/// What a DFU interface is for: bInterfaceProtocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterfaceMode {
    /// Protocol 1: the application runs; DETACH switches to DFU mode.
    Runtime,
    /// Protocol 2: the DFU loader runs and accepts downloads.
    Dfu,
}

impl InterfaceMode {
    /// The mode for bInterfaceProtocol (1 or 2) of a class 0xFE subclass 1 interface.
    pub fn from_protocol(protocol: u8) -> Option<InterfaceMode> {
        match protocol {
            1 => Some(InterfaceMode::Runtime),
            2 => Some(InterfaceMode::Dfu),
            _ => None,
        }
    }
}

/// What the engine needs to know about a DFU interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DfuInterface {
    /// Whether the interface runs the application or the DFU loader.
    pub mode: InterfaceMode,
    /// Its DFU functional descriptor.
    pub descriptor: FunctionalDescriptor,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DFU_1_1: [u8; 9] = [9, 0x21, 0x0B, 0xE8, 0x03, 0x00, 0x04, 0x10, 0x01];
    const INTERFACE: [u8; 9] = [9, 4, 2, 0, 0, 0xFE, 1, 1, 0];

    #[test]
    fn wire_enums_round_trip_with_names() {
        for v in 0..=6 {
            assert_eq!(Request::from_u8(v).map(|r| r as u8), Some(v));
        }
        for v in 0..=10 {
            assert_eq!(State::from_u8(v).map(|s| s as u8), Some(v));
        }
        for v in 0..=15 {
            assert_eq!(Status::from_u8(v).map(|s| s as u8), Some(v));
        }
        assert_eq!(Request::from_u8(7), None);
        assert_eq!(State::from_u8(11), None);
        assert_eq!(Status::from_u8(16), None);
        assert_eq!(State::DfuDnBusy.name(), "dfuDNBUSY");
        assert_eq!(
            State::DfuManifestWaitReset.to_string(),
            "dfuMANIFEST-WAIT-RESET"
        );
        assert_eq!(Status::ErrVerify.name(), "errVERIFY");
        assert_eq!(Status::ErrStalledPkt.name(), "errSTALLEDPKT");
        assert_eq!(Request::ClrStatus.name(), "CLRSTATUS");
        assert!(Status::ErrErase.description().contains("erase"));
    }

    #[test]
    fn status_reply_parses_24_bit_poll_timeout() {
        let status = DeviceStatus::parse(&[0, 0x10, 0x27, 0x01, 4, 7]).unwrap();
        assert_eq!(status.status, Status::Ok);
        assert_eq!(status.poll_timeout, Duration::from_millis(0x01_2710));
        assert_eq!(status.state, State::DfuDnBusy);
        assert_eq!(status.string_index, 7);
    }

    #[test]
    fn bad_status_replies_are_errors() {
        assert_eq!(
            DeviceStatus::parse(&[0, 0, 0, 0, 2]),
            Err(ProtocolError::ShortStatus(5))
        );
        assert_eq!(
            DeviceStatus::parse(&[0, 0, 0, 0, 11, 0]),
            Err(ProtocolError::UnknownState(11))
        );
        assert_eq!(
            DeviceStatus::parse(&[16, 0, 0, 0, 2, 0]),
            Err(ProtocolError::UnknownStatus(16))
        );
    }

    #[test]
    fn dfu_1_1_descriptor_after_interface_descriptor() {
        let mut extra = INTERFACE.to_vec();
        extra.extend_from_slice(&DFU_1_1);
        let d = FunctionalDescriptor::find(&extra, &[], 64).unwrap();
        assert_eq!(d.transfer_size.get(), 1024);
        assert_eq!(d.detach_timeout_ms, 1000);
        assert_eq!(d.dfu_version, 0x0110);
        assert!(d.attributes.can_download());
        assert!(d.attributes.can_upload());
        assert!(!d.attributes.manifestation_tolerant());
        assert!(d.attributes.will_detach());
    }

    #[test]
    fn dfu_1_0_descriptor_assumes_version_0100() {
        let d =
            FunctionalDescriptor::find(&[7, 0x21, 0x04, 0xFF, 0x00, 0x40, 0x00], &[], 8).unwrap();
        assert_eq!(d.dfu_version, 0x0100);
        assert_eq!(d.transfer_size.get(), 64);
        assert!(d.attributes.manifestation_tolerant());
    }

    #[test]
    fn accepts_every_version_real_devices_send() {
        for version in [0x0100u16, 0x0101, 0x0110, 0x011a] {
            let mut raw = DFU_1_1;
            raw[7..9].copy_from_slice(&version.to_le_bytes());
            let d = FunctionalDescriptor::find(&raw, &[], 64).unwrap();
            assert_eq!(d.dfu_version, version);
        }
    }

    #[test]
    fn descriptor_in_configuration_extra_bytes() {
        let d = FunctionalDescriptor::find(&INTERFACE, &DFU_1_1, 64).unwrap();
        assert_eq!(d.transfer_size.get(), 1024);
    }

    #[test]
    fn interface_descriptor_wins_over_configuration() {
        let mut other = DFU_1_1;
        other[5] = 0x40;
        other[6] = 0;
        let d = FunctionalDescriptor::find(&other, &DFU_1_1, 8).unwrap();
        assert_eq!(d.transfer_size.get(), 64);
    }

    #[test]
    fn zero_transfer_size_falls_back_to_max_packet_size0() {
        let mut raw = DFU_1_1;
        raw[5] = 0;
        raw[6] = 0;
        assert_eq!(
            FunctionalDescriptor::find(&raw, &[], 64)
                .unwrap()
                .transfer_size
                .get(),
            64
        );
        assert_eq!(
            FunctionalDescriptor::find(&raw, &[], 0),
            Err(ProtocolError::ZeroTransferSize)
        );
    }

    #[test]
    fn garbage_and_truncation_are_errors() {
        assert_eq!(
            FunctionalDescriptor::find(&[], &[], 64),
            Err(ProtocolError::NoFunctionalDescriptor)
        );
        assert_eq!(
            FunctionalDescriptor::find(&INTERFACE, &INTERFACE, 64),
            Err(ProtocolError::NoFunctionalDescriptor)
        );
        // bLength 0 would loop forever if not caught.
        assert_eq!(
            FunctionalDescriptor::find(&[0, 0x21, 1, 2], &[], 64),
            Err(ProtocolError::MalformedDescriptor { offset: 0 })
        );
        // Cut after 6 of 9 bytes.
        assert_eq!(
            FunctionalDescriptor::find(&DFU_1_1[..6], &[], 64),
            Err(ProtocolError::MalformedDescriptor { offset: 0 })
        );
        assert_eq!(
            FunctionalDescriptor::find(&[INTERFACE.as_slice(), &[1]].concat(), &[], 64),
            Err(ProtocolError::MalformedDescriptor { offset: 9 })
        );
        assert_eq!(
            FunctionalDescriptor::find(&[5, 0x21, 1, 2, 3], &[], 64),
            Err(ProtocolError::ShortFunctionalDescriptor(5))
        );
    }

    #[test]
    fn interface_protocols() {
        assert_eq!(
            InterfaceMode::from_protocol(1),
            Some(InterfaceMode::Runtime)
        );
        assert_eq!(InterfaceMode::from_protocol(2), Some(InterfaceMode::Dfu));
        assert_eq!(InterfaceMode::from_protocol(0), None);
    }
}
