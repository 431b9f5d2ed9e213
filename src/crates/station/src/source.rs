//! Where boards come from: a [`DeviceSource`] watches a bus and opens its boards. The
//! in-process emulator ([`super::demo::DemoSource`]) is one; real USB (rusb) is another.

use std::time::Duration;

use crossbeam_channel::Sender;

use super::{Device, DeviceId};
use dfu::{DfuInterface, Reenumerate, Transport, TransportError};

/// A transport the station can move to a worker thread.
pub type BoxedTransport = Box<dyn Transport + Send>;

/// An opened board, ready for [`dfu::Engine::flash`].
pub struct Connection {
    /// The DFU interface's control transfers, for the engine.
    pub transport: BoxedTransport,
    /// The interface's mode and functional descriptor.
    pub interface: DfuInterface,
    /// Finds the same board again after DETACH (same port path, DFU mode).
    pub reenumerate: Box<dyn Reenumerate<BoxedTransport> + Send>,
}

impl Connection {
    /// Boxes an opened board and the hook that finds it again, for a worker thread.
    pub fn new<T, R>(transport: T, interface: DfuInterface, mut reenumerate: R) -> Connection
    where
        T: Transport + Send + 'static,
        R: Reenumerate<T> + Send + 'static,
    {
        Connection {
            transport: Box::new(transport),
            interface,
            reenumerate: Box::new(move |timeout: Duration| {
                reenumerate
                    .wait_for_dfu_mode(timeout)
                    .map(|(t, i)| (Box::new(t) as BoxedTransport, i))
            }),
        }
    }
}

/// What a source's watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceEvent {
    /// A board appeared (also once for every board present when watching starts).
    Added(Device),
    /// A board left the bus (unplugged, or re-enumerating: it comes back as `Added`).
    Removed(DeviceId),
}

/// A bus of DFU-capable boards. Implementations must not block in [`DeviceSource::watch`];
/// [`DeviceSource::open`] runs on a flash worker thread and may block.
pub trait DeviceSource: Send + Sync {
    /// The source's name, also [`DeviceId::source`] of its boards (`"usb"`, `"demo"`).
    fn name(&self) -> &'static str;

    /// Starts watching on a thread of its own: sends [`SourceEvent::Added`] for every
    /// board present now, then `Added`/`Removed` as boards come and go, until `events`
    /// is disconnected.
    fn watch(&self, events: Sender<SourceEvent>);

    /// Opens the DFU interface of the board at `path`.
    fn open(&self, path: &str) -> Result<Connection, TransportError>;
}
