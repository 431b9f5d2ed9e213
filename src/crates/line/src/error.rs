//! Why the line's store cannot be used: each kind a technician or an engineer acts on
//! differently (the network, the password, the database's version, the input).

use std::path::PathBuf;
use std::time::Duration;

use failure::{Code, Failure};
use tokio_postgres::error::SqlState;

/// Why the line's store refused or failed a request. Every message names the store (its
/// URL, which never holds a password) and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// The store's address is not a PostgreSQL URL.
    #[error(
        "The line's store `{url}` is not a PostgreSQL URL ({reason}): write it as postgres://USER@HOST:PORT/DATABASE."
    )]
    BadUrl {
        /// The text given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL holds a password (not repeated here).
    #[error(
        "The line's store URL holds a password: remove it from the URL (and the profile) and put it in the environment variable {env} (or the one `password_env` names), or in a file named by `password_file`."
    )]
    PasswordInUrl {
        /// The environment variable read by default.
        env: &'static str,
    },
    /// The URL asks for TLS, which this build does not speak.
    #[error(
        "The line's store `{url}` asks for TLS (sslmode={mode}), which DFU Station does not speak yet: use the database on the factory's own network or through an SSH tunnel, with sslmode=disable or no sslmode."
    )]
    TlsRequired {
        /// The URL.
        url: String,
        /// The sslmode asked for.
        mode: String,
    },
    /// The environment variable meant to hold the password is not set.
    #[error(
        "The environment variable {name} that should hold the line's database password is not set."
    )]
    PasswordNotSet {
        /// The variable's name.
        name: String,
    },
    /// The file meant to hold the password cannot be read, or is empty.
    #[error("The line's database password cannot be read from {}: {reason}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// The database cannot be reached, or did not answer in time, or cannot take the
    /// request now (shutting down, starting up, out of room).
    #[error("The line's database {url} cannot be reached: {reason}")]
    Unreachable {
        /// The store.
        url: String,
        /// What happened.
        reason: String,
    },
    /// The database did not answer within the deadline.
    #[error("The line's database {url} did not answer within {} s ({what}).", limit.as_secs())]
    Timeout {
        /// The store.
        url: String,
        /// What was asked.
        what: &'static str,
        /// The deadline.
        limit: Duration,
    },
    /// The password is wrong.
    #[error(
        "The line's database {url} refused the password of user `{user}`: check the password (in {env}, `password_env` or `password_file`)."
    )]
    WrongPassword {
        /// The store.
        url: String,
        /// The user.
        user: String,
        /// The environment variable read by default.
        env: &'static str,
    },
    /// The database asks for a password and none is set.
    #[error(
        "The line's database {url} asks for a password and none is set: put it in the environment variable {env} (or the one `password_env` names), or in a file named by `password_file`."
    )]
    PasswordNeeded {
        /// The store.
        url: String,
        /// The environment variable read by default.
        env: &'static str,
    },
    /// The database refuses this user or client (no such role, not allowed by
    /// pg_hba.conf, no such database, no privilege).
    #[error("The line's database {url} refuses access: {reason}")]
    AccessDenied {
        /// The store.
        url: String,
        /// The database's own words.
        reason: String,
    },
    /// The database has no DFU Station schema yet.
    #[error(
        "The line's database {url} has no DFU Station schema: run `dfu-station line init --store {url}` once. Nothing was written."
    )]
    NotInitialized {
        /// The store.
        url: String,
    },
    /// The database's schema is newer than this build knows.
    #[error(
        "The line's database {url} has schema version {found}, newer than this DFU Station knows ({known}): update DFU Station on this computer. Nothing was written."
    )]
    NewerSchema {
        /// The store.
        url: String,
        /// The version found.
        found: i32,
        /// The newest version this build knows.
        known: i32,
    },
    /// The database's schema is older than this build needs.
    #[error(
        "The line's database {url} has schema version {found}, older than this DFU Station needs ({known}): run `dfu-station line init --store {url}` to bring it up to date. Nothing was written."
    )]
    OlderSchema {
        /// The store.
        url: String,
        /// The version found.
        found: i32,
        /// The version this build needs.
        known: i32,
    },
    /// Units of the values file are in the database already.
    #[error(
        "The line's database has {count} of the values file's units already ({ids}): each unit is imported once. Nothing was imported."
    )]
    DuplicateUnits {
        /// How many.
        count: usize,
        /// The first few, comma-separated.
        ids: String,
    },
    /// No units were imported with this station's per-board config.
    #[error(
        "The line's database {url} has no units imported with the config {config} (SHA-256 {sha256}): import the units with this config (`dfu-station line import`), or give this station the config they were imported with."
    )]
    NoUnitsForConfig {
        /// The store.
        url: String,
        /// The config file's name.
        config: String,
        /// Its SHA-256, lowercase hex.
        sha256: String,
    },
    /// A unit in the database cannot be read back (its cells or header are not what an
    /// import writes).
    #[error(
        "The line's database {url} holds unit {id} in a form DFU Station cannot read: {reason}"
    )]
    DamagedUnit {
        /// The store.
        url: String,
        /// The unit.
        id: String,
        /// What is wrong.
        reason: String,
    },
}

impl LineError {
    /// The failure code: `line-unreachable` while the database may come back by itself,
    /// `line-refused` for what needs someone to act, `provision-values-invalid` for the
    /// units imported.
    pub fn code(&self) -> Code {
        match self {
            LineError::Unreachable { .. } | LineError::Timeout { .. } => Code::LineUnreachable,
            LineError::DuplicateUnits { .. }
            | LineError::NoUnitsForConfig { .. }
            | LineError::DamagedUnit { .. } => Code::ProvisionValuesInvalid,
            LineError::BadUrl { .. }
            | LineError::PasswordInUrl { .. }
            | LineError::TlsRequired { .. }
            | LineError::PasswordNotSet { .. }
            | LineError::PasswordFile { .. }
            | LineError::WrongPassword { .. }
            | LineError::PasswordNeeded { .. }
            | LineError::AccessDenied { .. }
            | LineError::NotInitialized { .. }
            | LineError::NewerSchema { .. }
            | LineError::OlderSchema { .. } => Code::LineRefused,
        }
    }

    /// Whether the fault is in what was given (the URL, the password's source, the units
    /// to import), rather than in the database or the way to it.
    pub fn in_the_input(&self) -> bool {
        matches!(
            self,
            LineError::BadUrl { .. }
                | LineError::PasswordInUrl { .. }
                | LineError::TlsRequired { .. }
                | LineError::PasswordNotSet { .. }
                | LineError::PasswordFile { .. }
                | LineError::DuplicateUnits { .. }
                | LineError::NoUnitsForConfig { .. }
        )
    }

    /// Whether the request may succeed later by itself (the database is down or busy):
    /// records wait and claims pause, rather than the station stopping.
    pub fn transient(&self) -> bool {
        self.code() == Code::LineUnreachable
    }

    /// What the database said, sorted into the kinds a station acts on.
    pub(crate) fn from_postgres(url: &str, user: &str, error: tokio_postgres::Error) -> LineError {
        let url = url.to_owned();
        if let Some(db) = error.as_db_error() {
            let reason = db.message().to_owned();
            let code = db.code();
            return if *code == SqlState::INVALID_PASSWORD {
                LineError::WrongPassword {
                    url,
                    user: user.to_owned(),
                    env: crate::DEFAULT_PASSWORD_ENV,
                }
            } else if [
                SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
                SqlState::INVALID_CATALOG_NAME,
                SqlState::INSUFFICIENT_PRIVILEGE,
            ]
            .contains(code)
            {
                LineError::AccessDenied { url, reason }
            } else if *code == SqlState::UNDEFINED_TABLE {
                LineError::NotInitialized { url }
            } else {
                // Shutting down, starting up, cancelled by statement_timeout, out of
                // room, or a conflict a retry clears: it may work again by itself.
                LineError::Unreachable {
                    url,
                    reason: format!("{reason} (SQLSTATE {})", code.code()),
                }
            };
        }
        let reason =
            std::iter::successors(Some(&error as &(dyn std::error::Error + 'static)), |e| {
                e.source()
            })
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        if reason.contains("password missing") {
            return LineError::PasswordNeeded {
                url,
                env: crate::DEFAULT_PASSWORD_ENV,
            };
        }
        LineError::Unreachable { url, reason }
    }
}

/// A line store that cannot be used, as the one failure type: its code, its message, and
/// the error itself as the cause.
impl From<LineError> for Failure {
    fn from(error: LineError) -> Failure {
        Failure::from_error(error.code(), error)
    }
}
