//! Hand-written bindings to the few functions of libumockdev (0.17), GObject and GLib
//! the harness calls (header `umockdev-1.0/umockdev.h`, `pkg-config umockdev-1.0`).

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

pub type gboolean = c_int;

/// `GError`.
#[repr(C)]
pub struct GError {
    pub domain: u32,
    pub code: c_int,
    pub message: *mut c_char,
}

/// `GObject`: the instance header every object below starts with.
#[repr(C)]
pub struct GObject {
    g_type_instance: *mut c_void,
    ref_count: c_uint,
    qdata: *mut c_void,
}

/// `UMockdevTestbed` (opaque).
#[repr(C)]
pub struct UMockdevTestbed {
    _opaque: [u8; 0],
}

/// `UMockdevIoctlBase` (opaque).
#[repr(C)]
pub struct UMockdevIoctlBase {
    _opaque: [u8; 0],
}

/// `UMockdevIoctlClient` (opaque).
#[repr(C)]
pub struct UMockdevIoctlClient {
    _opaque: [u8; 0],
}

/// `UMockdevIoctlData`: a local copy of client memory; its fields are public in the header.
#[repr(C)]
pub struct UMockdevIoctlData {
    parent_instance: GObject,
    /// The local copy.
    pub data: *mut u8,
    pub data_len: c_int,
    /// Where the copy lives in the client (a `gulong`: 64 bits on the LP64 targets the
    /// harness supports).
    pub client_addr: u64,
    private: *mut c_void,
}

/// The "handle-ioctl" signal handler of a `UMockdevIoctlBase`.
pub type HandleIoctl = unsafe extern "C" fn(
    base: *mut UMockdevIoctlBase,
    client: *mut UMockdevIoctlClient,
    user_data: *mut c_void,
) -> gboolean;

/// The "client-connected" signal handler of a `UMockdevIoctlBase`.
pub type ClientConnected = unsafe extern "C" fn(
    base: *mut UMockdevIoctlBase,
    client: *mut UMockdevIoctlClient,
    user_data: *mut c_void,
);

/// `GClosureNotify`: frees a signal handler's user data.
pub type ClosureNotify = unsafe extern "C" fn(data: *mut c_void, closure: *mut c_void);

#[link(name = "umockdev")]
unsafe extern "C" {
    pub fn umockdev_testbed_new() -> *mut UMockdevTestbed;
    pub fn umockdev_testbed_get_root_dir(testbed: *mut UMockdevTestbed) -> *mut c_char;
    pub fn umockdev_testbed_add_from_string(
        testbed: *mut UMockdevTestbed,
        data: *const c_char,
        error: *mut *mut GError,
    ) -> gboolean;
    pub fn umockdev_testbed_remove_device(testbed: *mut UMockdevTestbed, syspath: *const c_char);
    pub fn umockdev_testbed_uevent(
        testbed: *mut UMockdevTestbed,
        devpath: *const c_char,
        action: *const c_char,
    );
    pub fn umockdev_testbed_attach_ioctl(
        testbed: *mut UMockdevTestbed,
        dev: *const c_char,
        handler: *mut UMockdevIoctlBase,
        error: *mut *mut GError,
    ) -> gboolean;
    pub fn umockdev_testbed_detach_ioctl(
        testbed: *mut UMockdevTestbed,
        dev: *const c_char,
        error: *mut *mut GError,
    ) -> gboolean;
    pub fn umockdev_in_mock_environment() -> gboolean;

    pub fn umockdev_ioctl_base_new() -> *mut UMockdevIoctlBase;

    pub fn umockdev_ioctl_client_get_request(client: *mut UMockdevIoctlClient) -> c_ulong;
    pub fn umockdev_ioctl_client_get_arg(
        client: *mut UMockdevIoctlClient,
    ) -> *mut UMockdevIoctlData;
    pub fn umockdev_ioctl_client_get_connected(client: *mut UMockdevIoctlClient) -> gboolean;
    pub fn umockdev_ioctl_client_complete(
        client: *mut UMockdevIoctlClient,
        res: c_long,
        errno_: c_int,
    );

    pub fn umockdev_ioctl_data_resolve(
        data: *mut UMockdevIoctlData,
        offset: usize,
        len: usize,
        error: *mut *mut GError,
    ) -> *mut UMockdevIoctlData;
    pub fn umockdev_ioctl_data_set_ptr(
        data: *mut UMockdevIoctlData,
        offset: usize,
        child: *mut UMockdevIoctlData,
    ) -> gboolean;
}

#[link(name = "gobject-2.0")]
unsafe extern "C" {
    pub fn g_signal_connect_data(
        instance: *mut c_void,
        detailed_signal: *const c_char,
        handler: *const c_void,
        data: *mut c_void,
        destroy_data: Option<ClosureNotify>,
        connect_flags: c_int,
    ) -> c_ulong;
    pub fn g_object_ref(object: *mut c_void) -> *mut c_void;
    pub fn g_object_unref(object: *mut c_void);
}

#[link(name = "glib-2.0")]
unsafe extern "C" {
    pub fn g_free(mem: *mut c_void);
    pub fn g_error_free(error: *mut GError);
    pub fn g_quark_to_string(quark: u32) -> *const c_char;
    #[cfg(test)]
    pub fn g_quark_from_string(string: *const c_char) -> u32;
    #[cfg(test)]
    pub fn g_error_new_literal(domain: u32, code: c_int, message: *const c_char) -> *mut GError;
}
