//! "Install rule": writes the udev rule as root through pkexec (the system's password
//! dialog) on a thread of its own, never the UI's; the app itself never runs as root.

use std::io::Write;
use std::process::{Command, Stdio};

use crossbeam_channel::{Receiver, unbounded};
use eframe::egui;

use super::topics::{UDEV_RULE_FILE, install_script};

/// Where an installation is.
#[derive(Debug, Default)]
pub enum Install {
    #[default]
    NotStarted,
    /// pkexec runs (its password dialog may be open).
    Running(Receiver<Result<(), String>>),
    /// Finished: installed, or why not.
    Done(Result<(), String>),
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
            .name("udev-install".into())
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
            Install::Running(_) => Some("Installing: confirm in the password dialog...".into()),
            Install::Done(Ok(())) => Some(
                "Rule installed and udev reloaded. Unplug and replug the board, then flash again."
                    .into(),
            ),
            Install::Done(Err(reason)) => Some(format!("Not installed: {reason}")),
        }
    }
}

/// `pkexec sh -c '<install_script>'` with the rule file on stdin.
fn run_pkexec() -> Result<(), String> {
    let mut child = Command::new("pkexec")
        .args(["sh", "-c", &install_script()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("pkexec could not start ({e}). Install the rule by hand."))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A failed write shows in the exit status.
        let _ = stdin.write_all(UDEV_RULE_FILE.as_bytes());
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    match output.status.code() {
        Some(0) => Ok(()),
        // pkexec: the dialog was dismissed or the password refused.
        Some(126 | 127) => Err("the password dialog was cancelled or refused.".into()),
        _ => Err(format!(
            "{} ({}).",
            String::from_utf8_lossy(&output.stderr).trim(),
            output.status
        )),
    }
}
