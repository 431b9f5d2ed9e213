//! One connection to the line's store, every request under a deadline: the client waits
//! at most [`QUERY_LIMIT`] for any answer (and the server is told the same), so no
//! database, however stuck, can hold a station or the window. After a failed request
//! the connection is in an unknown state: drop it and connect again.

use std::future::Future;

use tokio::runtime::Runtime;
use tokio_postgres::{Client, NoTls};

use crate::config::{CONNECT_LIMIT, QUERY_LIMIT};
use crate::{LineError, StoreConfig};

/// The schema's migrations, in order: version N is the N-th (`migrations/NNNN_*.sql`).
const MIGRATIONS: &[&str] = &[include_str!("../migrations/0001_line.sql")];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// The table that says which migrations were applied (one row each).
const SCHEMA_TABLE: &str = "CREATE TABLE IF NOT EXISTS dfu_station_schema (
    version    integer     PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text        NOT NULL
)";

/// What `line init` did: the schema version found and the one now in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Initialized {
    /// The version before (0: an empty database).
    pub from: i32,
    /// The version now ([`SCHEMA_VERSION`]).
    pub to: i32,
}

/// A connection to the line's store.
pub struct Store {
    pub(crate) runtime: Runtime,
    pub(crate) client: Client,
    pub(crate) config: StoreConfig,
}

impl Store {
    /// Connects and checks that the database has this build's schema: refused when it has
    /// none (run `line init`), an older one (run `line init`) or a newer one (update
    /// DFU Station).
    pub fn connect(config: &StoreConfig) -> Result<Store, LineError> {
        let mut store = Store::open(config)?;
        let found = store.schema_version()?;
        let url = config.url().to_owned();
        match found {
            0 => Err(LineError::NotInitialized { url }),
            found if found > SCHEMA_VERSION => Err(LineError::NewerSchema {
                url,
                found,
                known: SCHEMA_VERSION,
            }),
            found if found < SCHEMA_VERSION => Err(LineError::OlderSchema {
                url,
                found,
                known: SCHEMA_VERSION,
            }),
            _ => Ok(store),
        }
    }

    /// Creates the schema in an empty database, or brings an older one up to
    /// [`SCHEMA_VERSION`], in one transaction (two `line init` at once wait for each
    /// other). Refused, with nothing written, when the database's schema is newer.
    pub fn init(config: &StoreConfig) -> Result<Initialized, LineError> {
        let mut store = Store::open(config)?;
        let client = &mut store.client;
        let applied_by = format!("dfu-station {}", env!("CARGO_PKG_VERSION"));
        let found = within(&store.runtime, config, "applying the schema", async {
            let tx = client.transaction().await?;
            tx.batch_execute("SELECT pg_advisory_xact_lock(hashtext('dfu-station schema'))")
                .await?;
            tx.batch_execute(SCHEMA_TABLE).await?;
            let row = tx
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM dfu_station_schema",
                    &[],
                )
                .await?;
            let found: i32 = row.get(0);
            if found < SCHEMA_VERSION {
                for (index, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
                    tx.batch_execute(migration).await?;
                    tx.execute(
                        "INSERT INTO dfu_station_schema (version, applied_by) VALUES ($1, $2)",
                        &[&(index as i32 + 1), &applied_by],
                    )
                    .await?;
                }
                tx.commit().await?;
            }
            Ok(found)
        })?;
        if found > SCHEMA_VERSION {
            return Err(LineError::NewerSchema {
                url: config.url().to_owned(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        Ok(Initialized {
            from: found,
            to: found.max(SCHEMA_VERSION),
        })
    }

    /// The store it is connected to.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Connects, within [`CONNECT_LIMIT`] per address and [`QUERY_LIMIT`] more for the
    /// login.
    fn open(config: &StoreConfig) -> Result<Store, LineError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LineError::Unreachable {
                url: config.url().to_owned(),
                reason: format!("the client cannot start: {e}"),
            })?;
        // The timer is made inside the runtime, which it needs.
        let connecting = runtime.block_on(async {
            tokio::time::timeout(
                CONNECT_LIMIT + QUERY_LIMIT,
                config.postgres().connect(NoTls),
            )
            .await
        });
        let (client, connection) = match connecting {
            Ok(connected) => connected.map_err(|e| postgres_error(config, e))?,
            Err(_) => {
                return Err(LineError::Timeout {
                    url: config.url().to_owned(),
                    what: "connecting",
                    limit: CONNECT_LIMIT + QUERY_LIMIT,
                });
            }
        };
        // Polled whenever a request runs; its end shows as the next request's error.
        runtime.spawn(async move { drop(connection.await) });
        Ok(Store {
            runtime,
            client,
            config: config.clone(),
        })
    }

    /// The schema's version (0 for none).
    fn schema_version(&mut self) -> Result<i32, LineError> {
        let client = &self.client;
        within(
            &self.runtime,
            &self.config,
            "reading the schema version",
            async {
                let exists = client
                    .query_one("SELECT to_regclass('dfu_station_schema') IS NOT NULL", &[])
                    .await?;
                if !exists.get::<_, bool>(0) {
                    return Ok(0);
                }
                let row = client
                    .query_one(
                        "SELECT coalesce(max(version), 0) FROM dfu_station_schema",
                        &[],
                    )
                    .await?;
                Ok(row.get(0))
            },
        )
    }
}

/// Runs `request` on `runtime`, waiting at most [`QUERY_LIMIT`]; its error sorted into a
/// [`LineError`] (`what` names the request in a timeout's message).
pub(crate) fn within<T>(
    runtime: &Runtime,
    config: &StoreConfig,
    what: &'static str,
    request: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, LineError> {
    match runtime.block_on(async { tokio::time::timeout(QUERY_LIMIT, request).await }) {
        Ok(answer) => answer.map_err(|e| postgres_error(config, e)),
        Err(_) => Err(LineError::Timeout {
            url: config.url().to_owned(),
            what,
            limit: QUERY_LIMIT,
        }),
    }
}

fn postgres_error(config: &StoreConfig, error: tokio_postgres::Error) -> LineError {
    LineError::from_postgres(config.url(), &config.user(), error)
}
