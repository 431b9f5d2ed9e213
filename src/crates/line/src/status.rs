//! The line's view: per station and for the whole line, what passed and failed, the rows
//! left, the last record, and which stations have gone silent.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::LineError;
use crate::store::{Store, within};

/// An instant as the status shows it: RFC 3339 in UTC, to the millisecond.
const UTC: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"#;

/// The line's totals: records by result, and units by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineTotals {
    /// Records that passed.
    pub passed: u64,
    /// Records that failed or were cancelled.
    pub failed: u64,
    /// Units no board has had.
    pub rows_left: u64,
    /// Units being flashed now (claimed, not yet confirmed).
    pub claimed: u64,
    /// Units whose board passed.
    pub flashed: u64,
    /// Units whose board failed, or whose outcome was never confirmed.
    pub spent: u64,
}

/// One station, as the store knows it from its records and claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StationStatus {
    /// The station's name.
    pub station: String,
    /// Its records that passed.
    pub passed: u64,
    /// Its records that failed or were cancelled.
    pub failed: u64,
    /// Units its boards passed with.
    pub flashed: u64,
    /// Units it spent.
    pub spent: u64,
    /// Units its boards are being flashed with.
    pub claimed: u64,
    /// When its last record's attempt ended (RFC 3339, UTC), if it has one.
    pub last_record: Option<String>,
    /// Minutes since the store last heard from it (its last record arrived).
    pub quiet_minutes: Option<u64>,
    /// Quiet for longer than the status was asked to allow.
    pub silent: bool,
}

/// The line's view ([`Store::status`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineStatus {
    /// The store, its URL.
    pub store: String,
    /// Each station, by name.
    pub stations: Vec<StationStatus>,
    /// The whole line.
    pub line: LineTotals,
    /// When the line's last record's attempt ended (RFC 3339, UTC).
    pub last_record: Option<String>,
    /// Stations count as silent after this many minutes without a record.
    pub silent_after_minutes: u64,
}

impl LineStatus {
    /// The stations silent for longer than allowed.
    pub fn silent(&self) -> impl Iterator<Item = &StationStatus> {
        self.stations.iter().filter(|s| s.silent)
    }
}

impl Store {
    /// The line's totals (what a station's window shows beside its own shift).
    pub fn totals(&mut self) -> Result<LineTotals, LineError> {
        let client = &self.client;
        within(
            &self.runtime,
            &self.config,
            "counting the line's totals",
            async {
                let records = client
                    .query_one(
                        "SELECT count(*) FILTER (WHERE result = 'pass'),
                            count(*) FILTER (WHERE result <> 'pass') FROM records",
                        &[],
                    )
                    .await?;
                let units = client
                    .query_one(
                        "SELECT count(*) FILTER (WHERE status = 'free'),
                            count(*) FILTER (WHERE status = 'claimed'),
                            count(*) FILTER (WHERE status = 'flashed'),
                            count(*) FILTER (WHERE status = 'spent') FROM units",
                        &[],
                    )
                    .await?;
                let count = |row: &tokio_postgres::Row, i| row.get::<_, i64>(i) as u64;
                Ok(LineTotals {
                    passed: count(&records, 0),
                    failed: count(&records, 1),
                    rows_left: count(&units, 0),
                    claimed: count(&units, 1),
                    flashed: count(&units, 2),
                    spent: count(&units, 3),
                })
            },
        )
    }

    /// The line's view: its totals, and each station that has records or claims, silent
    /// when no record of it arrived for longer than `silent_after`.
    pub fn status(&mut self, silent_after: Duration) -> Result<LineStatus, LineError> {
        let line = self.totals()?;
        let client = &self.client;
        let minutes = silent_after.as_secs() / 60;
        let (stations, last_record) = within(
            &self.runtime,
            &self.config,
            "reading the line's status",
            async {
                let records = client
                    .query(
                        &format!(
                            "SELECT station, count(*) FILTER (WHERE result = 'pass'),
                                count(*) FILTER (WHERE result <> 'pass'),
                                to_char(max(recorded_at) AT TIME ZONE 'UTC', {UTC}),
                                floor(extract(epoch FROM now() - max(received_at)))::bigint
                             FROM records GROUP BY station"
                        ),
                        &[],
                    )
                    .await?;
                let units = client
                    .query(
                        "SELECT station, count(*) FILTER (WHERE status = 'flashed'),
                                count(*) FILTER (WHERE status = 'spent'),
                                count(*) FILTER (WHERE status = 'claimed')
                         FROM units WHERE station IS NOT NULL GROUP BY station",
                        &[],
                    )
                    .await?;
                let last = client
                    .query_one(
                        &format!(
                            "SELECT to_char(max(recorded_at) AT TIME ZONE 'UTC', {UTC}) FROM records"
                        ),
                        &[],
                    )
                    .await?;
                let mut stations: BTreeMap<String, StationStatus> = BTreeMap::new();
                let count = |row: &tokio_postgres::Row, i| row.get::<_, i64>(i) as u64;
                for row in &records {
                    let quiet_seconds: i64 = row.get(4);
                    let quiet_minutes = quiet_seconds.max(0) as u64 / 60;
                    stations.insert(
                        row.get(0),
                        StationStatus {
                            station: row.get(0),
                            passed: count(row, 1),
                            failed: count(row, 2),
                            last_record: row.get(3),
                            quiet_minutes: Some(quiet_minutes),
                            silent: quiet_seconds as u64 > silent_after.as_secs(),
                            ..StationStatus::default()
                        },
                    );
                }
                for row in &units {
                    let name: String = row.get(0);
                    // A station with claims and no record yet has not been heard from.
                    let station = stations.entry(name.clone()).or_insert(StationStatus {
                        station: name,
                        ..StationStatus::default()
                    });
                    station.flashed = count(row, 1);
                    station.spent = count(row, 2);
                    station.claimed = count(row, 3);
                }
                Ok((stations.into_values().collect(), last.get(0)))
            },
        )?;
        Ok(LineStatus {
            store: self.config.url().to_owned(),
            stations,
            line,
            last_record,
            silent_after_minutes: minutes,
        })
    }
}
