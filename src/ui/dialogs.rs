//! The native file dialogs (rfd), each on a thread of its own so the window never waits
//! on one: [`Dialog`] holds the answer to come; the view that opened it polls it.

use std::path::PathBuf;

use crossbeam_channel::{Receiver, TryRecvError, bounded};
use eframe::egui;

use crate::station::files::{Existing, write_atomically};
use crate::station::support;

/// An open file dialog: its answer arrives when the user closes it.
pub struct Dialog {
    answer: Receiver<Option<PathBuf>>,
}

impl Dialog {
    /// Shows `dialog` on a thread of its own (`pick` runs it) and wakes the window when
    /// it closes.
    fn show(
        ctx: &egui::Context,
        dialog: rfd::FileDialog,
        pick: fn(rfd::FileDialog) -> Option<PathBuf>,
    ) -> Dialog {
        let (tx, answer) = bounded(1);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(pick(dialog));
            ctx.request_repaint();
        });
        Dialog { answer }
    }

    /// Asks for a DFU file to flash.
    pub fn dfu_file(ctx: &egui::Context) -> Dialog {
        let dialog = rfd::FileDialog::new()
            .set_title("Open a DFU file")
            .add_filter("DFU file", &["bin", "dfu"])
            .add_filter("Any file", &["*"]);
        Dialog::show(ctx, dialog, rfd::FileDialog::pick_file)
    }

    /// Asks for a binary to pack, titled `title`.
    pub fn binary(ctx: &egui::Context, title: &str) -> Dialog {
        let dialog = rfd::FileDialog::new()
            .set_title(title)
            .add_filter("Binary file", &["bin"])
            .add_filter("Any file", &["*"]);
        Dialog::show(ctx, dialog, rfd::FileDialog::pick_file)
    }

    /// Asks for a folder, titled `title`.
    pub fn folder(ctx: &egui::Context, title: &str) -> Dialog {
        let dialog = rfd::FileDialog::new().set_title(title);
        Dialog::show(ctx, dialog, rfd::FileDialog::pick_folder)
    }

    /// `None` while the dialog is open; then once `Some` with the path picked, if any.
    pub fn answer(&self) -> Option<Option<PathBuf>> {
        match self.answer.try_recv() {
            Ok(picked) => Some(picked),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(None),
        }
    }
}

/// Asks where to save a support report (with `session_log`), writes it there, and says
/// how that went on the returned channel; on a thread of its own. Nothing is said when
/// the dialog is cancelled.
pub fn save_support_report(session_log: Vec<String>, ctx: &egui::Context) -> Receiver<String> {
    let (tx, rx) = bounded(1);
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let Some(path) = rfd::FileDialog::new()
            .set_title("Save support report")
            .set_file_name("dfu-station-report.txt")
            .save_file()
        else {
            return;
        };
        // The dialog asked before a file is replaced.
        let report = support::report(&session_log);
        let said = match write_atomically(&path, report.as_bytes(), Existing::Replace) {
            Ok(()) => format!(
                "Saved to {}. Send this file to whoever helps you.",
                path.display()
            ),
            Err(error) => format!("Could not save to {}: {error}", path.display()),
        };
        let _ = tx.send(said);
        ctx.request_repaint();
    });
    rx
}
