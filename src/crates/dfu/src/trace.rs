//! The DFU conversation of one flash, as a support request needs it: every request the
//! host sent and what came back, with timings, kept in short form (the first and last
//! block, every change of the device's state and every error, not every block), and
//! logged through the `log` facade as it happens (`-v`: what is kept; `-vv`: every
//! transfer). A [`Traced`] transport wraps any [`Transport`], so the engine itself stays
//! as it is.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{
    Control, DeviceStatus, DfuInterface, Reenumerate, Request, State, Transport, TransportError,
};

/// One request and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// Milliseconds since the trace started.
    pub at_ms: u64,
    /// The DFU request (`DNLOAD`), or `USB RESET`.
    pub request: String,
    /// wValue (the block number of a DNLOAD).
    pub value: u16,
    /// Bytes sent or received.
    pub length: usize,
    /// What came back: `ok`, the status of a GETSTATUS, or the error.
    pub answer: String,
    /// How long the transfer took, in milliseconds.
    pub took_ms: u64,
}

/// The short form of a conversation: [`TraceEntry`]s worth keeping, and how many were
/// left out in between.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// The requests kept, in the order they were sent.
    pub entries: Vec<TraceEntry>,
    /// Requests left out (blocks and polls that changed nothing).
    pub left_out: u64,
    /// The states the device has reported, one bit each.
    #[serde(skip)]
    states_seen: u32,
    #[serde(skip)]
    first_block_seen: bool,
    /// The last requests not kept, until a kept one shows what led to it.
    #[serde(skip)]
    recent: VecDeque<TraceEntry>,
    /// When the first request was sent: entries are timed from it.
    #[serde(skip)]
    started: Option<Instant>,
}

/// At most this many entries are kept; past it, only the last one is.
const MAX_ENTRIES: usize = 400;

/// How many requests before a kept one are kept with it: a whole block (DNLOAD and
/// its GETSTATUS polls), so the last block before the end or an error shows.
const CONTEXT: usize = 3;

/// A transfer that takes this long is kept (an erase, a device slow to answer).
const SLOW_MS: u64 = 500;

impl Trace {
    /// Adds an entry: kept when it is the first block, the final zero-length DNLOAD, a
    /// request other than DNLOAD and GETSTATUS, the first time the device reports a state,
    /// a slow transfer (an erase) or a failure. The request just before a kept one is kept
    /// too (the last [`CONTEXT`]), so that what led to it shows.
    fn add(&mut self, entry: TraceEntry, state: Option<u8>, failed: bool) {
        let dnload = entry.request == Request::Dnload.name();
        let first_block = dnload && entry.length > 0 && !self.first_block_seen;
        self.first_block_seen |= first_block;
        let routine = (dnload && entry.length > 0) || entry.request == Request::GetStatus.name();
        let new_state = state.is_some_and(|s| self.states_seen & (1 << s) == 0);
        if let Some(s) = state {
            self.states_seen |= 1 << s;
        }
        let slow = entry.took_ms >= SLOW_MS;
        let kept = first_block || !routine || new_state || slow || failed;
        if kept && self.entries.len() < MAX_ENTRIES {
            log::debug!("{}", line(&entry));
            self.entries.extend(self.recent.drain(..));
            self.entries.push(entry);
        } else {
            log::trace!("{}", line(&entry));
            if self.recent.len() == CONTEXT {
                self.recent.pop_front();
                self.left_out += 1;
            }
            self.recent.push_back(entry);
        }
    }

    /// The trace as it ends: the last request is kept too.
    pub fn finish(mut self) -> Trace {
        self.entries.extend(self.recent.drain(..));
        self
    }
}

/// One entry as a log line.
pub fn line(entry: &TraceEntry) -> String {
    format!(
        "{:>8} ms  {:<9} wValue={:<5} {:>5} bytes  {} ({} ms)",
        entry.at_ms, entry.request, entry.value, entry.length, entry.answer, entry.took_ms
    )
}

/// A transport that records its conversation into a shared [`Trace`] (one trace can
/// follow a board through DETACH: wrap its new transport with the same trace).
pub struct Traced<T> {
    inner: T,
    trace: Arc<Mutex<Trace>>,
}

impl<T: Transport> Traced<T> {
    /// Wraps `inner`; what it says is added to `trace`.
    pub fn new(inner: T, trace: Arc<Mutex<Trace>>) -> Traced<T> {
        Traced { inner, trace }
    }

    /// Adds a request to the trace with its [`Answer`].
    fn record(&self, request: &str, value: u16, length: usize, began: Instant, answer: Answer) {
        let (answer, state, failed) = answer;
        if let Ok(mut trace) = self.trace.lock() {
            let started = *trace.started.get_or_insert(began);
            let entry = TraceEntry {
                at_ms: began.duration_since(started).as_millis() as u64,
                request: request.to_owned(),
                value,
                length,
                answer,
                took_ms: began.elapsed().as_millis() as u64,
            };
            trace.add(entry, state, failed);
        }
    }
}

/// Finds a board again after DETACH (as `R` does) and wraps its new transport in
/// [`Traced`] with the same trace, so one trace follows the board through DETACH.
pub struct TracedReenumerate<'r, R: ?Sized> {
    inner: &'r mut R,
    trace: Arc<Mutex<Trace>>,
}

impl<'r, R: ?Sized> TracedReenumerate<'r, R> {
    /// Wraps `inner`; the transports it opens record into `trace`.
    pub fn new(inner: &'r mut R, trace: Arc<Mutex<Trace>>) -> TracedReenumerate<'r, R> {
        TracedReenumerate { inner, trace }
    }
}

impl<T: Transport, R: Reenumerate<T> + ?Sized> Reenumerate<Traced<T>> for TracedReenumerate<'_, R> {
    fn wait_for_dfu_mode(
        &mut self,
        timeout: Duration,
    ) -> Result<(Traced<T>, DfuInterface), TransportError> {
        self.inner
            .wait_for_dfu_mode(timeout)
            .map(|(transport, interface)| (Traced::new(transport, self.trace.clone()), interface))
    }
}

/// What came back, in words; the device state it reported, if any; whether it failed.
type Answer = (String, Option<u8>, bool);

/// The answer of a request that returned nothing but success or an error.
fn plain(result: Result<(), &TransportError>) -> Answer {
    match result {
        Ok(()) => ("ok".to_owned(), None, false),
        Err(error) => (format!("failed: {error}"), None, true),
    }
}

fn request_name(request: u8) -> String {
    Request::from_u8(request).map_or_else(|| format!("request {request}"), |r| r.name().into())
}

fn describe_status(reply: &[u8]) -> Answer {
    match DeviceStatus::parse(reply) {
        Ok(status) => (
            format!(
                "{} {} poll {} ms",
                status.state.name(),
                status.status.name(),
                status.poll_timeout.as_millis()
            ),
            Some(status.state as u8),
            status.state == State::DfuError || status.status != super::Status::Ok,
        ),
        Err(error) => (format!("unreadable status: {error}"), None, true),
    }
}

impl<T: Transport> Transport for Traced<T> {
    fn control_out(&mut self, control: Control, data: &[u8]) -> Result<(), TransportError> {
        let began = Instant::now();
        let result = self.inner.control_out(control, data);
        let name = request_name(control.request);
        self.record(
            &name,
            control.value,
            data.len(),
            began,
            plain(result.as_ref().map(|_| ())),
        );
        result
    }

    fn control_in(&mut self, control: Control, buf: &mut [u8]) -> Result<usize, TransportError> {
        let began = Instant::now();
        let result = self.inner.control_in(control, buf);
        let answer = match &result {
            Ok(n) if control.request == Request::GetStatus as u8 => describe_status(&buf[..*n]),
            other => plain(other.as_ref().map(|_| ())),
        };
        let length = *result.as_ref().unwrap_or(&0);
        self.record(
            &request_name(control.request),
            control.value,
            length,
            began,
            answer,
        );
        result
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        let began = Instant::now();
        let result = self.inner.reset();
        self.record("USB RESET", 0, 0, began, plain(result.as_ref().map(|_| ())));
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(request: Request, value: u16, length: usize) -> TraceEntry {
        TraceEntry {
            at_ms: u64::from(value),
            request: request.name().into(),
            value,
            length,
            answer: "ok".into(),
            took_ms: 0,
        }
    }

    #[test]
    fn keeps_the_first_and_last_block_every_new_state_and_every_error() {
        let mut trace = Trace::default();
        let (busy, idle) = (State::DfuDnBusy as u8, State::DfuDnloadIdle as u8);
        for block in 0..100 {
            trace.add(entry(Request::Dnload, block, 64), None, false);
            trace.add(entry(Request::GetStatus, 0, 6), Some(busy), false);
            trace.add(entry(Request::GetStatus, 0, 6), Some(idle), false);
        }
        let mut erase = entry(Request::Dnload, 100, 64);
        erase.took_ms = 4000;
        trace.add(erase, None, false);
        trace.add(entry(Request::Dnload, 101, 64), None, true);
        let trace = trace.finish();
        let kept: Vec<_> = trace
            .entries
            .iter()
            .map(|e| (e.request.as_str(), e.value, e.took_ms))
            .collect();
        assert_eq!(
            kept,
            [
                ("DNLOAD", 0, 0),    // the first block
                ("GETSTATUS", 0, 0), // dfuDNBUSY, first seen
                ("GETSTATUS", 0, 0), // dfuDNLOAD-IDLE, first seen
                ("DNLOAD", 99, 0),   // the last block before the slow one,
                ("GETSTATUS", 0, 0), // with its polls
                ("GETSTATUS", 0, 0),
                ("DNLOAD", 100, 4000), // a slow block (an erase)
                ("DNLOAD", 101, 0),    // the error
            ]
        );
        assert_eq!(trace.left_out, 100 * 3 - 3 - 3);
    }
}
