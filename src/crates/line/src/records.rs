//! Production records in the store: sent by each station in its own log's order, each
//! under the id the station gave it, so a resend (after a lost answer, a crash, a
//! restart) is ignored rather than counted twice. A record of a unit the station claimed
//! confirms that unit: flashed after a PASS, spent otherwise.

use serde::Serialize;

use crate::LineError;
use crate::store::{Store, within};

/// One production record as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineRecord {
    /// The id the station gave it.
    pub record_id: String,
    /// The station's name.
    pub station: String,
    /// Its line in the station's `dfu-station-log.jsonl` (1-based).
    pub local_seq: u64,
    /// When the attempt ended, RFC 3339.
    pub recorded_at: String,
    /// The board's USB path.
    pub usb_path: String,
    /// The board's USB serial number.
    pub serial: String,
    /// The board's chip.
    pub chip: String,
    /// The image's file name.
    pub image_name: String,
    /// The image's SHA-256, lowercase hex.
    pub image_sha256: String,
    /// `pass`, `fail` or `cancelled`.
    pub result: String,
    /// The failure code, unless it passed.
    pub error_code: Option<String>,
    /// What happened, unless it passed.
    pub error_message: Option<String>,
    /// How long the attempt took.
    pub duration_ms: u64,
    /// Payload bytes the board accepted.
    pub bytes: u64,
    /// The unit the board was given, if any.
    pub unit_id: Option<String>,
}

impl Store {
    /// Sends `records` of the station `station_id` in one transaction, in their order;
    /// records already there are left as they are. Each record of a unit this station
    /// claimed confirms it. Returns how many records were new.
    pub fn upload(&mut self, station_id: &str, records: &[LineRecord]) -> Result<u64, LineError> {
        let json = serde_json::to_string(records).expect("records serialise");
        let client = &mut self.client;
        within(&self.runtime, &self.config, "sending records", async {
            let tx = client.transaction().await?;
            let new = tx
                .execute(
                    "INSERT INTO records (record_id, station, station_id, local_seq, recorded_at,
                         usb_path, serial, chip, image_name, image_sha256, result, error_code,
                         error_message, duration_ms, bytes, unit_id)
                     SELECT r.record_id, r.station, $2, r.local_seq, r.recorded_at::timestamptz,
                         r.usb_path, r.serial, r.chip, r.image_name, r.image_sha256, r.result,
                         r.error_code, r.error_message, r.duration_ms, r.bytes, r.unit_id
                     FROM jsonb_to_recordset($1::text::jsonb) AS r(record_id text, station text,
                         local_seq bigint, recorded_at text, usb_path text, serial text, chip text,
                         image_name text, image_sha256 text, result text, error_code text,
                         error_message text, duration_ms bigint, bytes bigint, unit_id text)
                     ORDER BY r.local_seq
                     ON CONFLICT (record_id) DO NOTHING",
                    &[&json, &station_id],
                )
                .await?;
            tx.execute(
                "UPDATE units u SET status = CASE WHEN r.result = 'pass' THEN 'flashed' ELSE 'spent' END,
                     finished_at = r.recorded_at::timestamptz, record_id = r.record_id
                 FROM jsonb_to_recordset($1::text::jsonb) AS r(record_id text, recorded_at text,
                     result text, unit_id text)
                 WHERE u.id = r.unit_id AND u.station_id = $2 AND u.status = 'claimed'",
                &[&json, &station_id],
            )
            .await?;
            tx.commit().await?;
            Ok(new)
        })
    }
}
