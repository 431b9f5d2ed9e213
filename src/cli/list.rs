//! `dfu-station list [--json] [--watch [--watch-seconds N]]`: every DFU interface, one
//! `dfu-util -l` line each, or a live listing of interfaces as they come and go; on
//! Windows, a line per board whose DFU interface needs its driver (the driver doctor).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;

use super::EXIT_NO_BOARD;
use failure::{Code, Failure};
use station::advice::{driver_line, explained};
use usb::driver::{ThisComputer, examine};
use usb::{DfuTarget, Pick, Usb, UsbError, UsbEvent, WatchMode};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array (with --watch: one JSON object per event and line) instead of text.
    #[arg(long)]
    json: bool,
    /// Keep listing: print `Added: LINE` / `Removed: LINE` as boards come and go (the
    /// boards already there first), until interrupted.
    #[arg(long)]
    watch: bool,
    /// With --watch: stop after this many seconds.
    #[arg(long, value_name = "N", requires = "watch")]
    watch_seconds: Option<u64>,
}

pub fn run(args: &ListArgs) -> ExitCode {
    if args.watch {
        return watch(args);
    }
    // Without USB nothing can be listed: say why, and exit as when there is no board
    // (dfu-util exits non-zero too).
    let targets = match Usb::new().and_then(|usb| usb.list()) {
        Ok(targets) => targets,
        Err(error) => {
            eprintln!("{}", station::advice::explain_usb(&error));
            return ExitCode::from(EXIT_NO_BOARD);
        }
    };
    let mut warned = Warned::default();
    targets.iter().for_each(|target| warned.check(target));
    // Windows: a board whose DFU interface needs its driver, which libusb may not list.
    for finding in examine(&ThisComputer).unwrap_or_default() {
        super::warn(&driver_line(&finding));
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&targets).expect("serializable")
        );
    } else if targets.is_empty() {
        let none = Pick::NoMatch { present: 0 }.to_string();
        eprintln!("{}", explained(&Failure::new(Code::NoBoard, none)));
    } else {
        targets
            .iter()
            .for_each(|target| super::say(&target.to_string()));
    }
    ExitCode::SUCCESS
}

/// Prints events from the hotplug watcher (polling where [`WatchMode::from_env`] says).
fn watch(args: &ListArgs) -> ExitCode {
    let watcher = match Usb::new().map(|usb| usb.watch(WatchMode::from_env())) {
        Ok(watcher) => watcher,
        Err(error) => {
            eprintln!("{}", station::advice::explain_usb(&error));
            return ExitCode::from(EXIT_NO_BOARD);
        }
    };
    let deadline = args
        .watch_seconds
        .map(|s| Instant::now() + Duration::from_secs(s));
    let mut warned = Warned::default();
    loop {
        let event = match deadline {
            Some(deadline) => watcher.events().recv_deadline(deadline).ok(),
            None => watcher.events().recv().ok(),
        };
        let Some(event) = event else {
            return ExitCode::SUCCESS;
        };
        let (name, target) = match &event {
            UsbEvent::Added(target) => {
                warned.check(target);
                ("added", target)
            }
            UsbEvent::Removed(target) => ("removed", target),
        };
        if args.json {
            let mut value = serde_json::to_value(target).expect("serializable");
            value["event"] = name.into();
            println!("{value}");
        } else if let UsbEvent::Added(_) = event {
            super::say(&i18n::t!("cli-board-added", board = target.to_string()));
        } else {
            super::say(&i18n::t!("cli-board-removed", board = target.to_string()));
        }
    }
}

/// The devices already warned about: one warning per device that could not be opened to
/// read its strings.
#[derive(Default)]
struct Warned(Vec<(u8, u8)>);

impl Warned {
    fn check(&mut self, target: &DfuTarget) {
        if let Some(error) = &target.open_error
            && !self.0.contains(&(target.bus, target.devnum))
        {
            self.0.push((target.bus, target.devnum));
            super::warn(&cannot_open(target, error));
        }
    }
}

/// "Cannot open DFU device 303a:0002 at path 1-1: ..." with the advice.
fn cannot_open(target: &DfuTarget, error: &UsbError) -> String {
    let message = station::flash::cannot_open(target.vid, target.pid, &target.path, error);
    explained(&Failure::new(error.code(), message).because(error.clone()))
}
