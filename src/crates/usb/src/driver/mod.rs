//! The driver doctor (Windows): which driver holds the ESP32-S2/S3 ROM's DFU interface
//! (interface 2 of the download-mode device, hardware ID `USB\VID_303A&PID_0002&MI_02` or
//! `PID_0009`), and what to do about it. Windows binds no driver to that interface by
//! itself, and libusb opens it only through WinUSB (or libusbK).
//!
//! The decisions ([`diagnose`]) are pure, from what Windows says of a device node: its
//! hardware IDs, its service (driver) name and its problem code. [`Computer`] asks
//! Windows (SetupAPI, CfgMgr, pnputil); tests fake it. Elsewhere [`ThisComputer`] lists
//! no device: the doctor is quiet.

#[cfg(windows)]
#[path = "windows.rs"]
mod platform;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use firmware::{Chip, ESPRESSIF_VID};

/// The ROM's DFU interface in download mode (the serial port is interfaces 0 and 1).
const ROM_DFU_INTERFACE: u8 = 2;

/// Device Manager's problem code for a device without a driver (CM_PROB_FAILED_INSTALL).
pub const NO_DRIVER_PROBLEM: u32 = 28;

/// The folder, next to the executable, the installer puts the driver packages in.
pub const DRIVER_FOLDER: &str = "driver";

/// How long an install may take, Windows' permission prompt included.
pub const INSTALL_DEADLINE: Duration = Duration::from_secs(120);

/// How often [`ThisComputer`] is asked again on Windows: a board without its driver need
/// not show in libusb's list, so no plug-in event may say it came.
const WINDOWS_SCAN_INTERVAL: Duration = Duration::from_secs(2);

/// Drivers libusb drives: WinUSB, and libusbK (through its libusbK.dll).
const USABLE_SERVICES: [&str; 2] = ["WinUSB", "libusbK"];

/// A USB device node as Windows lists it: a whole device, or one interface (`MI_nn`) of a
/// composite device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceNode {
    /// The device instance ID (`USB\VID_303A&PID_0002&MI_02\6&2B7A1B5B&0&0002`).
    pub instance_id: String,
    /// Its hardware IDs, most specific first (`USB\VID_303A&PID_0002&REV_0723&MI_02`).
    pub hardware_ids: Vec<String>,
    /// The name Device Manager shows for it, if it has one.
    pub name: Option<String>,
    /// The service (driver) bound to it (`WinUSB`, `usbser`, `libusb0`); none without one.
    pub service: Option<String>,
    /// Device Manager's problem code, if it shows a problem ([`NO_DRIVER_PROBLEM`]).
    pub problem: Option<u32>,
    /// The INF its driver was installed from (`oem12.inf`), if it has one.
    pub inf: Option<String>,
}

impl DeviceNode {
    /// The chip whose ROM DFU interface this node is, if it is one (never the serial
    /// port's interfaces nor the composite device itself).
    pub fn rom_dfu_chip(&self) -> Option<Chip> {
        let id = self.hardware_ids.iter().find_map(|id| UsbId::parse(id))?;
        let rom_dfu = id.vid == ESPRESSIF_VID && id.interface == Some(ROM_DFU_INTERFACE);
        Chip::from_pid(id.pid).filter(|chip| rom_dfu && ROM_DFU_CHIPS.contains(chip))
    }
}

/// The chips whose ROM download mode is known to carry DFU on interface 2.
const ROM_DFU_CHIPS: [Chip; 2] = [Chip::Esp32S2, Chip::Esp32S3];

/// What a hardware ID names: `USB\VID_303A&PID_0002&REV_0723&MI_02`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UsbId {
    vid: u16,
    pid: u16,
    /// `MI_nn`: the interface of a composite device; none for the device itself.
    interface: Option<u8>,
}

impl UsbId {
    fn parse(id: &str) -> Option<UsbId> {
        let (bus, fields) = id.split_once('\\')?;
        if !bus.eq_ignore_ascii_case("USB") {
            return None;
        }
        let (mut vid, mut pid, mut interface) = (None, None, None);
        for field in fields.split('&') {
            let (name, value) = field.split_once('_')?;
            let hex = u16::from_str_radix(value, 16).ok();
            match name.to_ascii_uppercase().as_str() {
                "VID" => vid = hex,
                "PID" => pid = hex,
                "MI" => interface = Some(u8::try_from(hex?).ok()?),
                _ => {}
            }
        }
        Some(UsbId {
            vid: vid?,
            pid: pid?,
            interface,
        })
    }
}

/// A signed WinUSB driver package DFU Station's installer ships for one chip's ROM DFU
/// interface (Espressif's, from espressif/esp-win-usb-drivers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Package {
    /// The INF, which installs WinUSB on that interface only.
    inf: &'static str,
    /// Its catalogue, which carries the signature.
    catalog: &'static str,
}

/// The package for `chip`, if Espressif publishes one (the ESP32-S3 has none).
fn package(chip: Chip) -> Option<Package> {
    (chip == Chip::Esp32S2).then_some(Package {
        inf: "esp32s2.inf",
        catalog: "esp32s2.cat",
    })
}

/// What the doctor says of one device node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not a ROM DFU interface (the serial port, the composite device, another device):
    /// never touched.
    NotOurs,
    /// WinUSB (or libusbK) holds it: nothing to do.
    Fine,
    /// Something must be done before the board can be flashed.
    Fix(Fix),
}

/// What must be done about a ROM DFU interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// No driver: the shipped package at this INF installs WinUSB (one button).
    Install(PathBuf),
    /// No driver, and no shipped package can install it: the guided Zadig steps.
    Zadig(NoPackage),
    /// Another driver holds it, which libusb cannot drive: remove it first.
    WrongDriver {
        /// Its service name (`libusb0`, `usbser`).
        service: String,
        /// The third-party driver package it came from (`oem12.inf`, as Zadig's are), which
        /// `pnputil /delete-driver` removes; none for Windows' own drivers.
        package: Option<String>,
    },
}

impl Fix {
    /// The command that removes a wrong driver's package from the device and from
    /// Windows, where it has one: `pnputil /delete-driver oem12.inf /uninstall`.
    pub fn removal_command(&self) -> Option<String> {
        match self {
            Fix::WrongDriver {
                package: Some(package),
                ..
            } => Some(format!("pnputil /delete-driver {package} /uninstall")),
            _ => None,
        }
    }
}

/// Why a board without its driver takes the Zadig path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPackage {
    /// Espressif publishes no signed package for this chip's ROM DFU interface.
    NoneForChip,
    /// The package should be next to the executable but this file is not there.
    Missing(PathBuf),
}

/// The doctor's verdict on `node`, with the shipped packages in `folder`.
pub fn diagnose(node: &DeviceNode, folder: &Path) -> Verdict {
    let Some(chip) = node.rom_dfu_chip() else {
        return Verdict::NotOurs;
    };
    match node.service.as_deref() {
        // Problem 28: no driver installed, whatever service is named.
        Some(service) if node.problem != Some(NO_DRIVER_PROBLEM) => {
            if USABLE_SERVICES
                .iter()
                .any(|s| s.eq_ignore_ascii_case(service))
            {
                Verdict::Fine
            } else {
                Verdict::Fix(Fix::WrongDriver {
                    service: service.to_owned(),
                    package: node.inf.clone().filter(|inf| is_third_party(inf)),
                })
            }
        }
        _ => Verdict::Fix(no_driver(chip, folder)),
    }
}

/// Whether an INF is a third-party package's published name (`oem12.inf`), not one of
/// Windows' own (`usbser.inf`).
fn is_third_party(inf: &str) -> bool {
    let inf = inf.to_ascii_lowercase();
    (inf.strip_prefix("oem")
        .and_then(|rest| rest.strip_suffix(".inf")))
    .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
}

/// How WinUSB gets onto `chip`'s ROM DFU interface.
fn no_driver(chip: Chip, folder: &Path) -> Fix {
    let Some(package) = package(chip) else {
        return Fix::Zadig(NoPackage::NoneForChip);
    };
    let missing = [package.inf, package.catalog]
        .map(|file| folder.join(file))
        .into_iter()
        .find(|path| !path.is_file());
    match missing {
        Some(path) => Fix::Zadig(NoPackage::Missing(path)),
        None => Fix::Install(folder.join(package.inf)),
    }
}

/// A ROM DFU interface that needs something done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The board's chip.
    pub chip: Chip,
    /// The interface, as Windows lists it.
    pub node: DeviceNode,
    /// What to do.
    pub fix: Fix,
}

/// Every ROM DFU interface on `computer` that needs something done.
pub fn examine(computer: &dyn Computer) -> Result<Vec<Finding>, ScanError> {
    let folder = computer.driver_folder();
    Ok((computer.devices()?.into_iter())
        .filter_map(
            |node| match (node.rom_dfu_chip(), diagnose(&node, &folder)) {
                (Some(chip), Verdict::Fix(fix)) => Some(Finding { chip, node, fix }),
                _ => None,
            },
        )
        .collect())
}

/// Why the USB devices could not be listed: the Windows call that failed and its error.
#[derive(Debug, thiserror::Error)]
#[error("{call}: {source}")]
pub struct ScanError {
    /// The SetupAPI or CfgMgr function.
    pub call: &'static str,
    /// What Windows said.
    pub source: std::io::Error,
}

/// What the doctor asks of the computer; tests fake it.
pub trait Computer: Send + Sync + fmt::Debug {
    /// The USB device nodes present now.
    fn devices(&self) -> Result<Vec<DeviceNode>, ScanError>;

    /// The folder the shipped driver packages are in.
    fn driver_folder(&self) -> PathBuf;

    /// Installs the driver package `inf` on the devices it fits, with the administrator's
    /// permission, waiting for it (for up to [`INSTALL_DEADLINE`]).
    fn install(&self, inf: &Path) -> Result<Installed, InstallError>;

    /// How often to look again without being told a board came, if at all.
    fn scan_interval(&self) -> Option<Duration> {
        None
    }
}

/// This computer: SetupAPI, CfgMgr and an elevated `pnputil` on Windows; elsewhere no
/// device and no install.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThisComputer;

impl Computer for ThisComputer {
    fn devices(&self) -> Result<Vec<DeviceNode>, ScanError> {
        platform::devices()
    }

    /// `driver` next to the executable.
    fn driver_folder(&self) -> PathBuf {
        let exe = std::env::current_exe().unwrap_or_default();
        exe.parent().unwrap_or(Path::new("")).join(DRIVER_FOLDER)
    }

    fn install(&self, inf: &Path) -> Result<Installed, InstallError> {
        platform::install(inf, INSTALL_DEADLINE)
    }

    fn scan_interval(&self) -> Option<Duration> {
        cfg!(windows).then_some(WINDOWS_SCAN_INTERVAL)
    }
}

/// Elsewhere than on Windows: no device node, and nothing to install with.
#[cfg(not(windows))]
mod platform {
    use std::path::Path;
    use std::time::Duration;

    use super::{DeviceNode, InstallError, Installed, ScanError};

    pub(super) fn devices() -> Result<Vec<DeviceNode>, ScanError> {
        Ok(Vec::new())
    }

    pub(super) fn install(inf: &Path, _: Duration) -> Result<Installed, InstallError> {
        Err(InstallError::NotStarted(format!(
            "pnputil, to install {}, is a Windows program",
            inf.display()
        )))
    }
}

/// What an install did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// The driver is on the board's interface.
    Done,
    /// Installed; Windows finishes after a restart.
    RestartNeeded,
}

/// Why an install did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallError {
    /// Windows' permission prompt was answered No.
    Declined,
    /// The installer could not start (the system's words).
    NotStarted(String),
    /// The installer had not finished by the deadline.
    TimedOut(Duration),
    /// Windows found no device the package fits (unplugged meanwhile, or it has a driver).
    NoDevice,
    /// pnputil failed with this exit code.
    Failed(u32),
}

/// What `pnputil /add-driver INF /install` exiting with `code` means (Microsoft's
/// "PnPUtil return values").
pub fn pnputil_outcome(code: u32) -> Result<Installed, InstallError> {
    match code {
        0 => Ok(Installed::Done),
        // ERROR_SUCCESS_REBOOT_REQUIRED.
        3010 => Ok(Installed::RestartNeeded),
        // ERROR_NO_MORE_ITEMS: no device matches, or it has a better or newer driver.
        259 => Err(InstallError::NoDevice),
        code => Err(InstallError::Failed(code)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node with `hardware_id` (and the same without its revision), `service` and
    /// `problem`.
    fn node(hardware_id: &str, service: Option<&str>, problem: Option<u32>) -> DeviceNode {
        DeviceNode {
            instance_id: format!("{hardware_id}\\6&2B7A1B5B&0&0002"),
            hardware_ids: vec![hardware_id.to_owned(), hardware_id.replace("&REV_0723", "")],
            service: service.map(str::to_owned),
            problem,
            ..DeviceNode::default()
        }
    }

    const S2_DFU: &str = r"USB\VID_303A&PID_0002&REV_0723&MI_02";
    const S3_DFU: &str = r"USB\VID_303A&PID_0009&MI_02";

    /// A folder holding the ESP32-S2 package, as the installer leaves it.
    fn shipped() -> tempfile::TempDir {
        let folder = tempfile::tempdir().unwrap();
        for file in ["esp32s2.inf", "esp32s2.cat"] {
            std::fs::write(folder.path().join(file), "").unwrap();
        }
        folder
    }

    #[test]
    fn the_decision_table() {
        let folder = shipped();
        let inf = folder.path().join("esp32s2.inf");
        let wrong = |service: &str| {
            Verdict::Fix(Fix::WrongDriver {
                service: service.to_owned(),
                package: None,
            })
        };
        let table = [
            // The ROM's DFU interface without a driver: the package, or Zadig for the S3.
            (
                S2_DFU,
                None,
                Some(28),
                Verdict::Fix(Fix::Install(inf.clone())),
            ),
            (S2_DFU, None, None, Verdict::Fix(Fix::Install(inf.clone()))),
            (
                S3_DFU,
                None,
                Some(28),
                Verdict::Fix(Fix::Zadig(NoPackage::NoneForChip)),
            ),
            // Problem 28 means no driver installed, whatever service is named.
            (
                S2_DFU,
                Some("WinUSB"),
                Some(28),
                Verdict::Fix(Fix::Install(inf)),
            ),
            // Drivers libusb drives.
            (S2_DFU, Some("WinUSB"), None, Verdict::Fine),
            (S3_DFU, Some("winusb"), None, Verdict::Fine),
            (S2_DFU, Some("libusbK"), None, Verdict::Fine),
            // Drivers it cannot drive.
            (S2_DFU, Some("libusb0"), None, wrong("libusb0")),
            (S3_DFU, Some("usbser"), None, wrong("usbser")),
            // The serial port keeps usbser, a driverless serial interface is left alone,
            // and so are the composite device, other Espressif devices and other vendors.
            (
                r"USB\VID_303A&PID_0002&REV_0723&MI_00",
                Some("usbser"),
                None,
                Verdict::NotOurs,
            ),
            (
                r"USB\VID_303A&PID_0009&MI_01",
                None,
                Some(28),
                Verdict::NotOurs,
            ),
            (
                r"USB\VID_303A&PID_0002&REV_0723",
                Some("usbccgp"),
                None,
                Verdict::NotOurs,
            ),
            (
                r"USB\VID_303A&PID_1001&MI_02",
                None,
                Some(28),
                Verdict::NotOurs,
            ),
            (
                r"USB\VID_303A&PID_0012&MI_02",
                None,
                Some(28),
                Verdict::NotOurs,
            ),
            (
                r"USB\VID_0483&PID_DF11&MI_02",
                None,
                Some(28),
                Verdict::NotOurs,
            ),
            (
                r"HID\VID_303A&PID_0002&MI_02",
                None,
                Some(28),
                Verdict::NotOurs,
            ),
            (r"USB\ROOT_HUB30", Some("USBHUB3"), None, Verdict::NotOurs),
        ];
        for (id, service, problem, expected) in table {
            let node = node(id, service, problem);
            assert_eq!(
                diagnose(&node, folder.path()),
                expected,
                "{id} {service:?} {problem:?}"
            );
        }
    }

    #[test]
    fn hardware_ids_are_read_in_any_case() {
        let lower = node(r"usb\vid_303a&pid_0002&mi_02", None, Some(28));
        assert_eq!(lower.rom_dfu_chip(), Some(Chip::Esp32S2));
        let mut no_ids = lower.clone();
        no_ids.hardware_ids.clear();
        assert_eq!(no_ids.rom_dfu_chip(), None);
        assert_eq!(UsbId::parse(r"USB\VID_303A&PID_0002&MI_2G"), None);
    }

    #[test]
    fn a_wrong_driver_from_a_third_party_package_says_how_to_remove_it() {
        let mut libusb0 = node(S2_DFU, Some("libusb0"), None);
        libusb0.inf = Some("oem12.inf".into());
        let Verdict::Fix(fix) = diagnose(&libusb0, Path::new("")) else {
            panic!("libusb0 is a wrong driver");
        };
        assert_eq!(
            fix,
            Fix::WrongDriver {
                service: "libusb0".into(),
                package: Some("oem12.inf".into())
            }
        );
        assert_eq!(
            fix.removal_command().as_deref(),
            Some("pnputil /delete-driver oem12.inf /uninstall")
        );
        // Windows' own INFs are not packages to delete.
        let mut usbser = node(S2_DFU, Some("usbser"), None);
        for inf in ["usbser.inf", "oem.inf", "oem1a.inf"] {
            usbser.inf = Some(inf.into());
            let Verdict::Fix(fix) = diagnose(&usbser, Path::new("")) else {
                panic!("usbser is a wrong driver");
            };
            assert_eq!(fix.removal_command(), None, "{inf}");
        }
        assert_eq!(Fix::Install("esp32s2.inf".into()).removal_command(), None);
    }

    #[test]
    fn a_missing_package_file_takes_the_zadig_path_and_names_the_file() {
        let folder = shipped();
        let catalog = folder.path().join("esp32s2.cat");
        std::fs::remove_file(&catalog).unwrap();
        let s2 = node(S2_DFU, None, Some(28));
        assert_eq!(
            diagnose(&s2, folder.path()),
            Verdict::Fix(Fix::Zadig(NoPackage::Missing(catalog)))
        );
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(
            diagnose(&s2, empty.path()),
            Verdict::Fix(Fix::Zadig(NoPackage::Missing(
                empty.path().join("esp32s2.inf")
            )))
        );
    }

    /// A computer with these nodes and the ESP32-S2 package.
    #[derive(Debug)]
    struct Fake(Vec<DeviceNode>, tempfile::TempDir);

    impl Computer for Fake {
        fn devices(&self) -> Result<Vec<DeviceNode>, ScanError> {
            Ok(self.0.clone())
        }
        fn driver_folder(&self) -> PathBuf {
            self.1.path().to_owned()
        }
        fn install(&self, _: &Path) -> Result<Installed, InstallError> {
            unreachable!("examining installs nothing")
        }
    }

    #[test]
    fn examining_finds_only_rom_dfu_interfaces_that_need_something() {
        let board = [
            node(r"USB\VID_303A&PID_0002&REV_0723", Some("usbccgp"), None),
            node(
                r"USB\VID_303A&PID_0002&REV_0723&MI_00",
                Some("usbser"),
                None,
            ),
            node(S2_DFU, None, Some(28)),
            node(S3_DFU, Some("WinUSB"), None),
        ];
        let computer = Fake(board.to_vec(), shipped());
        let findings = examine(&computer).unwrap();
        assert_eq!(
            findings,
            [Finding {
                chip: Chip::Esp32S2,
                node: board[2].clone(),
                fix: Fix::Install(computer.1.path().join("esp32s2.inf")),
            }]
        );
    }

    #[test]
    fn pnputil_exit_codes() {
        assert_eq!(pnputil_outcome(0), Ok(Installed::Done));
        assert_eq!(pnputil_outcome(3010), Ok(Installed::RestartNeeded));
        assert_eq!(pnputil_outcome(259), Err(InstallError::NoDevice));
        assert_eq!(pnputil_outcome(5), Err(InstallError::Failed(5)));
    }

    /// Elsewhere than on Windows the doctor is quiet: no device, nothing installed.
    #[cfg(not(windows))]
    #[test]
    fn this_computer_lists_nothing_outside_windows() {
        assert!(ThisComputer.devices().unwrap().is_empty());
        assert_eq!(ThisComputer.scan_interval(), None);
        assert!(matches!(
            ThisComputer.install(Path::new("esp32s2.inf")),
            Err(InstallError::NotStarted(_))
        ));
        assert!(ThisComputer.driver_folder().ends_with(DRIVER_FOLDER));
    }
}
