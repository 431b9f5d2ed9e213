//! One emulated board behind a usbfs device node: answers the ioctls libusb sends with
//! the ROM model, and completes URBs asynchronously, signalled through a FIFO node.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::control::make_fifo;
use super::testbed::{Client, ClientId, ClientMem, IoctlCall, IoctlDevice, Reply};
use crate::Clock;
use crate::emulator::{Board, Setup, TransferEnd};

#[cfg(not(target_pointer_width = "64"))]
compile_error!("the usbfs layouts below are those of 64-bit Linux");

/// usbfs ioctl numbers (x86_64 and other 64-bit Linux ABIs) and `struct usbdevfs_urb`.
mod usbfs {
    pub const RESETEP: u32 = 0x8004_5503;
    pub const SETINTERFACE: u32 = 0x8008_5504;
    pub const SETCONFIGURATION: u32 = 0x8004_5505;
    pub const GETDRIVER: u32 = 0x4104_5508;
    pub const SUBMITURB: u32 = 0x8038_550A;
    pub const DISCARDURB: u32 = 0x550B;
    pub const REAPURB: u32 = 0x4008_550C;
    pub const REAPURBNDELAY: u32 = 0x4008_550D;
    pub const CLAIMINTERFACE: u32 = 0x8004_550F;
    pub const RELEASEINTERFACE: u32 = 0x8004_5510;
    pub const CONNECTINFO: u32 = 0x4008_5511;
    pub const IOCTL: u32 = 0xC010_5512;
    pub const RESET: u32 = 0x5514;
    pub const CLEAR_HALT: u32 = 0x8004_5515;
    pub const GET_CAPABILITIES: u32 = 0x8004_551A;
    pub const DISCONNECT_CLAIM: u32 = 0x8108_551B;
    pub const DROP_PRIVILEGES: u32 = 0x4004_551E;
    pub const GET_SPEED: u32 = 0x551F;

    /// ZERO_PACKET | BULK_CONTINUATION | NO_PACKET_SIZE_LIM.
    pub const CAPABILITIES: u32 = 0x01 | 0x02 | 0x04;
    /// `USB_SPEED_FULL`: the ROM's USB-OTG runs at full speed.
    pub const SPEED_FULL: i64 = 2;

    pub const URB_TYPE_CONTROL: u8 = 2;
    /// `struct usbdevfs_urb` size and field offsets.
    pub const URB_LEN: usize = 56;
    pub const URB_TYPE: usize = 0;
    pub const URB_STATUS: usize = 4;
    pub const URB_BUFFER: usize = 16;
    pub const URB_BUFFER_LENGTH: usize = 24;
    pub const URB_ACTUAL_LENGTH: usize = 28;
    /// The setup packet at the start of a control URB's buffer.
    pub const SETUP_LEN: usize = 8;
}

/// A submitted URB, reapable from `done` on (never while `None`) by the client that
/// submitted it, as usbfs keeps URBs per open file.
struct Urb {
    client: ClientId,
    mem: ClientMem,
    done: Option<Instant>,
    status: i32,
    actual: i32,
    /// Data for an IN transfer, copied after the setup packet when reaped.
    data: Vec<u8>,
}

impl Urb {
    fn is_done(&self, now: Instant) -> bool {
        self.done.is_some_and(|done| done <= now)
    }

    fn finish(&mut self, at: Instant, status: i32) {
        self.done = Some(at);
        self.status = status;
        self.actual = 0;
        self.data.clear();
    }
}

/// The device node: a FIFO kept full (never writable) while no URB is reapable and
/// emptied (writable: POLLOUT, as usbfs signals completions) while one is. A regular
/// file would always be poll-ready and make libusb's event loop spin.
struct Fifo(File);

impl Fifo {
    /// Creates the FIFO at `path`, full.
    fn create(path: &Path) -> io::Result<Fifo> {
        make_fifo(path)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        // The smallest pipe (one page) keeps filling and draining cheap.
        // SAFETY: F_SETPIPE_SZ on a pipe we own; failure only leaves it bigger.
        unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETPIPE_SZ, 4096) };
        let mut fifo = Fifo(file);
        fifo.fill();
        Ok(fifo)
    }

    fn fill(&mut self) {
        let chunk = [0u8; 4096];
        while matches!(self.0.write(&chunk), Ok(n) if n > 0) {}
    }

    fn drain(&mut self) {
        let mut chunk = [0u8; 4096];
        while matches!(self.0.read(&mut chunk), Ok(n) if n > 0) {}
    }
}

struct Inner {
    /// Unplugged or off the bus: every ioctl but reaping what is left fails with ENODEV.
    gone: bool,
    /// The URBs of every client, in submission order.
    urbs: Vec<Urb>,
    /// The clients that opened the node, until they are seen gone.
    clients: Vec<Client>,
    /// `None` when the node is made unopenable (no client can reach us).
    node: Option<Fifo>,
    /// Whether the FIFO is drained (a URB is reapable).
    signalled: bool,
}

/// A board as one enumerated USB device (one device number). Shared between the
/// harness's main loop and umockdev's worker thread.
pub struct UsbDevice {
    board: Board,
    clock: Arc<dyn Clock>,
    devnum: u8,
    /// Wakes the main loop: a completion falls due later, or the device left the bus.
    wake: Sender<()>,
    inner: Mutex<Inner>,
}

impl UsbDevice {
    /// The device `devnum` of `board`, with a FIFO node at `node` (none: the node is
    /// someone else's business, e.g. made unopenable).
    pub fn new(
        board: Board,
        clock: Arc<dyn Clock>,
        devnum: u8,
        node: Option<&Path>,
        wake: Sender<()>,
    ) -> io::Result<UsbDevice> {
        let node = node.map(Fifo::create).transpose()?;
        Ok(UsbDevice {
            board,
            clock,
            devnum,
            wake,
            inner: Mutex::new(Inner {
                gone: false,
                urbs: Vec::new(),
                clients: Vec::new(),
                node,
                signalled: false,
            }),
        })
    }

    /// The harness took the device off the bus (see [`UsbDevice::left_bus`]).
    pub fn disconnect(&self) {
        self.left_bus(&mut self.lock());
    }

    /// Forgets clients that went away, signals URBs that fell due; returns when the
    /// next one falls due.
    pub fn tick(&self, now: Instant) -> Option<Instant> {
        let mut inner = self.lock();
        Self::forget_vanished(&mut inner);
        Self::signal(&mut inner, now);
        inner
            .urbs
            .iter()
            .filter_map(|u| u.done)
            .filter(|&done| done > now)
            .min()
    }

    /// Whether a client still has the node open (as far as the last tick saw).
    pub fn has_clients(&self) -> bool {
        !self.lock().clients.is_empty()
    }

    /// A standard request the kernel sends on the client's behalf, answered at once.
    fn standard(
        &self,
        inner: &mut Inner,
        request_type: u8,
        request: u8,
        value: u16,
        index: u16,
    ) -> Reply {
        let setup = Setup {
            request_type,
            request,
            value,
            index,
            length: 0,
        };
        let outcome = self.board.lock().control_out(&setup, &[], self.clock.now());
        self.settle(inner, outcome)
    }

    /// The ioctl result of a synchronous request.
    fn settle(&self, inner: &mut Inner, outcome: TransferEnd) -> Reply {
        match outcome {
            TransferEnd::Done { .. } => Reply::ok(0),
            TransferEnd::Stall => Reply::err(libc::EPIPE),
            TransferEnd::Never => Reply::err(libc::ETIMEDOUT),
            TransferEnd::Gone => {
                self.left_bus(inner);
                Reply::err(libc::ENODEV)
            }
        }
    }

    fn submit(&self, inner: &mut Inner, call: &IoctlCall<'_>) -> Reply {
        let Some(mem) = call.resolve(usbfs::URB_LEN) else {
            return Reply::err(libc::EFAULT);
        };
        let raw = mem.bytes();
        let kind = raw[usbfs::URB_TYPE];
        let buffer_length = i32::from_ne_bytes(field(raw, usbfs::URB_BUFFER_LENGTH));
        let mut urb = Urb {
            client: call.client_id(),
            mem,
            done: None,
            status: 0,
            actual: 0,
            data: Vec::new(),
        };
        // Only the control endpoint answers; other endpoints never complete (NAK).
        if kind == usbfs::URB_TYPE_CONTROL {
            let Ok(buffer_length) = usize::try_from(buffer_length) else {
                return Reply::err(libc::EINVAL);
            };
            if buffer_length < usbfs::SETUP_LEN {
                return Reply::err(libc::EINVAL);
            }
            let Some(buffer) = urb.mem.resolve(usbfs::URB_BUFFER, buffer_length) else {
                return Reply::err(libc::EFAULT);
            };
            let bytes = buffer.bytes();
            let setup = Setup::from_bytes(&field(bytes, 0));
            let len = usize::from(setup.length).min(buffer_length - usbfs::SETUP_LEN);
            let (now, clock_now) = (Instant::now(), self.clock.now());
            let outcome = {
                let mut rom = self.board.lock();
                if setup.is_in() {
                    urb.data.resize(len, 0);
                    rom.control_in(&setup, &mut urb.data, clock_now)
                } else {
                    let data = &bytes[usbfs::SETUP_LEN..usbfs::SETUP_LEN + len];
                    rom.control_out(&setup, data, clock_now)
                }
            };
            match outcome {
                TransferEnd::Done { len: got, ready_at } => {
                    let done = now + ready_at.saturating_sub(clock_now);
                    urb.done = Some(done);
                    urb.data.truncate(got);
                    urb.actual = if setup.is_in() { got } else { len } as i32;
                    if done > now {
                        // The main loop signals it when it falls due.
                        let _ = self.wake.send(());
                    }
                }
                TransferEnd::Stall => urb.finish(now, -libc::EPIPE),
                TransferEnd::Never => urb.data.clear(),
                TransferEnd::Gone => {
                    // The board dropped off the bus in the middle of the transfer: as
                    // when the harness unplugs it, the URB ends with -ESHUTDOWN.
                    urb.finish(now, -libc::ESHUTDOWN);
                    self.left_bus(inner);
                }
            }
        }
        inner.urbs.push(urb);
        Self::signal(inner, Instant::now());
        Reply::ok(0)
    }

    /// Hands the caller its earliest completed URB (never another client's: its
    /// transfer may be gone, and the URB would be written into the wrong memory).
    fn reap(&self, inner: &mut Inner, call: &IoctlCall<'_>) -> Reply {
        let now = Instant::now();
        let client = call.client_id();
        let next = (inner.urbs.iter().enumerate())
            .filter(|(_, u)| u.client == client && u.is_done(now))
            .min_by_key(|(_, u)| u.done)
            .map(|(i, _)| i);
        let Some(index) = next else {
            if !inner.gone {
                return Reply::err(libc::EAGAIN);
            }
            // Off the bus every URB is done at once, so the client has reaped all of
            // its URBs before it sees ENODEV (libusb then frees its transfers).
            debug_assert!(!inner.urbs.iter().any(|u| u.client == client));
            return Reply::err(libc::ENODEV);
        };
        let Some(mut slot) = call.resolve(8) else {
            return Reply::err(libc::EFAULT);
        };
        let mut urb = inner.urbs.remove(index);
        let raw = urb.mem.bytes_mut();
        raw[usbfs::URB_STATUS..usbfs::URB_STATUS + 4].copy_from_slice(&urb.status.to_ne_bytes());
        raw[usbfs::URB_ACTUAL_LENGTH..usbfs::URB_ACTUAL_LENGTH + 4]
            .copy_from_slice(&urb.actual.to_ne_bytes());
        if !urb.data.is_empty() {
            // The buffer resolved at submission (resolving it again returns that copy).
            if let Some(mut buffer) = urb.mem.resolve(usbfs::URB_BUFFER, 0) {
                let out = &mut buffer.bytes_mut()[usbfs::SETUP_LEN..];
                let len = urb.data.len().min(out.len());
                out[..len].copy_from_slice(&urb.data[..len]);
            }
        }
        // The client's URB pointer goes into `*arg`; the URB and its buffer are written
        // back with it when this ioctl completes.
        slot.set_ptr(0, &urb.mem);
        Self::signal(inner, now);
        Reply::ok(0)
    }

    fn discard(&self, inner: &mut Inner, client: ClientId, addr: u64) -> Reply {
        let now = Instant::now();
        let urb = (inner.urbs.iter_mut())
            .find(|u| u.client == client && u.mem.client_addr() == addr && !u.is_done(now));
        match urb {
            Some(urb) => {
                urb.finish(now, -libc::ENOENT);
                Self::signal(inner, now);
                Reply::ok(0)
            }
            None => Reply::err(libc::EINVAL),
        }
    }

    /// The device left the bus, by itself (DETACH, an unplug fault: the main loop then
    /// takes it out of the testbed) or pulled by the harness: every URB in flight ends
    /// with -ESHUTDOWN now, as the kernel ends them, and later ioctls get ENODEV. None
    /// may complete later: its client may have freed the transfer by then.
    fn left_bus(&self, inner: &mut Inner) {
        inner.gone = true;
        let now = Instant::now();
        for urb in inner.urbs.iter_mut().filter(|u| !u.is_done(now)) {
            urb.finish(now, -libc::ESHUTDOWN);
        }
        Self::signal(inner, now);
        let _ = self.wake.send(());
    }

    /// Drops the URBs of clients that closed the node or died: nobody may reap them,
    /// and a completed one must not keep the node poll-ready. Their ids become free
    /// for later clients only here, when the reference to them goes.
    fn forget_vanished(inner: &mut Inner) {
        let (connected, vanished): (Vec<Client>, Vec<Client>) = std::mem::take(&mut inner.clients)
            .into_iter()
            .partition(Client::is_connected);
        inner.clients = connected;
        for client in vanished {
            inner.urbs.retain(|u| u.client != client.id());
        }
    }

    /// Makes the node poll-ready exactly while a URB is reapable. All clients share the
    /// node, so all of them wake; those with nothing to reap get EAGAIN.
    fn signal(inner: &mut Inner, now: Instant) {
        let reapable = inner.urbs.iter().any(|u| u.is_done(now));
        if reapable == inner.signalled {
            return;
        }
        inner.signalled = reapable;
        if let Some(node) = inner.node.as_mut() {
            if reapable {
                node.drain();
            } else {
                node.fill();
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl IoctlDevice for UsbDevice {
    /// Answers one usbfs ioctl.
    fn answer(&self, call: &IoctlCall<'_>) -> Reply {
        let mut inner = self.lock();
        let request = call.request();
        if inner.gone
            && !matches!(
                request,
                usbfs::REAPURB | usbfs::REAPURBNDELAY | usbfs::DISCARDURB
            )
        {
            return Reply::err(libc::ENODEV);
        }
        match request {
            usbfs::GET_CAPABILITIES => write_arg(call, &usbfs::CAPABILITIES.to_ne_bytes()),
            usbfs::CLAIMINTERFACE
            | usbfs::RELEASEINTERFACE
            | usbfs::DISCONNECT_CLAIM
            | usbfs::CLEAR_HALT
            | usbfs::RESETEP
            | usbfs::DROP_PRIVILEGES => Reply::ok(0),
            // No kernel driver is bound to any interface.
            usbfs::GETDRIVER | usbfs::IOCTL => Reply::err(libc::ENODATA),
            usbfs::CONNECTINFO => {
                let mut info = [0u8; 8];
                info[..4].copy_from_slice(&u32::from(self.devnum).to_ne_bytes());
                write_arg(call, &info)
            }
            usbfs::GET_SPEED => Reply::ok(usbfs::SPEED_FULL),
            usbfs::SETCONFIGURATION => match read_arg::<4>(call) {
                Some(value) => {
                    let value = u32::from_ne_bytes(value) as u16;
                    self.standard(&mut inner, 0x00, 9, value, 0)
                }
                None => Reply::err(libc::EFAULT),
            },
            // struct usbdevfs_setinterface { u32 interface; u32 altsetting; }
            usbfs::SETINTERFACE => match read_arg::<8>(call) {
                Some(raw) => {
                    let interface = u32::from_ne_bytes(field(&raw, 0)) as u16;
                    let alt = u32::from_ne_bytes(field(&raw, 4)) as u16;
                    self.standard(&mut inner, 0x01, 11, alt, interface)
                }
                None => Reply::err(libc::EFAULT),
            },
            usbfs::RESET => {
                let outcome = self.board.lock().bus_reset(self.clock.now());
                self.settle(&mut inner, outcome)
            }
            usbfs::SUBMITURB => self.submit(&mut inner, call),
            // Blocking REAPURB is answered like REAPURBNDELAY (libusb never blocks).
            usbfs::REAPURB | usbfs::REAPURBNDELAY => self.reap(&mut inner, call),
            usbfs::DISCARDURB => self.discard(&mut inner, call.client_id(), call.arg()),
            _ => Reply::err(libc::ENOTTY),
        }
    }

    fn connected(&self, client: Client) {
        self.lock().clients.push(client);
    }
}

/// `N` bytes at `offset`.
fn field<const N: usize>(bytes: &[u8], offset: usize) -> [u8; N] {
    bytes[offset..offset + N].try_into().expect("N bytes")
}

/// The `N` bytes the argument points to.
fn read_arg<const N: usize>(call: &IoctlCall<'_>) -> Option<[u8; N]> {
    Some(field(call.resolve(N)?.bytes(), 0))
}

/// Writes `bytes` to the struct the argument points to.
fn write_arg(call: &IoctlCall<'_>, bytes: &[u8]) -> Reply {
    match call.resolve(bytes.len()) {
        Some(mut mem) => {
            mem.bytes_mut().copy_from_slice(bytes);
            Reply::ok(0)
        }
        None => Reply::err(libc::EFAULT),
    }
}
