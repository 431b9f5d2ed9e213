//! Windows' answers: the present USB device nodes (SetupAPI, CfgMgr) and an elevated
//! `pnputil /add-driver INF /install` (ShellExecuteExW with the `runas` verb).

use std::io;
use std::path::Path;
use std::ptr::{null, null_mut};
use std::time::Duration;

use windows_sys::Win32::Devices::DeviceAndDriverInstallation::{
    CM_Get_DevNode_Status, CR_SUCCESS, DIGCF_ALLCLASSES, DIGCF_PRESENT, DN_HAS_PROBLEM, HDEVINFO,
    MAX_DEVICE_ID_LEN, SETUP_DI_REGISTRY_PROPERTY, SP_DEVINFO_DATA, SPDRP_DEVICEDESC,
    SPDRP_FRIENDLYNAME, SPDRP_HARDWAREID, SPDRP_SERVICE, SetupDiDestroyDeviceInfoList,
    SetupDiEnumDeviceInfo, SetupDiGetClassDevsW, SetupDiGetDeviceInstanceIdW,
    SetupDiGetDevicePropertyW, SetupDiGetDeviceRegistryPropertyW,
};
use windows_sys::Win32::Devices::Properties::{DEVPKEY_Device_DriverInfPath, DEVPROP_TYPE_STRING};
use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_CANCELLED, HANDLE, INVALID_HANDLE_VALUE, WAIT_OBJECT_0, WAIT_TIMEOUT,
};
use windows_sys::Win32::System::Threading::{GetExitCodeProcess, WaitForSingleObject};
use windows_sys::Win32::UI::Shell::{
    SEE_MASK_NOASYNC, SEE_MASK_NOCLOSEPROCESS, SHELLEXECUTEINFOW, ShellExecuteExW,
};
use windows_sys::Win32::UI::WindowsAndMessaging::SW_HIDE;

use super::{DeviceNode, InstallError, Installed, ScanError, pnputil_outcome};

/// Every present device node that the USB bus driver enumerated.
pub(super) fn devices() -> Result<Vec<DeviceNode>, ScanError> {
    let enumerator = wide("USB");
    // SAFETY: the enumerator is a NUL-terminated UTF-16 string that outlives the call.
    let set = unsafe {
        SetupDiGetClassDevsW(
            null(),
            enumerator.as_ptr(),
            null_mut(),
            DIGCF_ALLCLASSES | DIGCF_PRESENT,
        )
    };
    if set == INVALID_HANDLE_VALUE as HDEVINFO {
        return Err(ScanError {
            call: "SetupDiGetClassDevsW",
            source: io::Error::last_os_error(),
        });
    }
    let set = DeviceSet(set);
    let mut nodes = Vec::new();
    for index in 0.. {
        let mut data = SP_DEVINFO_DATA {
            cbSize: size_of::<SP_DEVINFO_DATA>() as u32,
            ..Default::default()
        };
        // SAFETY: `set` is a live device information set, `data` has its cbSize.
        if unsafe { SetupDiEnumDeviceInfo(set.0, index, &mut data) } == 0 {
            break; // ERROR_NO_MORE_ITEMS
        }
        let text = |property| registry_strings(&set, &data, property).into_iter().next();
        nodes.push(DeviceNode {
            instance_id: instance_id(&set, &data),
            hardware_ids: registry_strings(&set, &data, SPDRP_HARDWAREID),
            name: text(SPDRP_FRIENDLYNAME).or_else(|| text(SPDRP_DEVICEDESC)),
            service: text(SPDRP_SERVICE),
            problem: problem(data.DevInst),
            inf: inf_path(&set, &data),
        });
    }
    Ok(nodes)
}

/// A device information set, destroyed when dropped.
struct DeviceSet(HDEVINFO);

impl Drop for DeviceSet {
    fn drop(&mut self) {
        // SAFETY: the set came from SetupDiGetClassDevsW and is destroyed once.
        unsafe { SetupDiDestroyDeviceInfoList(self.0) };
    }
}

fn instance_id(set: &DeviceSet, data: &SP_DEVINFO_DATA) -> String {
    let mut buffer = [0u16; MAX_DEVICE_ID_LEN as usize + 1];
    // SAFETY: the buffer's length in characters is passed with it.
    let ok = unsafe {
        SetupDiGetDeviceInstanceIdW(
            set.0,
            data,
            buffer.as_mut_ptr(),
            buffer.len() as u32,
            null_mut(),
        )
    };
    (ok != 0)
        .then(|| strings(&buffer).into_iter().next())
        .flatten()
        .unwrap_or_default()
}

/// A string or multi-string registry property; empty where the device has none.
fn registry_strings(
    set: &DeviceSet,
    data: &SP_DEVINFO_DATA,
    property: SETUP_DI_REGISTRY_PROPERTY,
) -> Vec<String> {
    let mut size = 0u32;
    // SAFETY: a size query: no buffer, the size written to `size`.
    unsafe {
        SetupDiGetDeviceRegistryPropertyW(
            set.0,
            data,
            property,
            null_mut(),
            null_mut(),
            0,
            &mut size,
        )
    };
    let mut buffer = vec![0u16; (size as usize).div_ceil(2)];
    // SAFETY: the buffer holds `size` bytes.
    let ok = size > 0
        && unsafe {
            SetupDiGetDeviceRegistryPropertyW(
                set.0,
                data,
                property,
                null_mut(),
                buffer.as_mut_ptr().cast(),
                size,
                null_mut(),
            )
        } != 0;
    if ok { strings(&buffer) } else { Vec::new() }
}

/// The INF the device's driver was installed from (`oem12.inf`), if it has a driver.
fn inf_path(set: &DeviceSet, data: &SP_DEVINFO_DATA) -> Option<String> {
    let mut buffer = [0u16; 260];
    let mut kind = 0;
    // SAFETY: the buffer's size in bytes is passed with it.
    let ok = unsafe {
        SetupDiGetDevicePropertyW(
            set.0,
            data,
            &DEVPKEY_Device_DriverInfPath,
            &mut kind,
            buffer.as_mut_ptr().cast(),
            size_of_val(&buffer) as u32,
            null_mut(),
            0,
        )
    };
    (ok != 0 && kind == DEVPROP_TYPE_STRING)
        .then(|| strings(&buffer).into_iter().next())
        .flatten()
}

/// Device Manager's problem code, if the device has a problem.
fn problem(devinst: u32) -> Option<u32> {
    let (mut status, mut problem) = (0, 0);
    // SAFETY: both outputs are plain integers owned here.
    let result = unsafe { CM_Get_DevNode_Status(&mut status, &mut problem, devinst, 0) };
    (result == CR_SUCCESS && status & DN_HAS_PROBLEM != 0).then_some(problem)
}

/// The NUL-separated strings of a (multi-)string buffer.
fn strings(buffer: &[u16]) -> Vec<String> {
    (buffer.split(|&c| c == 0))
        .filter(|s| !s.is_empty())
        .map(String::from_utf16_lossy)
        .collect()
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// Runs `pnputil /add-driver "INF" /install` as administrator (Windows asks first) and
/// waits for it until `deadline`.
pub(super) fn install(inf: &Path, deadline: Duration) -> Result<Installed, InstallError> {
    let verb = wide("runas");
    let program = wide("pnputil.exe");
    let parameters = wide(&format!("/add-driver \"{}\" /install", inf.display()));
    let mut info = SHELLEXECUTEINFOW {
        cbSize: size_of::<SHELLEXECUTEINFOW>() as u32,
        fMask: SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC,
        lpVerb: verb.as_ptr(),
        lpFile: program.as_ptr(),
        lpParameters: parameters.as_ptr(),
        nShow: SW_HIDE,
        ..Default::default()
    };
    // SAFETY: every string in `info` is NUL-terminated and outlives the call.
    if unsafe { ShellExecuteExW(&mut info) } == 0 {
        let error = io::Error::last_os_error();
        return Err(match error.raw_os_error() {
            Some(code) if code == ERROR_CANCELLED as i32 => InstallError::Declined,
            _ => InstallError::NotStarted(error.to_string()),
        });
    }
    if info.hProcess.is_null() {
        return Err(InstallError::NotStarted("no process was started".into()));
    }
    let process = Process(info.hProcess);
    let millis = u32::try_from(deadline.as_millis()).unwrap_or(u32::MAX - 1);
    // SAFETY: the handle is the live process ShellExecuteExW started.
    match unsafe { WaitForSingleObject(process.0, millis) } {
        WAIT_OBJECT_0 => {}
        WAIT_TIMEOUT => return Err(InstallError::TimedOut(deadline)),
        _ => {
            return Err(InstallError::NotStarted(
                io::Error::last_os_error().to_string(),
            ));
        }
    }
    let mut code = 0;
    // SAFETY: as above; the process has ended.
    if unsafe { GetExitCodeProcess(process.0, &mut code) } == 0 {
        return Err(InstallError::NotStarted(
            io::Error::last_os_error().to_string(),
        ));
    }
    pnputil_outcome(code)
}

/// A process handle, closed when dropped.
struct Process(HANDLE);

impl Drop for Process {
    fn drop(&mut self) {
        // SAFETY: the handle came from ShellExecuteExW and is closed once.
        unsafe { CloseHandle(self.0) };
    }
}
