//! Where the line's store is and how to log in: a PostgreSQL URL without a password, and
//! the password from an environment variable or a file (never from the profile).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::config::SslMode;

use crate::LineError;

/// The environment variable the password is read from unless told otherwise.
pub const DEFAULT_PASSWORD_ENV: &str = "DFU_STATION_LINE_PASSWORD";

/// The longest a connection attempt may take (each address the host resolves to).
pub const CONNECT_LIMIT: Duration = Duration::from_secs(5);

/// The longest any request to the database may take, on the client's clock (the server
/// is told the same as its `statement_timeout` and `lock_timeout`).
pub const QUERY_LIMIT: Duration = Duration::from_secs(5);

/// How long the server keeps a transaction whose client went quiet (a station stopped
/// mid-claim): then it rolls it back.
const IDLE_IN_TRANSACTION_LIMIT: Duration = Duration::from_secs(10);

/// Where the password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// [`DEFAULT_PASSWORD_ENV`] if it is set; no password otherwise (a database that
    /// trusts the station's user, or a local socket with peer authentication).
    Default,
    /// This environment variable, which must be set.
    Env(String),
    /// The first line of this file, which must not be empty.
    File(PathBuf),
}

/// A line store: the URL as given (without a password) and how to connect to it, with
/// the deadlines every connection keeps.
#[derive(Clone)]
pub struct StoreConfig {
    url: String,
    config: tokio_postgres::Config,
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &self.url)
            .finish()
    }
}

/// The URL, which never holds a password.
impl fmt::Display for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl StoreConfig {
    /// Reads `url` (`postgres://USER@HOST:PORT/DATABASE`, or libpq's `key=value` form) and
    /// the password from `password`. Refused: a URL that does not parse or names no host,
    /// one that holds a password, one that requires TLS; a password source that is not
    /// set or cannot be read.
    pub fn new(url: &str, password: &Password) -> Result<StoreConfig, LineError> {
        let bad = |reason: String| LineError::BadUrl {
            url: url.to_owned(),
            reason,
        };
        // The parser's messages name the option, never its value (a password stays unsaid).
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| {
            bad(std::error::Error::source(&e)
                .map_or_else(|| e.to_string(), |source| format!("{e}: {source}")))
        })?;
        if config.get_password().is_some() {
            return Err(LineError::PasswordInUrl {
                env: DEFAULT_PASSWORD_ENV,
            });
        }
        if config.get_hosts().is_empty() {
            return Err(bad("it names no host".into()));
        }
        if config.get_ssl_mode() == SslMode::Require {
            let mode = url
                .split(['?', '&', ' '])
                .find_map(|part| part.strip_prefix("sslmode="))
                .unwrap_or("require");
            return Err(LineError::TlsRequired {
                url: url.to_owned(),
                mode: mode.to_owned(),
            });
        }
        if let Some(secret) = read_password(password)? {
            config.password(secret);
        }
        let server_limits = format!(
            "-c statement_timeout={} -c lock_timeout={} -c idle_in_transaction_session_timeout={}",
            QUERY_LIMIT.as_millis(),
            QUERY_LIMIT.as_millis(),
            IDLE_IN_TRANSACTION_LIMIT.as_millis()
        );
        config
            .ssl_mode(SslMode::Disable)
            .connect_timeout(CONNECT_LIMIT)
            .tcp_user_timeout(QUERY_LIMIT)
            .keepalives_idle(Duration::from_secs(10))
            .options(server_limits)
            .application_name("dfu-station");
        Ok(StoreConfig {
            url: url.to_owned(),
            config,
        })
    }

    /// The same store, named in the database's list of sessions (`pg_stat_activity`) as
    /// `dfu-station: NAME`.
    pub fn named(&self, name: &str) -> StoreConfig {
        let mut named = self.clone();
        named
            .config
            .application_name(format!("dfu-station: {name}"));
        named
    }

    /// The URL as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The user it logs in as (PostgreSQL's default: the system user's name).
    pub fn user(&self) -> String {
        self.config
            .get_user()
            .map_or_else(|| std::env::var("USER").unwrap_or_default(), str::to_owned)
    }

    pub(crate) fn postgres(&self) -> &tokio_postgres::Config {
        &self.config
    }
}

/// The password `source` gives, if any.
fn read_password(source: &Password) -> Result<Option<String>, LineError> {
    match source {
        Password::Default => Ok(std::env::var(DEFAULT_PASSWORD_ENV).ok()),
        Password::Env(name) => std::env::var(name)
            .map(Some)
            .map_err(|_| LineError::PasswordNotSet { name: name.clone() }),
        Password::File(path) => {
            let unreadable = |reason: String| LineError::PasswordFile {
                path: path.clone(),
                reason,
            };
            let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
            match text.lines().next().map(str::trim_end) {
                Some(line) if !line.is_empty() => Ok(Some(line.to_owned())),
                _ => Err(unreadable("the file is empty".into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_a_password_is_refused_without_repeating_it() {
        for url in [
            "postgres://dfu:s3cret@db.factory/line3",
            "host=db.factory user=dfu password=s3cret dbname=line3",
        ] {
            let error = StoreConfig::new(url, &Password::Default).unwrap_err();
            assert!(matches!(error, LineError::PasswordInUrl { .. }), "{error}");
            let message = error.to_string();
            assert!(!message.contains("s3cret"), "{message}");
            assert!(message.contains(DEFAULT_PASSWORD_ENV), "{message}");
        }
    }

    #[test]
    fn bad_urls_say_how_to_write_one() {
        for url in ["postgres://", "mysql://db/line", "postgres://db:port/line"] {
            let error = StoreConfig::new(url, &Password::Default).unwrap_err();
            assert!(matches!(error, LineError::BadUrl { .. }), "{url}: {error}");
            assert!(
                error
                    .to_string()
                    .contains("postgres://USER@HOST:PORT/DATABASE"),
                "{error}"
            );
        }
        let tls = StoreConfig::new("postgres://dfu@db/line?sslmode=require", &Password::Default);
        assert!(matches!(tls, Err(LineError::TlsRequired { .. })), "{tls:?}");
    }

    #[test]
    fn the_password_comes_from_the_named_source() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("password");
        std::fs::write(&file, "s3cret\n").unwrap();
        let config =
            StoreConfig::new("postgres://dfu@db/line", &Password::File(file.clone())).unwrap();
        assert_eq!(config.postgres().get_password(), Some(&b"s3cret"[..]));
        assert_eq!(config.to_string(), "postgres://dfu@db/line");
        assert_eq!(config.user(), "dfu");
        std::fs::write(&file, "").unwrap();
        let empty = StoreConfig::new("postgres://dfu@db/line", &Password::File(file));
        assert!(matches!(empty, Err(LineError::PasswordFile { .. })));
        let unset = Password::Env("DFU_STATION_LINE_PASSWORD_NOT_SET_ANYWHERE".into());
        let error = StoreConfig::new("postgres://dfu@db/line", &unset).unwrap_err();
        assert!(matches!(error, LineError::PasswordNotSet { .. }), "{error}");
    }
}
