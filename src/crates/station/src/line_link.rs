//! The station's link to the line's store: one thread that owns the connection. It sends
//! the production log's records in order (the log is the outbox: see
//! [`crate::records::outbox`]), claims units for the boards that need one, and says how
//! the line stands. Nothing waits on the network but that thread and, for its claim only,
//! a board's own flash worker, each with a deadline: the station thread and the window
//! never do.
//!
//! While the store cannot be reached, the thread tries again every [`RETRY`]; records
//! wait in the log, and a station with per-board data claims nothing. Once the store is
//! back, the waiting records go first, oldest first; then (once per start) the units this
//! station claimed before it stopped and never confirmed are spent, never given again;
//! only then are claims served.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};

use crate::records::outbox::{Outbox, OutboxError};
use crate::records::production_log::{Record, new_record_id};
use dfu::CANCEL_CHECK;
use failure::{Code, Failure};
use line::{
    CONNECT_LIMIT, Claimant, Claimed, LineError, LineRecord, LineTotals, QUERY_LIMIT, Store,
    StoreConfig, UnitCount,
};

/// How often the link tries the store again while it cannot be reached.
pub const RETRY: Duration = Duration::from_secs(2);

/// How often the link asks the store how the line stands (and so finds it gone while
/// nothing else is sent).
pub const POLL: Duration = Duration::from_secs(3);

/// The longest a board waits for its claim: a batch of records being sent, then the
/// claim itself, each within [`QUERY_LIMIT`].
pub const CLAIM_WAIT: Duration = Duration::from_secs(2 * QUERY_LIMIT.as_secs() + 1);

/// Records sent in one transaction.
const BATCH: usize = 200;

/// Why a unit is spent without a record.
const SPENT_AFTER_RESTART: &str =
    "claimed by this station before it stopped; its outcome was never recorded"; // not for people: why a unit is spent, kept in the line's database
const SPENT_ABANDONED: &str =
    "claimed while the station lost its answer or its board stopped waiting; never flashed"; // not for people: why a unit is spent, kept in the line's database

/// How the line's store stands, as the station sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineState {
    /// The store's URL.
    pub store: String,
    /// Whether it answers.
    pub reachable: bool,
    /// Why it cannot be used, while it cannot (English, for Details).
    pub error: Option<String>,
    /// Records of this station's log not yet in the store.
    pub waiting: u64,
    /// The whole line's totals, as last read.
    pub totals: Option<LineTotals>,
}

impl LineState {
    /// What the window's banner and the command line say while the store cannot be
    /// reached (with per-board data: boards wait too).
    pub fn banner(&self, provisioning: bool) -> String {
        let error = self.error.clone().unwrap_or_default();
        let key = match provisioning {
            true => "station-line-unreachable-boards-wait",
            false => "station-line-unreachable",
        };
        i18n::t!(
            key,
            store = self.store.as_str(),
            error = error,
            waiting = self.waiting
        )
    }
}

/// What the link tells the station thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineReport {
    /// How the store stands now (sent when it changes).
    State(LineState),
    /// Units this station claimed before it stopped, never confirmed: spent now.
    Spent(Vec<String>),
}

/// A request to the link's thread.
enum Request {
    /// Every record before this JSONL offset is in both log files.
    Committed(u64),
    /// Claim a unit for the board at this USB path.
    Claim {
        board: String,
        reply: Sender<Result<Claimed, Failure>>,
    },
    /// Send what waits now (connecting at once if need be); answer how many records
    /// still wait and whether the store answered.
    Flush { reply: Sender<(u64, bool)> },
}

/// What the flash workers and the station thread share with the link's thread.
#[derive(Debug)]
struct Shared {
    reachable: AtomicBool,
    /// Records waiting, as last reported.
    waiting: AtomicU64,
    /// The units of this station's per-board config, as last counted.
    units: Mutex<UnitCount>,
}

/// The station's link to the line's store (see the module's comment). Dropping the
/// last handle ends the thread once its current request is done.
#[derive(Debug)]
pub struct LineLink {
    store: String,
    requests: Sender<Request>,
    reports: Receiver<LineReport>,
    shared: Arc<Shared>,
}

/// Two links are the same when they are the same object (each owns a connection).
impl PartialEq for LineLink {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl LineLink {
    /// Starts the link on `store` (connected, schema checked) for the station `station`
    /// whose production log is in `log_folder`; with per-board data, claims units of the
    /// config whose SHA-256 is `config_sha256`, of which `units` are known.
    pub fn start(
        store: Store,
        station: &str,
        log_folder: &Path,
        config_sha256: Option<String>,
        units: UnitCount,
    ) -> Result<Arc<LineLink>, OutboxError> {
        let outbox = Outbox::open(log_folder, store.config().url())?;
        let (requests, requests_rx) = unbounded();
        let (reports_tx, reports) = unbounded();
        let shared = Arc::new(Shared {
            reachable: AtomicBool::new(true),
            waiting: AtomicU64::new(0),
            units: Mutex::new(units),
        });
        let link = Link {
            config: store.config().clone(),
            store: Some(store),
            station: station.to_owned(),
            counted_to: outbox.offset(),
            outbox,
            config_sha256,
            committed: None,
            waiting: 0,
            error: None,
            settled: false,
            spent_at_start: false,
            abandoned: Vec::new(),
            totals: None,
            next_poll: Instant::now(),
            next_attempt: Instant::now(),
            reported: None,
            reports: reports_tx,
            shared: shared.clone(),
        };
        let url = link.config.url().to_owned();
        std::thread::Builder::new()
            .name("line".into())
            .spawn(move || link.run(&requests_rx))
            .expect("spawn the line's thread");
        Ok(Arc::new(LineLink {
            store: url,
            requests,
            reports,
            shared,
        }))
    }

    /// The store's URL.
    pub fn store(&self) -> &str {
        &self.store
    }

    /// Whether the store answered last time it was asked.
    pub fn reachable(&self) -> bool {
        self.shared.reachable.load(Ordering::Relaxed)
    }

    /// The units of the station's per-board config, as last counted.
    pub fn units(&self) -> UnitCount {
        *self.shared.units.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the link's reports arrive (the station thread listens).
    pub(crate) fn reports(&self) -> Receiver<LineReport> {
        self.reports.clone()
    }

    /// Says that every record before the JSONL offset `end` is in both log files.
    pub(crate) fn committed(&self, end: u64) {
        let _ = self.requests.send(Request::Committed(end));
    }

    /// Sends the records waiting now, trying the store at once if it was down, waiting
    /// at most a connection's and a batch's time: returns how many records still wait
    /// in the log and whether the store answered.
    pub fn flush(&self) -> (u64, bool) {
        let (reply, answer) = bounded(1);
        let asked = self.requests.send(Request::Flush { reply }).is_ok();
        let limit = CONNECT_LIMIT + QUERY_LIMIT * 2;
        match asked.then(|| answer.recv_timeout(limit).ok()).flatten() {
            Some(answer) => answer,
            None => (self.shared.waiting.load(Ordering::Relaxed), false),
        }
    }

    /// Claims a unit for the board at `board` (its USB path), waiting at most
    /// [`CLAIM_WAIT`] and looking at `cancel` every [`CANCEL_CHECK`]; refused at once
    /// while the store cannot be reached. A claim the board stopped waiting for is spent
    /// by the link, never given.
    pub(crate) fn claim(&self, board: &str, cancel: &AtomicBool) -> Result<Claimed, Failure> {
        let unreachable = |why: String| {
            Failure::new(
                Code::LineUnreachable,
                format!(
                    "The line's database {} cannot be used now: {why}", // not for people: a failure's English message
                    self.store
                ),
            )
        };
        if !self.reachable() {
            return Err(unreachable("it did not answer the last request.".into())); // not for people: a failure's English message
        }
        let (reply, answer) = bounded(1);
        let request = Request::Claim {
            board: board.to_owned(),
            reply,
        };
        if self.requests.send(request).is_err() {
            return Err(unreachable("the link to it has stopped.".into())); // not for people: a failure's English message
        }
        let deadline = Instant::now() + CLAIM_WAIT;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(Failure::new(
                    Code::DfuCancelled,
                    "Cancelled while waiting for a unit from the line's database.", // not for people: a failure's English message
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match answer.recv_timeout(left.min(CANCEL_CHECK)) {
                Ok(answer) => return answer,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(unreachable("the link to it has stopped.".into())); // not for people: a failure's English message
                }
                Err(RecvTimeoutError::Timeout) if left.is_zero() => {
                    let waited = CLAIM_WAIT.as_secs();
                    return Err(unreachable(format!("no unit came within {waited} s."))); // not for people: a failure's English message
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

/// The link's thread.
struct Link {
    config: StoreConfig,
    /// The connection, while the store answers.
    store: Option<Store>,
    station: String,
    outbox: Outbox,
    config_sha256: Option<String>,
    /// Every record before this JSONL offset is in both log files (`None` until the
    /// station thread opened the log).
    committed: Option<u64>,
    /// Records between the cursor and `committed`.
    waiting: u64,
    /// The JSONL offset up to which `waiting` has counted.
    counted_to: u64,
    /// Why the store cannot be used, while it cannot.
    error: Option<String>,
    /// Every waiting record sent and, once per start, the unconfirmed units spent:
    /// claims may be served.
    settled: bool,
    spent_at_start: bool,
    /// Claims whose answer was lost or not taken: spent at the next chance.
    abandoned: Vec<String>,
    totals: Option<LineTotals>,
    next_poll: Instant,
    next_attempt: Instant,
    reported: Option<LineState>,
    reports: Sender<LineReport>,
    shared: Arc<Shared>,
}

impl Link {
    fn run(mut self, requests: &Receiver<Request>) {
        loop {
            let now = Instant::now();
            let due = match self.store {
                Some(_) => self.next_poll,
                None => self.next_attempt,
            };
            match requests.recv_timeout(due.saturating_duration_since(now)) {
                Ok(request) => self.serve(request, requests),
                // Time to poll the store, or to try it again.
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            self.work();
            self.report();
        }
    }

    /// Serves `first` and every request already waiting behind it; their claims
    /// together (boards that ask at once share one transaction: one commit, not one
    /// each), then their flushes.
    fn serve(&mut self, first: Request, requests: &Receiver<Request>) {
        let mut claims = Vec::new();
        let mut flushes = Vec::new();
        for request in std::iter::once(first).chain(requests.try_iter()) {
            match request {
                Request::Committed(end) => self.committed(end),
                Request::Claim { board, reply } => claims.push((board, reply)),
                Request::Flush { reply } => flushes.push(reply),
            }
        }
        if !claims.is_empty() {
            self.ready();
            let boards: Vec<&str> = claims.iter().map(|(board, _)| board.as_str()).collect();
            let answers = self.claim(&boards);
            for ((_, reply), answer) in claims.into_iter().zip(answers) {
                if let Err(unsent) = reply.send(answer)
                    && let Ok(claimed) = unsent.into_inner()
                    && claimed.unit.is_some()
                {
                    self.abandoned.push(claimed.claim_id);
                }
            }
        }
        if !flushes.is_empty() {
            self.next_attempt = Instant::now();
            self.work();
            for reply in flushes {
                let _ = reply.send((self.waiting, self.store.is_some()));
            }
        }
    }

    /// The log has whole records up to `end`: counts the new ones as waiting.
    fn committed(&mut self, end: u64) {
        self.committed = Some(end);
        match self.outbox.lines_between(self.counted_to, end) {
            Ok(lines) => {
                self.waiting += lines;
                self.counted_to = end;
            }
            Err(error) => self.error = Some(error.to_string()),
        }
    }

    /// Connects if it is time to, sends what waits, spends what must be spent, and reads
    /// the line's totals when due; on any failure, drops the connection.
    fn work(&mut self) {
        if self.connect()
            && let Err(error) = self.settle()
        {
            return self.down(&error);
        }
        if self.store.is_some()
            && Instant::now() >= self.next_poll
            && let Err(error) = self.poll()
        {
            self.down(&error);
        }
    }

    /// Makes the store ready for claims: connected (if it is time to try) and, unless it
    /// already was since the last connection, settled. Once settled, claims go before
    /// the records that wait (those are sent right after, off the boards' path).
    fn ready(&mut self) {
        if self.connect()
            && !self.settled
            && let Err(error) = self.settle()
        {
            self.down(&error);
        }
    }

    /// Connects if there is no connection and it is time to try; whether there is one.
    fn connect(&mut self) -> bool {
        if self.store.is_none() && Instant::now() >= self.next_attempt {
            match Store::connect(&self.config) {
                Ok(store) => self.store = Some(store),
                Err(error) => self.down(&error),
            }
        }
        self.store.is_some()
    }

    /// Sends every waiting record, spends abandoned claims and (once per start) the units
    /// claimed before and never confirmed.
    fn settle(&mut self) -> Result<(), LineError> {
        let Some(store) = self.store.as_mut() else {
            return Ok(());
        };
        let Some(end) = self.committed else {
            return Ok(());
        };
        loop {
            let batch = self
                .outbox
                .next(end, BATCH)
                .map_err(|e| outbox_trouble(&self.config, &e))?;
            if batch.lines == 0 {
                break;
            }
            let records: Vec<LineRecord> = batch
                .records
                .iter()
                .map(|waiting| line_record(waiting.line, &waiting.record))
                .collect();
            store.upload(self.outbox.station_id(), &records)?;
            self.outbox
                .sent(&batch)
                .map_err(|e| outbox_trouble(&self.config, &e))?;
            self.waiting = self.waiting.saturating_sub(batch.lines);
        }
        if !self.abandoned.is_empty() {
            store.spend_claims(&self.abandoned, SPENT_ABANDONED)?;
            self.abandoned.clear();
        }
        if !self.spent_at_start {
            let spent = store.spend_unconfirmed(self.outbox.station_id(), SPENT_AFTER_RESTART)?;
            self.spent_at_start = true;
            if !spent.is_empty() {
                let _ = self.reports.send(LineReport::Spent(spent));
            }
        }
        self.settled = true;
        self.error = None;
        self.shared.reachable.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Reads the line's totals and this station's units.
    fn poll(&mut self) -> Result<(), LineError> {
        let Some(store) = self.store.as_mut() else {
            return Ok(());
        };
        self.next_poll = Instant::now() + POLL;
        self.totals = Some(store.totals()?);
        if let Some(sha256) = &self.config_sha256 {
            let units = store.unit_count(sha256)?;
            *self.shared.units.lock().unwrap_or_else(|e| e.into_inner()) = units;
        }
        Ok(())
    }

    /// Claims a unit for each of `boards`, in one transaction, once the store is
    /// settled; one answer per board.
    fn claim(&mut self, boards: &[&str]) -> Vec<Result<Claimed, Failure>> {
        let (Some(store), true, Some(sha256)) =
            (self.store.as_mut(), self.settled, &self.config_sha256)
        else {
            let why = self
                .error
                .clone()
                .unwrap_or_else(|| "it is not ready yet.".into()); // not for people: a failure's English message
            let refused = Failure::new(
                Code::LineUnreachable,
                format!(
                    "The line's database {} cannot be used now: {why}", // not for people: a failure's English message
                    self.config
                ),
            );
            return boards.iter().map(|_| Err(refused.clone())).collect();
        };
        let claim_ids: Vec<String> = boards.iter().map(|_| new_record_id()).collect();
        let claims: Vec<Claimant> = boards
            .iter()
            .zip(&claim_ids)
            .map(|(board, claim_id)| Claimant {
                station: &self.station,
                station_id: self.outbox.station_id(),
                board,
                claim_id,
            })
            .collect();
        match store.claim(&claims, sha256) {
            Ok(claimed) => {
                if let Some(last) = claimed.last() {
                    *self.shared.units.lock().unwrap_or_else(|e| e.into_inner()) = last.count;
                }
                claimed.into_iter().map(Ok).collect()
            }
            Err(error) => {
                // Their answer may be lost after the commit, or unreadable: never given.
                self.abandoned.extend(claim_ids);
                if error.transient() {
                    self.down(&error);
                }
                let failure = Failure::from(error);
                boards.iter().map(|_| Err(failure.clone())).collect()
            }
        }
    }

    /// The store cannot be used: drop the connection, try again in [`RETRY`].
    fn down(&mut self, error: &LineError) {
        log::debug!("line store: {error}");
        self.store = None;
        self.settled = false;
        self.error = Some(error.to_string());
        self.next_attempt = Instant::now() + RETRY;
        self.shared.reachable.store(false, Ordering::Relaxed);
    }

    /// Tells the station thread how the store stands, when that changed.
    fn report(&mut self) {
        let state = LineState {
            store: self.config.url().to_owned(),
            reachable: self.store.is_some() && self.error.is_none(),
            error: self.error.clone(),
            waiting: self.waiting,
            totals: self.totals,
        };
        self.shared.waiting.store(self.waiting, Ordering::Relaxed);
        if self.reported.as_ref() != Some(&state) {
            self.reported = Some(state.clone());
            let _ = self.reports.send(LineReport::State(state));
        }
    }
}

/// The outbox cannot be read or its cursor written: said as the store being unusable
/// (records keep waiting; the production log's own gate says what is wrong with the
/// folder).
fn outbox_trouble(config: &StoreConfig, error: &OutboxError) -> LineError {
    LineError::Unreachable {
        url: config.url().to_owned(),
        reason: error.to_string(),
    }
}

/// A production record as the store keeps it.
fn line_record(line: u64, record: &Record) -> LineRecord {
    LineRecord {
        record_id: record.record_id.clone().unwrap_or_default(),
        station: record.station.clone(),
        local_seq: line,
        recorded_at: record.timestamp.clone(),
        usb_path: record.usb_path.clone(),
        serial: record.serial.clone(),
        chip: record.chip.clone(),
        image_name: record.image_name.clone(),
        image_sha256: record.image_sha256.clone(),
        result: record.result.as_str().to_owned(),
        error_code: record.error_code.map(|code| code.as_str().to_owned()),
        error_message: record.error_message.clone(),
        duration_ms: record.duration_ms,
        bytes: record.bytes,
        unit_id: record.unit_id.clone(),
    }
}
