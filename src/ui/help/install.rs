//! "Install rule": writes the udev rule as root through pkexec (the system's password
//! dialog) on a thread of its own, never the UI's; the app itself never runs as root.

use std::io::Write;
use std::process::{Command, Stdio};

use crossbeam_channel::{Receiver, unbounded};
use eframe::egui;

use super::topics::{UDEV_RULE_FILE, install_script};
use i18n::t;

/// Where an installation is.
#[derive(Debug, Default)]
pub enum Install {
    #[default]
    NotStarted,
    /// pkexec runs (its password dialog may be open).
    Running(Receiver<Result<(), NotInstalled>>),
    /// Finished: installed, or why not.
    Done(Result<(), NotInstalled>),
}

/// Why the rule was not installed.
#[derive(Debug)]
pub enum NotInstalled {
    /// pkexec could not start (the system's error).
    NoPkexec(String),
    /// The password dialog was cancelled or the password refused.
    Refused,
    /// The script or the wait failed (the system's words).
    Failed(String),
}

impl Install {
    /// Starts pkexec, unless it runs; `ctx` is woken when it ends.
    pub fn start(&mut self, ctx: &egui::Context) {
        if matches!(self, Install::Running(_)) {
            return;
        }
        let (tx, rx) = unbounded();
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("udev-install".into()) // not for people: a thread name
            .spawn(move || {
                let _ = tx.send(run_pkexec());
                ctx.request_repaint();
            })
            .expect("spawn the udev installer");
        *self = Install::Running(rx);
    }

    /// Takes the outcome if it has arrived.
    pub fn poll(&mut self) {
        if let Install::Running(rx) = self
            && let Ok(outcome) = rx.try_recv()
        {
            *self = Install::Done(outcome);
        }
    }

    /// The state in a sentence, if there is something to say.
    pub fn status(&self) -> Option<String> {
        match self {
            Install::NotStarted => None,
            Install::Running(_) => Some(t!("help-install-running")),
            Install::Done(Ok(())) => Some(t!("help-install-done")),
            Install::Done(Err(NotInstalled::NoPkexec(error))) => {
                Some(t!("help-install-no-pkexec", error = error.as_str()))
            }
            Install::Done(Err(NotInstalled::Refused)) => Some(t!("help-install-refused")),
            Install::Done(Err(NotInstalled::Failed(error))) => {
                Some(t!("help-install-failed", error = error.as_str()))
            }
        }
    }
}

/// `pkexec sh -c '<install_script>'` with the rule file on stdin.
fn run_pkexec() -> Result<(), NotInstalled> {
    let mut child = Command::new("pkexec") // not for people: a command
        .args(["sh", "-c", &install_script()]) // not for people: a command
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| NotInstalled::NoPkexec(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A failed write shows in the exit status.
        let _ = stdin.write_all(UDEV_RULE_FILE.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| NotInstalled::Failed(e.to_string()))?;
    match output.status.code() {
        Some(0) => Ok(()),
        // pkexec: the dialog was dismissed or the password refused.
        Some(126 | 127) => Err(NotInstalled::Refused),
        _ => Err(NotInstalled::Failed(format!(
            "{} ({}).",
            String::from_utf8_lossy(&output.stderr).trim(),
            output.status
        ))),
    }
}
