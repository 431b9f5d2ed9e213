//! `dfu-station line`: a factory line's store in PostgreSQL. `init` creates or updates
//! its schema, `import` loads the units of a checked values file once, `status` shows
//! the line and each station (docs/line.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::provision::checked;
use super::{EXIT_BAD_INPUT, EXIT_LINE, say, warn};
use i18n::t;
use line::{Batch, LineError, LineStatus, Password, Store, StoreConfig};
use station::file_name;

/// `dfu-station line`'s arguments.
#[derive(Debug, Args)]
pub struct LineArgs {
    #[command(subcommand)]
    command: LineCommand,
}

/// Where the line's store is, and where its password comes from.
#[derive(Debug, Args)]
struct StoreArgs {
    /// The line's store: postgres://USER@HOST:PORT/DATABASE (never with a password).
    #[arg(long, value_name = "URL")]
    store: String,
    /// Read the password from this environment variable (default:
    /// DFU_STATION_LINE_PASSWORD, if it is set).
    #[arg(long, value_name = "NAME", conflicts_with = "password_file")]
    password_env: Option<String>,
    /// Read the password from the first line of this file.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

impl StoreArgs {
    fn config(&self) -> Result<StoreConfig, LineError> {
        let password = match (&self.password_env, &self.password_file) {
            (Some(name), _) => Password::Env(name.clone()),
            (None, Some(file)) => Password::File(file.clone()),
            (None, None) => Password::Default,
        };
        StoreConfig::new(&self.store, &password)
    }
}

#[derive(Debug, Subcommand)]
enum LineCommand {
    /// Create the line's schema in an empty database, or bring an older one up to date
    /// (a database of a newer schema is refused). Run once per database; again after an
    /// update of DFU Station.
    Init {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Check a config and values file as `provision check` does, then load their units
    /// into the line's store, once: refused whole, with nothing written, when a unit id
    /// is there already.
    Import {
        /// The config CSV: `NAME,namespace,` and `key,data|file,encoding` rows.
        config: PathBuf,
        /// The values CSV: a header row of keys, one row per unit, the unit id first.
        values: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The line and each station: passed, failed, units (left, flashed, spent), the last
    /// record, and the stations silent for longer than --silent-after.
    Status {
        #[command(flatten)]
        store: StoreArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// A station is silent when no record of it arrived for this many minutes.
        #[arg(long, value_name = "MINUTES", default_value_t = 10)]
        silent_after: u64,
    },
}

/// The exit code of a line's store that cannot be used: 2 when the fault is in what was
/// given (the URL, the password's source, the units), 6 when it is in the database or
/// the way to it.
pub fn exit_code(error: &LineError) -> u8 {
    match error.in_the_input() {
        true => EXIT_BAD_INPUT,
        false => EXIT_LINE,
    }
}

/// Runs `line init`, `line import` or `line status`; returns the exit code.
pub fn run(args: &LineArgs) -> ExitCode {
    let done = match &args.command {
        LineCommand::Init { store } => init(store),
        LineCommand::Import {
            config,
            values,
            store,
        } => import(config, values, store),
        LineCommand::Status {
            store,
            json,
            silent_after,
        } => status(store, *json, *silent_after),
    };
    match done {
        Ok(exit) => exit,
        Err(error) => {
            warn(&format!("{error} [{}]", error.code()));
            ExitCode::from(exit_code(&error))
        }
    }
}

fn init(args: &StoreArgs) -> Result<ExitCode, LineError> {
    let config = args.config()?;
    let done = Store::init(&config)?;
    let store = config.url();
    say(&match done.from == done.to {
        true => t!("cli-line-schema-current", store = store, version = done.to),
        false => t!(
            "cli-line-schema-applied",
            store = store,
            from = done.from,
            to = done.to
        ),
    });
    Ok(ExitCode::SUCCESS)
}

fn import(config: &Path, values: &Path, args: &StoreArgs) -> Result<ExitCode, LineError> {
    let store = args.config()?;
    let command = "line import"; // not for people: the command's name before its messages
    let checked = match checked(config, values, command) {
        Ok(checked) => checked,
        Err(exit) => return Ok(exit),
    };
    let batch = Batch::new(
        &file_name(config),
        &checked.config,
        &file_name(values),
        &checked.values,
        &checked.units,
    );
    let count = Store::connect(&store)?.import(&batch)?;
    say(&t!(
        "cli-line-imported",
        units = batch.len(),
        values = values.display().to_string(),
        store = store.url(),
        left = count.left,
        total = count.total
    ));
    Ok(ExitCode::SUCCESS)
}

fn status(args: &StoreArgs, json: bool, silent_after: u64) -> Result<ExitCode, LineError> {
    let config = args.config()?;
    let status = Store::connect(&config)?.status(Duration::from_secs(silent_after * 60))?;
    match json {
        true => println!(
            "{}",
            serde_json::to_string_pretty(&status).expect("a status serialises")
        ),
        false => say(&status_text(&status)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The line's status as lines of text: the line, each station, the silent ones.
fn status_text(status: &LineStatus) -> String {
    let line = &status.line;
    let none = || i18n::Arg::from("none");
    let last = |time: &Option<String>| time.clone().map_or_else(none, i18n::Arg::from);
    let mut text = vec![t!(
        "cli-line-status",
        store = status.store.as_str(),
        passed = line.passed,
        failed = line.failed,
        left = line.rows_left,
        claimed = line.claimed,
        flashed = line.flashed,
        spent = line.spent,
        last = last(&status.last_record)
    )];
    for station in &status.stations {
        text.push(t!(
            "cli-line-status-station",
            station = station.station.as_str(),
            passed = station.passed,
            failed = station.failed,
            flashed = station.flashed,
            spent = station.spent,
            claimed = station.claimed,
            last = last(&station.last_record),
            minutes = station.quiet_minutes.map_or_else(none, i18n::Arg::from)
        ));
    }
    let silent: Vec<&str> = status.silent().map(|s| s.station.as_str()).collect();
    if !silent.is_empty() {
        text.push(t!(
            "cli-line-status-silent",
            minutes = status.silent_after_minutes,
            stations = silent.join(", ")
        ));
    }
    text.join("\n")
}
