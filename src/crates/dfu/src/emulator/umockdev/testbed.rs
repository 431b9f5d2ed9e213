//! Safe wrappers over the umockdev C API: the testbed, ioctl handlers and the client
//! memory an ioctl points to.

use std::ffi::{CStr, CString, c_void};
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};
use std::sync::Arc;

use super::{HarnessError, ffi};

/// A umockdev testbed: a private sysfs, `/dev` and uevent bus that processes started
/// under `umockdev-wrapper` (and their children) see instead of the real ones.
/// Used from the thread that created it only.
pub struct Testbed {
    ptr: NonNull<ffi::UMockdevTestbed>,
    root: PathBuf,
}

impl Testbed {
    /// Creates the testbed (and sets `$UMOCKDEV_DIR` for child processes). Fails when
    /// this process does not run under `umockdev-wrapper`.
    pub fn new() -> Result<Testbed, HarnessError> {
        // SAFETY: no arguments; returns a new reference (umockdev aborts on failure).
        let ptr = NonNull::new(unsafe { ffi::umockdev_testbed_new() }).ok_or(
            HarnessError::CallFailed {
                call: "umockdev_testbed_new",
            },
        )?;
        // SAFETY: `ptr` is a live testbed; the returned string is ours to free.
        let root = unsafe { take_gstring(ffi::umockdev_testbed_get_root_dir(ptr.as_ptr())) };
        let testbed = Testbed {
            ptr,
            root: PathBuf::from(root),
        };
        // Only meaningful once a testbed exists.
        // SAFETY: no arguments.
        if unsafe { ffi::umockdev_in_mock_environment() } == 0 {
            return Err(HarnessError::NoPreload);
        }
        Ok(testbed)
    }

    /// The testbed's directory (its `dev/` holds the device nodes).
    pub fn root_dir(&self) -> &Path {
        &self.root
    }

    /// Adds devices from a umockdev record (`P:`, `E:`, `A:`, `H:` lines); umockdev sends
    /// their "add" uevents.
    pub fn add_from_string(&self, record: &str) -> Result<(), HarnessError> {
        let record = cstring(record)?;
        let mut error = ptr::null_mut();
        // SAFETY: live testbed, NUL-terminated string, `error` is a valid out pointer.
        let ok = unsafe {
            ffi::umockdev_testbed_add_from_string(self.ptr.as_ptr(), record.as_ptr(), &mut error)
        };
        // SAFETY: `error` is null or a GError umockdev gave us.
        unsafe { check("umockdev_testbed_add_from_string", ok, error) }
    }

    /// Removes a device's sysfs directory (send the "remove" uevent first).
    pub fn remove_device(&self, syspath: &str) -> Result<(), HarnessError> {
        let syspath = cstring(syspath)?;
        // SAFETY: live testbed, NUL-terminated string.
        unsafe { ffi::umockdev_testbed_remove_device(self.ptr.as_ptr(), syspath.as_ptr()) };
        Ok(())
    }

    /// Sends a uevent ("add", "remove", "change") for a device.
    pub fn uevent(&self, syspath: &str, action: &str) -> Result<(), HarnessError> {
        let (syspath, action) = (cstring(syspath)?, cstring(action)?);
        // SAFETY: live testbed, NUL-terminated strings.
        unsafe {
            ffi::umockdev_testbed_uevent(self.ptr.as_ptr(), syspath.as_ptr(), action.as_ptr())
        };
        Ok(())
    }

    /// Routes the ioctls of clients that open `devnode` (e.g. `/dev/bus/usb/001/002`) to
    /// `handler`, on umockdev's worker thread.
    pub fn attach_ioctl(&self, devnode: &str, handler: &IoctlHandler) -> Result<(), HarnessError> {
        let devnode = cstring(devnode)?;
        let mut error = ptr::null_mut();
        // SAFETY: live testbed and handler (the testbed takes its own reference),
        // NUL-terminated string, valid out pointer.
        let ok = unsafe {
            ffi::umockdev_testbed_attach_ioctl(
                self.ptr.as_ptr(),
                devnode.as_ptr(),
                handler.ptr.as_ptr(),
                &mut error,
            )
        };
        // SAFETY: `error` is null or a GError umockdev gave us.
        unsafe { check("umockdev_testbed_attach_ioctl", ok, error) }
    }

    /// Stops accepting new clients for `devnode` (clients already connected stay).
    pub fn detach_ioctl(&self, devnode: &str) -> Result<(), HarnessError> {
        let devnode = cstring(devnode)?;
        let mut error = ptr::null_mut();
        // SAFETY: live testbed, NUL-terminated string, valid out pointer.
        let ok = unsafe {
            ffi::umockdev_testbed_detach_ioctl(self.ptr.as_ptr(), devnode.as_ptr(), &mut error)
        };
        // SAFETY: `error` is null or a GError umockdev gave us.
        unsafe { check("umockdev_testbed_detach_ioctl", ok, error) }
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        // SAFETY: we own one reference; umockdev removes the testbed directory.
        unsafe { ffi::g_object_unref(self.ptr.as_ptr().cast()) };
    }
}

/// How an ioctl returns to the client: the return value and errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    pub result: i64,
    pub errno: i32,
}

impl Reply {
    /// Success with return value `result`.
    pub fn ok(result: i64) -> Reply {
        Reply { result, errno: 0 }
    }

    /// Failure: -1 and `errno`.
    pub fn err(errno: i32) -> Reply {
        Reply { result: -1, errno }
    }
}

/// What answers the usbfs clients of a device node.
pub trait IoctlDevice: Send + Sync + 'static {
    /// Answers one ioctl (umockdev's worker thread).
    fn answer(&self, call: &IoctlCall<'_>) -> Reply;
    /// A client opened the node (worker thread, before its first ioctl).
    fn connected(&self, client: Client);
}

/// Which client (open file of a device node) an ioctl came from: the
/// `UMockdevIoctlClient` pointer, unique while a [`Client`] for it is alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId(usize);

/// A reference to a client: keeps its object, and so its [`ClientId`], from being
/// reused by a later client. umockdev 0.17 neither emits "client-vanished" nor
/// notifies "connected", so whoever holds this asks [`Client::is_connected`].
pub struct Client {
    ptr: NonNull<ffi::UMockdevIoctlClient>,
}

// SAFETY: GObject reference counting is atomic, and `is_connected` only reads whether
// the client's stream is closed.
unsafe impl Send for Client {}

impl Client {
    /// The id its ioctls carry ([`IoctlCall::client_id`]).
    pub fn id(&self) -> ClientId {
        ClientId(self.ptr.as_ptr() as usize)
    }

    /// False once the client closed the node (or its process ended) and umockdev saw it.
    pub fn is_connected(&self) -> bool {
        // SAFETY: we hold a reference to the live client.
        unsafe { ffi::umockdev_ioctl_client_get_connected(self.ptr.as_ptr()) != 0 }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { ffi::g_object_unref(self.ptr.as_ptr().cast()) };
    }
}

/// A `UMockdevIoctlBase` whose signals call an [`IoctlDevice`]: "client-connected"
/// hands it each new client, "handle-ioctl" has it answer every ioctl of the device
/// nodes it is attached to.
pub struct IoctlHandler {
    ptr: NonNull<ffi::UMockdevIoctlBase>,
}

impl IoctlHandler {
    /// A handler calling `device` on umockdev's worker thread.
    pub fn new<D: IoctlDevice>(device: Arc<D>) -> IoctlHandler {
        // SAFETY: no arguments; returns a new reference.
        let ptr = NonNull::new(unsafe { ffi::umockdev_ioctl_base_new() })
            .expect("umockdev_ioctl_base_new returned NULL");
        let answer: ffi::HandleIoctl = answer_ioctl::<D>;
        let connected: ffi::ClientConnected = client_connected::<D>;
        // SAFETY: both handlers have their signal's C signature and take the
        // `Box<Arc<D>>` that `connect` leaks.
        unsafe {
            connect(ptr.as_ptr(), c"handle-ioctl", answer as _, device.clone());
            connect(ptr.as_ptr(), c"client-connected", connected as _, device);
        }
        IoctlHandler { ptr }
    }
}

impl Drop for IoctlHandler {
    fn drop(&mut self) {
        // SAFETY: we own one reference (the testbed and connected clients hold theirs).
        unsafe { ffi::g_object_unref(self.ptr.as_ptr().cast()) };
    }
}

/// Connects `handler` to `signal` of `base` with its own reference to `device`, freed
/// when the handler object dies.
///
/// # Safety
/// `base` must be live, and `handler` a function of the signal's C signature whose
/// user data is a `*const Arc<D>`.
unsafe fn connect<D: IoctlDevice>(
    base: *mut ffi::UMockdevIoctlBase,
    signal: &CStr,
    handler: *const c_void,
    device: Arc<D>,
) {
    let data = Box::into_raw(Box::new(device));
    // SAFETY: per the contract; `drop_device::<D>` frees `data`, once.
    unsafe {
        ffi::g_signal_connect_data(
            base.cast(),
            signal.as_ptr(),
            handler,
            data.cast(),
            Some(drop_device::<D>),
            0,
        );
    }
}

/// "handle-ioctl": answers one ioctl and completes it (a panic answers EIO instead of
/// hanging the client).
unsafe extern "C" fn answer_ioctl<D: IoctlDevice>(
    _base: *mut ffi::UMockdevIoctlBase,
    client: *mut ffi::UMockdevIoctlClient,
    data: *mut c_void,
) -> ffi::gboolean {
    // SAFETY: `data` is the `Box<Arc<D>>` leaked in `connect`, alive as long as the
    // signal handler is connected; `client` is valid for the duration of the signal.
    let device = unsafe { &*data.cast::<Arc<D>>() };
    let call = IoctlCall {
        client,
        _call: PhantomData,
    };
    let reply =
        catch_unwind(AssertUnwindSafe(|| device.answer(&call))).unwrap_or(Reply::err(libc::EIO));
    // SAFETY: the ioctl is not completed yet; completing it exactly once is required.
    unsafe { ffi::umockdev_ioctl_client_complete(client, reply.result as _, reply.errno) };
    1
}

/// "client-connected": hands the device a reference to the new client.
unsafe extern "C" fn client_connected<D: IoctlDevice>(
    _base: *mut ffi::UMockdevIoctlBase,
    client: *mut ffi::UMockdevIoctlClient,
    data: *mut c_void,
) {
    // SAFETY: `data` is the `Box<Arc<D>>` leaked in `connect`; `client` is a live
    // object, and the reference taken here is the `Client`'s to release.
    let (device, client) = unsafe {
        ffi::g_object_ref(client.cast());
        (
            &*data.cast::<Arc<D>>(),
            Client {
                ptr: NonNull::new_unchecked(client),
            },
        )
    };
    let _ = catch_unwind(AssertUnwindSafe(|| device.connected(client)));
}

/// Frees a signal handler's reference to its device when the handler object dies.
unsafe extern "C" fn drop_device<D>(data: *mut c_void, _closure: *mut c_void) {
    // SAFETY: `data` is the `Box<Arc<D>>` leaked in `connect`, freed only here.
    drop(unsafe { Box::from_raw(data.cast::<Arc<D>>()) });
}

/// One ioctl being answered.
pub struct IoctlCall<'a> {
    client: *mut ffi::UMockdevIoctlClient,
    _call: PhantomData<&'a ()>,
}

impl IoctlCall<'_> {
    /// The client that sent it.
    pub fn client_id(&self) -> ClientId {
        ClientId(self.client as usize)
    }

    /// The ioctl request number.
    pub fn request(&self) -> u32 {
        // SAFETY: the client is valid during the call. Requests are 32-bit.
        unsafe { ffi::umockdev_ioctl_client_get_request(self.client) as u32 }
    }

    /// The raw argument (a client pointer or an integer).
    pub fn arg(&self) -> u64 {
        let arg = self.arg_data();
        // SAFETY: the argument data is a live 8-byte buffer holding the raw argument.
        unsafe {
            debug_assert!((*arg).data_len >= 8);
            (*arg).data.cast::<u64>().read_unaligned()
        }
    }

    /// The `len` bytes of client memory the argument points to (`None` for NULL).
    pub fn resolve(&self, len: usize) -> Option<ClientMem> {
        // SAFETY: the argument data is valid during the call.
        unsafe { ClientMem::resolve_in(self.arg_data(), 0, len) }
    }

    fn arg_data(&self) -> *mut ffi::UMockdevIoctlData {
        // SAFETY: the client is valid during the call; the data is owned by the client.
        unsafe { ffi::umockdev_ioctl_client_get_arg(self.client) }
    }
}

/// A local copy of client memory (a `UMockdevIoctlData` reference). Changes are written
/// back to the client when the ioctl it was resolved in (or linked into with
/// [`ClientMem::set_ptr`]) completes.
pub struct ClientMem {
    ptr: NonNull<ffi::UMockdevIoctlData>,
}

// SAFETY: GObject reference counting is atomic, and the harness touches the copy only
// while holding its device's lock, so accesses never overlap.
unsafe impl Send for ClientMem {}

impl ClientMem {
    /// The client address of this memory.
    pub fn client_addr(&self) -> u64 {
        // SAFETY: `ptr` is a live IoctlData.
        unsafe { (*self.ptr.as_ptr()).client_addr }
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `data` holds `data_len` bytes owned by the live IoctlData.
        unsafe {
            let data = &*self.ptr.as_ptr();
            std::slice::from_raw_parts(data.data, data.data_len.max(0) as usize)
        }
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; `&mut self` makes this the only view.
        unsafe {
            let data = &*self.ptr.as_ptr();
            std::slice::from_raw_parts_mut(data.data, data.data_len.max(0) as usize)
        }
    }

    /// The `len` bytes the pointer at `offset` points to (`None` for NULL).
    pub fn resolve(&self, offset: usize, len: usize) -> Option<ClientMem> {
        // SAFETY: `ptr` is a live IoctlData.
        unsafe { ClientMem::resolve_in(self.ptr.as_ptr(), offset, len) }
    }

    /// Makes the pointer at `offset` point to `child` (written back as the child's
    /// client address, the child's own changes with it).
    pub fn set_ptr(&mut self, offset: usize, child: &ClientMem) {
        // SAFETY: both are live IoctlData; umockdev takes its own reference to `child`.
        unsafe { ffi::umockdev_ioctl_data_set_ptr(self.ptr.as_ptr(), offset, child.ptr.as_ptr()) };
    }

    /// # Safety
    /// `parent` must be a live `UMockdevIoctlData`.
    unsafe fn resolve_in(
        parent: *mut ffi::UMockdevIoctlData,
        offset: usize,
        len: usize,
    ) -> Option<ClientMem> {
        if offset + 8 > unsafe { (*parent).data_len.max(0) as usize } {
            return None;
        }
        let mut error = ptr::null_mut();
        // SAFETY: live parent, offset within its data, valid out pointer; the result is
        // a new reference (or NULL).
        let child = unsafe { ffi::umockdev_ioctl_data_resolve(parent, offset, len, &mut error) };
        if !error.is_null() {
            // SAFETY: a GError umockdev gave us.
            unsafe { ffi::g_error_free(error) };
        }
        NonNull::new(child).map(|ptr| ClientMem { ptr })
    }
}

impl Drop for ClientMem {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { ffi::g_object_unref(self.ptr.as_ptr().cast()) };
    }
}

/// Converts a string for C.
fn cstring(text: &str) -> Result<CString, HarnessError> {
    CString::new(text).map_err(|source| HarnessError::Nul {
        text: text.to_owned(),
        source,
    })
}

/// Takes ownership of a GLib string.
///
/// # Safety
/// `raw` must be NULL or a NUL-terminated string allocated by GLib, not used afterwards.
unsafe fn take_gstring(raw: *mut std::ffi::c_char) -> String {
    if raw.is_null() {
        return String::new();
    }
    // SAFETY: per the contract.
    let text = unsafe { CStr::from_ptr(raw) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: GLib allocated it; nobody uses it after this.
    unsafe { ffi::g_free(raw.cast()) };
    text
}

/// `Ok` if umockdev reported success from `call`, else its error: the GError's domain,
/// code and message.
///
/// # Safety
/// `error` must be NULL or a GError owned by the caller, not used afterwards.
unsafe fn check(
    call: &'static str,
    ok: ffi::gboolean,
    error: *mut ffi::GError,
) -> Result<(), HarnessError> {
    if error.is_null() {
        return if ok != 0 {
            Ok(())
        } else {
            Err(HarnessError::CallFailed { call })
        };
    }
    // SAFETY: a valid GError with a NUL-terminated message; GLib keeps the quark's
    // string for the life of the process.
    let (domain, code, message) = unsafe {
        let domain = ffi::g_quark_to_string((*error).domain);
        (
            if domain.is_null() {
                format!("quark {}", (*error).domain)
            } else {
                CStr::from_ptr(domain).to_string_lossy().into_owned()
            },
            (*error).code,
            CStr::from_ptr((*error).message)
                .to_string_lossy()
                .into_owned(),
        )
    };
    // SAFETY: we own it.
    unsafe { ffi::g_error_free(error) };
    Err(HarnessError::GLib {
        call,
        domain,
        code,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gerror_keeps_its_domain_code_and_message() {
        // SAFETY: NUL-terminated strings; the new GError is handed to `check`, which
        // frees it.
        let result = unsafe {
            let domain = ffi::g_quark_from_string(c"g-file-error-quark".as_ptr());
            let error = ffi::g_error_new_literal(domain, 4, c"No such file".as_ptr());
            check("umockdev_testbed_add_from_string", 0, error)
        };
        let error = result.unwrap_err();
        assert!(
            matches!(
                &error,
                HarnessError::GLib { call: "umockdev_testbed_add_from_string", domain, code: 4, message }
                    if domain == "g-file-error-quark" && message == "No such file"
            ),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "umockdev_testbed_add_from_string failed: No such file (g-file-error-quark error 4)"
        );
        // SAFETY: no GError to free.
        let silent = unsafe { check("umockdev_testbed_detach_ioctl", 0, ptr::null_mut()) };
        assert_eq!(
            silent.unwrap_err().to_string(),
            "umockdev_testbed_detach_ioctl failed without saying why"
        );
    }
}
