//! The native file pickers (rfd) the window asks the station to show: the station runs
//! them on a thread of its own, so the window never waits on a dialog.

use crossbeam_channel::{Receiver, bounded};
use eframe::egui;

use crate::station::Picker;
use crate::station::files::{Existing, write_atomically};
use crate::station::support;

/// The picker for a DFU file to flash.
pub fn dfu_file() -> Picker {
    Box::new(|| {
        rfd::FileDialog::new()
            .set_title("Open a DFU file")
            .add_filter("DFU file", &["bin", "dfu"])
            .add_filter("Any file", &["*"])
            .pick_file()
    })
}

/// The picker for a binary to pack, titled `title`.
pub fn binary(title: &'static str) -> Picker {
    Box::new(move || {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter("Binary file", &["bin"])
            .add_filter("Any file", &["*"])
            .pick_file()
    })
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
