//! The units of per-board data in the store: imported once per values file, each claimed
//! by one board of one station in one transaction (`FOR UPDATE SKIP LOCKED`: two
//! stations never get the same row), then confirmed by that board's production record
//! (flashed or spent), or spent when its outcome can never be confirmed.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use firmware::nvs::mfg::Units;

use crate::LineError;
use crate::store::{Store, within};

/// How many duplicate unit ids a refused import names.
const DUPLICATES_NAMED: usize = 10;

/// A checked values file, ready to import: its units with their values as the NVS images
/// are built from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    config_name: String,
    config_sha256: String,
    values_name: String,
    values_sha256: String,
    header: Vec<String>,
    units: Vec<BatchUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
struct BatchUnit {
    id: String,
    row_number: usize,
    cells: BTreeMap<String, String>,
}

impl Batch {
    /// The units of the values file `values_name` (bytes `values`) that passed
    /// [`Units::parse`] with the config `config_name` (bytes `config`).
    pub fn new(
        config_name: &str,
        config: &[u8],
        values_name: &str,
        values: &[u8],
        units: &Units,
    ) -> Batch {
        let header = units.columns().to_vec();
        let units = units
            .units
            .iter()
            .map(|unit| BatchUnit {
                id: unit.id.clone(),
                row_number: unit.row,
                cells: header
                    .iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let value = match i {
                            0 => unit.id.as_str(),
                            _ => unit.value(column).unwrap_or_default(),
                        };
                        (column.clone(), value.to_owned())
                    })
                    .collect(),
            })
            .collect();
        Batch {
            config_name: config_name.to_owned(),
            config_sha256: sha256(config),
            values_name: values_name.to_owned(),
            values_sha256: sha256(values),
            header,
            units,
        }
    }

    /// How many units it holds.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether it holds no unit.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

/// A unit in the store: its id, its row in the values file, and its values, from which a
/// board's NVS image is built exactly as from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineUnit {
    /// The unit's id (the values file's first column).
    pub id: String,
    /// Its row in the values file it was imported from.
    pub row: usize,
    header: Vec<String>,
    cells: BTreeMap<String, String>,
}

impl LineUnit {
    /// The unit as a values file of its own: the header, then its one row (what
    /// [`Units::parse`] reads, with the station's config, to build its image).
    pub fn values_csv(&self) -> Vec<u8> {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let row = self
            .header
            .iter()
            .map(|column| self.cells.get(column).map_or("", String::as_str));
        csv.write_record(&self.header).expect("writing to memory");
        csv.write_record(row).expect("writing to memory");
        csv.into_inner().expect("writing to memory")
    }
}

/// The units of one config: how many are free, of how many imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitCount {
    /// Units no board has had.
    pub left: u64,
    /// Units imported.
    pub total: u64,
}

/// The answer to a claim: the unit, unless none is left, and the units left after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The unit given, or `None`: no unit of this config is free.
    pub unit: Option<LineUnit>,
    /// The station-chosen id of the claim.
    pub claim_id: String,
    /// The config's units after the claim.
    pub count: UnitCount,
}

/// One claim: the station's name, its log folder's id, the board, and the claim's id.
#[derive(Debug, Clone, Copy)]
pub struct Claimant<'a> {
    /// The station's name (from its profile).
    pub station: &'a str,
    /// The station's id (its log folder's: that folder's records confirm the unit).
    pub station_id: &'a str,
    /// The board's USB path.
    pub board: &'a str,
    /// The station-chosen id of the claim (unique: a lost answer is found again by it).
    pub claim_id: &'a str,
}

impl Store {
    /// Imports `batch` in one transaction: refused, with nothing written, when any of its
    /// unit ids is in the database already. Returns the units of its config after it.
    pub fn import(&mut self, batch: &Batch) -> Result<UnitCount, LineError> {
        let ids: Vec<&str> = batch.units.iter().map(|u| u.id.as_str()).collect();
        let header = serde_json::to_string(&batch.header).expect("a header serialises");
        let units = serde_json::to_string(&batch.units).expect("units serialise");
        let client = &mut self.client;
        let imported = within(&self.runtime, &self.config, "importing the units", async {
            let tx = client.transaction().await?;
            // One import at a time: the check below then holds until the commit.
            tx.batch_execute("SELECT pg_advisory_xact_lock(hashtext('dfu-station import'))")
                .await?;
            let taken: Vec<String> = tx
                .query(
                    "SELECT id FROM units WHERE id = ANY($1) ORDER BY seq",
                    &[&ids],
                )
                .await?
                .iter()
                .map(|row| row.get(0))
                .collect();
            if !taken.is_empty() {
                return Ok(Err(taken));
            }
            let batch_id: i64 = tx
                .query_one(
                    "INSERT INTO batches (config_name, config_sha256, values_name, values_sha256, header)
                     VALUES ($1, $2, $3, $4, $5::text::jsonb) RETURNING id",
                    &[
                        &batch.config_name,
                        &batch.config_sha256,
                        &batch.values_name,
                        &batch.values_sha256,
                        &header,
                    ],
                )
                .await?
                .get(0);
            tx.execute(
                "INSERT INTO units (id, batch_id, row_number, cells)
                 SELECT u.id, $2, u.row_number, u.cells
                 FROM jsonb_to_recordset($1::text::jsonb) AS u(id text, row_number integer, cells jsonb)
                 ORDER BY u.row_number",
                &[&units, &batch_id],
            )
            .await?;
            let count = unit_count(&tx, &batch.config_sha256).await?;
            tx.commit().await?;
            Ok(Ok(count))
        });
        imported?.map_err(|taken| LineError::DuplicateUnits {
            count: taken.len(),
            ids: named(&taken),
        })
    }

    /// Whether units were imported with the config whose SHA-256 is `config_sha256`;
    /// refused (`NoUnitsForConfig`, naming `config_name`) when none were.
    pub fn check_config(
        &mut self,
        config_name: &str,
        config_sha256: &str,
    ) -> Result<(), LineError> {
        let client = &self.client;
        let known = within(
            &self.runtime,
            &self.config,
            "looking up the config",
            async {
                let row = client
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM batches WHERE config_sha256 = $1)",
                        &[&config_sha256],
                    )
                    .await?;
                Ok(row.get::<_, bool>(0))
            },
        )?;
        match known {
            true => Ok(()),
            false => Err(LineError::NoUnitsForConfig {
                url: self.config.url().to_owned(),
                config: config_name.to_owned(),
                sha256: config_sha256.to_owned(),
            }),
        }
    }

    /// The units of the config whose SHA-256 is `config_sha256`.
    pub fn unit_count(&mut self, config_sha256: &str) -> Result<UnitCount, LineError> {
        let client = &self.client;
        within(
            &self.runtime,
            &self.config,
            "counting the units left",
            async { unit_count(client, config_sha256).await },
        )
    }

    /// The next free unit of the config `config_sha256`, without claiming it (to check,
    /// before any board, that its image can be built).
    pub fn peek(&mut self, config_sha256: &str) -> Result<Option<LineUnit>, LineError> {
        let client = &self.client;
        let row = within(&self.runtime, &self.config, "reading a unit", async {
            client
                .query_opt(
                    "SELECT u.id, u.row_number, u.cells::text, b.header::text
                     FROM units u JOIN batches b ON b.id = u.batch_id
                     WHERE u.status = 'free' AND b.config_sha256 = $1
                     ORDER BY u.seq LIMIT 1",
                    &[&config_sha256],
                )
                .await
        })?;
        row.map(|row| self.unit(&row)).transpose()
    }

    /// A unit as a query returns it: id, row, cells and its batch's header, as text.
    fn unit(&self, row: &tokio_postgres::Row) -> Result<LineUnit, LineError> {
        let id: String = row.get(0);
        let damaged = |reason: String| LineError::DamagedUnit {
            url: self.config.url().to_owned(),
            id: id.clone(),
            reason,
        };
        let cells =
            serde_json::from_str(row.get(2)).map_err(|e| damaged(format!("its cells: {e}")))?;
        let header = serde_json::from_str(row.get(3))
            .map_err(|e| damaged(format!("its batch's header: {e}")))?;
        Ok(LineUnit {
            row: row.get::<_, i32>(1) as usize,
            header,
            cells,
            id,
        })
    }

    /// Claims the next free unit of the config `config_sha256` for each of `claims`, in
    /// order, in one transaction (boards that ask at once share its commit). A unit
    /// locked by another station's claim is skipped, never waited for or given twice.
    /// Should the answer be lost, each claim is found again by its id
    /// ([`Store::spend_claims`]). Every answer carries the units left after them all.
    pub fn claim(
        &mut self,
        claims: &[Claimant<'_>],
        config_sha256: &str,
    ) -> Result<Vec<Claimed>, LineError> {
        let client = &mut self.client;
        let (rows, count) = within(&self.runtime, &self.config, "claiming units", async {
            let tx = client.transaction().await?;
            let mut rows = Vec::with_capacity(claims.len());
            for claimant in claims {
                let row = tx
                    .query_opt(
                        "UPDATE units SET status = 'claimed', station = $1, station_id = $2, board = $3,
                             claim_id = $4, claimed_at = now()
                         WHERE id = (SELECT u.id FROM units u JOIN batches b ON b.id = u.batch_id
                                     WHERE u.status = 'free' AND b.config_sha256 = $5
                                     ORDER BY u.seq LIMIT 1
                                     FOR UPDATE OF u SKIP LOCKED)
                           AND status = 'free'
                         RETURNING id, row_number, cells::text,
                                   (SELECT header::text FROM batches b WHERE b.id = units.batch_id)",
                        &[
                            &claimant.station,
                            &claimant.station_id,
                            &claimant.board,
                            &claimant.claim_id,
                            &config_sha256,
                        ],
                    )
                    .await?;
                rows.push(row);
            }
            let count = unit_count(&tx, config_sha256).await?;
            tx.commit().await?;
            Ok((rows, count))
        })?;
        claims
            .iter()
            .zip(rows)
            .map(|(claimant, row)| {
                Ok(Claimed {
                    unit: row.map(|row| self.unit(&row)).transpose()?,
                    claim_id: claimant.claim_id.to_owned(),
                    count,
                })
            })
            .collect()
    }

    /// Spends the units the station `station_id` claimed and never confirmed (a station
    /// stopped while its boards flashed): never given again. `note` says why. Returns
    /// their ids, in the order they are given in.
    pub fn spend_unconfirmed(
        &mut self,
        station_id: &str,
        note: &str,
    ) -> Result<Vec<String>, LineError> {
        let client = &self.client;
        within(
            &self.runtime,
            &self.config,
            "spending unconfirmed units",
            async {
                // Read first: a station with nothing to spend takes no lock.
                let claimed = client
                    .query(
                        "SELECT id FROM units WHERE station_id = $1 AND status = 'claimed'",
                        &[&station_id],
                    )
                    .await?;
                if claimed.is_empty() {
                    return Ok(Vec::new());
                }
                spend(client, "station_id = $1", &station_id, note).await
            },
        )
    }

    /// Spends the units claimed under these claim ids that are still claimed (a claim
    /// whose answer was lost, or whose board gave up waiting). Returns their ids.
    pub fn spend_claims(
        &mut self,
        claim_ids: &[String],
        note: &str,
    ) -> Result<Vec<String>, LineError> {
        let client = &self.client;
        within(
            &self.runtime,
            &self.config,
            "spending abandoned claims",
            spend(client, "claim_id = ANY($1)", &claim_ids, note),
        )
    }
}

/// Spends the claimed units that `which` (a condition on `units`, `$1` standing for
/// `key`) picks, noting why; returns their ids in the order they are given in.
async fn spend(
    client: &tokio_postgres::Client,
    which: &str,
    key: &(dyn tokio_postgres::types::ToSql + Sync),
    note: &str,
) -> Result<Vec<String>, tokio_postgres::Error> {
    let spent = client
        .query(
            &format!(
                "WITH spent AS (UPDATE units SET status = 'spent', finished_at = now(), note = $2
                                WHERE {which} AND status = 'claimed' RETURNING id, seq)
                 SELECT id FROM spent ORDER BY seq"
            ),
            &[key, &note],
        )
        .await?;
    Ok(spent.iter().map(|row| row.get(0)).collect())
}

/// The units of a config, counted by `client` (a connection or a transaction).
async fn unit_count(
    client: &impl tokio_postgres::GenericClient,
    config_sha256: &str,
) -> Result<UnitCount, tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT count(*) FILTER (WHERE u.status = 'free'), count(*)
             FROM units u JOIN batches b ON b.id = u.batch_id WHERE b.config_sha256 = $1",
            &[&config_sha256],
        )
        .await?;
    Ok(UnitCount {
        left: row.get::<_, i64>(0) as u64,
        total: row.get::<_, i64>(1) as u64,
    })
}

/// A file's SHA-256, lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The first few of `ids`, comma-separated, with how many more there are.
fn named(ids: &[String]) -> String {
    let mut text = ids
        .iter()
        .take(DUPLICATES_NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > DUPLICATES_NAMED {
        text.push_str(&format!(" and {} more", ids.len() - DUPLICATES_NAMED));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &[u8] = b"app,namespace,\nserial,data,string\ncalib,data,u32,REPEAT\n";

    #[test]
    fn a_claimed_unit_reads_back_as_the_values_file_had_it() {
        let values = b"serial,calib\nSN-1,7\nSN-2,\n";
        let units =
            Units::parse(CONFIG, values, &mut |_| Err(std::io::Error::other("none"))).unwrap();
        let batch = Batch::new("config.csv", CONFIG, "values.csv", values, &units);
        assert_eq!(batch.len(), 2);
        // SN-2 takes the REPEAT key's first value: its own row says so alone.
        let second = &batch.units[1];
        let claimed = LineUnit {
            id: second.id.clone(),
            row: second.row_number,
            header: batch.header.clone(),
            cells: second.cells.clone(),
        };
        assert_eq!(claimed.values_csv(), b"serial,calib\nSN-2,7\n");
        let alone = Units::parse(CONFIG, &claimed.values_csv(), &mut |_| {
            Err(std::io::Error::other("none"))
        })
        .unwrap();
        let image = |units: &Units, unit| {
            units
                .image(unit, 0x3000, firmware::nvs::Version::V2, &mut |_| {
                    Err(std::io::Error::other("none"))
                })
                .unwrap()
        };
        assert_eq!(
            image(&alone, &alone.units[0]),
            image(&units, &units.units[1])
        );
    }

    #[test]
    fn a_refused_import_names_a_few_ids() {
        let ids: Vec<String> = (1..=12).map(|i| format!("SN-{i}")).collect();
        assert_eq!(named(&ids[..2]), "SN-1, SN-2");
        assert!(named(&ids).ends_with("SN-10 and 2 more"), "{}", named(&ids));
    }
}
