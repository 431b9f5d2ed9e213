//! A thread reporting DFU interfaces as they come and go: libusb hotplug where the
//! platform has it, otherwise a scan every [`POLL_INTERVAL`] diffed against the last.

use std::collections::HashMap;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TryRecvError, unbounded};
use rusb::{Context, Device, Hotplug, HotplugBuilder, UsbContext};

use super::{DfuTarget, Usb, targets_of};

/// Setting this environment variable to `1` makes [`WatchMode::from_env`] poll, as on
/// Windows, where libusb has no hotplug.
pub const POLL_ENV: &str = "DFU_STATION_USB_POLL";

/// How often the polling watcher scans the bus.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How long one libusb event wait lasts before the hotplug thread checks for shutdown.
const EVENT_WAIT: Duration = Duration::from_millis(500);

/// A DFU interface appeared or went away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsbEvent {
    /// A DFU interface appeared.
    Added(DfuTarget),
    /// A DFU interface went away (as it was listed).
    Removed(DfuTarget),
}

/// How the watcher learns about changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// libusb hotplug if the platform supports it, else polling.
    Auto,
    /// Scan every [`POLL_INTERVAL`] (Windows' path, forced for testing it elsewhere).
    Polling,
}

impl WatchMode {
    /// [`WatchMode::Polling`] when [`POLL_ENV`] is `1`, else [`WatchMode::Auto`].
    pub fn from_env() -> WatchMode {
        WatchMode::from_setting(std::env::var(POLL_ENV).ok().as_deref())
    }

    /// The mode a value of [`POLL_ENV`] (if set) asks for.
    fn from_setting(value: Option<&str>) -> WatchMode {
        match value {
            Some("1") => WatchMode::Polling,
            _ => WatchMode::Auto,
        }
    }
}

/// The watcher thread. It first reports every interface already present as
/// [`UsbEvent::Added`]. Dropping it stops the thread and waits for it.
pub struct Watcher {
    events: Receiver<UsbEvent>,
    stop: Option<Sender<()>>,
    context: Context,
    thread: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Starts watching on `usb`'s libusb session. Where hotplug cannot be registered,
    /// it polls instead: boards must show up either way.
    pub fn start(usb: Usb, mode: WatchMode) -> Watcher {
        let (events_tx, events) = unbounded();
        let (stop, stop_rx) = unbounded();
        let context = usb.context.clone();
        let (changes_tx, changes) = unbounded();
        // Registering fails (NotSupported) where libusb has no hotplug. Not asked first
        // with `rusb::has_hotplug()`: that starts rusb's global libusb context, which
        // nobody serves; libusb queues every board's arrival and departure there, holding
        // the device (~600 bytes a plug and unplug), for ever.
        let registration = (mode == WatchMode::Auto)
            .then(|| {
                HotplugBuilder::new()
                    .enumerate(true)
                    .register(&usb.context, Box::new(Changes(changes_tx)))
                    .ok()
            })
            .flatten();
        let thread = match registration {
            Some(registration) => std::thread::spawn(move || {
                let _registration = registration;
                hotplug_loop(&usb, &changes, &events_tx, &stop_rx);
            }),
            None => std::thread::spawn(move || poll_loop(&usb, &events_tx, &stop_rx)),
        };
        Watcher {
            events,
            stop: Some(stop),
            context,
            thread: Some(thread),
        }
    }

    /// The events, in order.
    pub fn events(&self) -> &Receiver<UsbEvent> {
        &self.events
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        self.context.interrupt_handle_events();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the hotplug callback passes on: it may not read descriptors itself.
enum Change {
    Arrived(Device<Context>),
    Left(Device<Context>),
}

struct Changes(Sender<Change>);

impl Hotplug<Context> for Changes {
    fn device_arrived(&mut self, device: Device<Context>) {
        let _ = self.0.send(Change::Arrived(device));
    }
    fn device_left(&mut self, device: Device<Context>) {
        let _ = self.0.send(Change::Left(device));
    }
}

fn stopped(stop: &Receiver<()>) -> bool {
    !matches!(stop.try_recv(), Err(TryRecvError::Empty))
}

fn hotplug_loop(
    usb: &Usb,
    changes: &Receiver<Change>,
    events: &Sender<UsbEvent>,
    stop: &Receiver<()>,
) {
    // What each device (bus, address) was reported with, to report it again on leaving.
    let mut present: HashMap<(u8, u8), Vec<DfuTarget>> = HashMap::new();
    loop {
        for change in changes.try_iter() {
            let reported = match change {
                Change::Arrived(device) => {
                    let targets = targets_of(&device);
                    let added = targets.iter().cloned().map(UsbEvent::Added).collect();
                    present.insert((device.bus_number(), device.address()), targets);
                    added
                }
                Change::Left(device) => present
                    .remove(&(device.bus_number(), device.address()))
                    .unwrap_or_default()
                    .into_iter()
                    .map(UsbEvent::Removed)
                    .collect(),
            };
            if !send_all(events, reported) {
                return;
            }
        }
        if stopped(stop) {
            return;
        }
        if usb.context.handle_events(Some(EVENT_WAIT)).is_err() {
            // Not expected; avoid spinning if libusb keeps failing.
            if stop.recv_timeout(EVENT_WAIT).is_ok() {
                return;
            }
        }
    }
}

fn poll_loop(usb: &Usb, events: &Sender<UsbEvent>, stop: &Receiver<()>) {
    let mut known: Vec<DfuTarget> = Vec::new();
    loop {
        // A failed scan (USB gone) keeps the last known list rather than removing all.
        if let Ok(now) = usb.list_known(&known) {
            let (reported, current) = diff(known, now);
            known = current;
            if !send_all(events, reported) {
                return;
            }
        }
        match stop.recv_timeout(POLL_INTERVAL) {
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            _ => return,
        }
    }
}

/// Events turning `before` into `now`, and the list to remember (interfaces already
/// known keep the identity they were reported with).
fn diff(before: Vec<DfuTarget>, now: Vec<DfuTarget>) -> (Vec<UsbEvent>, Vec<DfuTarget>) {
    let (kept, gone): (Vec<_>, Vec<_>) = before
        .into_iter()
        .partition(|old| now.iter().any(|new| new.same_interface(old)));
    let mut events: Vec<_> = gone.into_iter().map(UsbEvent::Removed).collect();
    let mut current = kept;
    for new in now {
        if !current.iter().any(|old| old.same_interface(&new)) {
            events.push(UsbEvent::Added(new.clone()));
            current.push(new);
        }
    }
    (events, current)
}

/// Sends `events`; false once nobody listens any more.
fn send_all(sender: &Sender<UsbEvent>, events: Vec<UsbEvent>) -> bool {
    events.into_iter().all(|event| sender.send(event).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::tests::esp_runtime;

    #[test]
    fn diff_reports_arrivals_and_departures_once() {
        let a = esp_runtime("1-1", 5);
        let b = esp_runtime("1-2", 6);
        let (events, known) = diff(Vec::new(), vec![a.clone(), b.clone()]);
        assert_eq!(
            events,
            [UsbEvent::Added(a.clone()), UsbEvent::Added(b.clone())]
        );
        let (events, known) = diff(known, vec![a.clone(), b.clone()]);
        assert!(events.is_empty());

        // b re-enumerates (new address) while a leaves.
        let mut b2 = b.clone();
        b2.devnum = 7;
        let (events, known) = diff(known, vec![b2.clone()]);
        assert_eq!(
            events,
            [
                UsbEvent::Removed(a),
                UsbEvent::Removed(b),
                UsbEvent::Added(b2.clone())
            ]
        );
        assert_eq!(known, [b2]);
    }

    #[test]
    fn a_changed_string_is_not_a_new_interface() {
        let a = esp_runtime("1-1", 5);
        let mut unreadable = a.clone();
        unreadable.serial = crate::UNKNOWN.into();
        let (events, known) = diff(vec![a.clone()], vec![unreadable]);
        assert!(events.is_empty());
        assert_eq!(known, [a]);
    }

    #[test]
    fn poll_env_set_to_1_forces_polling() {
        // Not by setting the variable: libusb reads the environment on other threads.
        assert_eq!(WatchMode::from_setting(Some("1")), WatchMode::Polling);
        assert_eq!(WatchMode::from_setting(Some("0")), WatchMode::Auto);
        assert_eq!(WatchMode::from_setting(None), WatchMode::Auto);
    }

    #[test]
    fn watcher_starts_and_stops_cleanly() {
        // libusb starts without any USB bus too (CI has none): it then lists nothing.
        let usb = Usb::new().expect("libusb starts");
        for mode in [WatchMode::Polling, WatchMode::Auto] {
            let watcher = usb.watch(mode);
            let _ = watcher.events().recv_timeout(Duration::from_millis(50));
            drop(watcher);
        }
    }
}
