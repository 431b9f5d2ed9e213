//! The native file dialogs (rfd), each on a thread of its own so the window never waits
//! on one: [`Dialog`] holds the answer to come; the view that opened it polls it. Where
//! no dialog can be shown (a Linux desktop without the XDG desktop portal or zenity), the
//! answer says so instead of nothing happening.

use std::path::PathBuf;

use crossbeam_channel::{Receiver, TryRecvError, bounded};
use eframe::egui;

use i18n::t;
use station::files::{Existing, write_atomically};
use station::support::{self, History};

/// How a file dialog ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This file or folder was picked.
    Picked(PathBuf),
    /// The dialog was closed without a pick.
    Cancelled,
    /// No dialog could be shown, and why.
    Unavailable(String),
}

/// An open file dialog: its answer arrives when the user closes it.
pub struct Dialog {
    answer: Receiver<Answer>,
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
            let answer = match service() {
                Err(why) => Answer::Unavailable(why),
                Ok(()) => pick(dialog).map_or(Answer::Cancelled, Answer::Picked),
            };
            let _ = tx.send(answer);
            ctx.request_repaint();
        });
        Dialog { answer }
    }

    /// Asks for a DFU file to flash.
    pub fn dfu_file(ctx: &egui::Context) -> Dialog {
        let dialog = rfd::FileDialog::new()
            .set_title(t!("window-open-dfu-file"))
            .add_filter(t!("window-filter-dfu"), &["bin", "dfu"]) // not for people: file extensions
            .add_filter(t!("window-filter-any"), &["*"]);
        Dialog::show(ctx, dialog, rfd::FileDialog::pick_file)
    }

    /// Asks for a binary to pack, titled `title`.
    pub fn binary(ctx: &egui::Context, title: &str) -> Dialog {
        let dialog = rfd::FileDialog::new()
            .set_title(title)
            .add_filter(t!("window-filter-binary"), &["bin"]) // not for people: file extensions
            .add_filter(t!("window-filter-any"), &["*"]);
        Dialog::show(ctx, dialog, rfd::FileDialog::pick_file)
    }

    /// Asks for a folder, titled `title`.
    pub fn folder(ctx: &egui::Context, title: &str) -> Dialog {
        let dialog = rfd::FileDialog::new().set_title(title);
        Dialog::show(ctx, dialog, rfd::FileDialog::pick_folder)
    }

    /// `None` while the dialog is open; then once its answer.
    pub fn answer(&self) -> Option<Answer> {
        match self.answer.try_recv() {
            Ok(answer) => Some(answer),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Answer::Cancelled),
        }
    }
}

/// Whether a file dialog can be shown here. On Linux rfd asks the XDG desktop portal on
/// the session bus and falls back to zenity: with neither, it shows nothing at all. The
/// error is the sentence the window shows, in the reader's language (nothing inspects it).
#[cfg(target_os = "linux")]
pub fn service() -> Result<(), String> {
    const PORTAL: &str = "org.freedesktop.portal.Desktop"; // not for people: a D-Bus name
    const ZENITY: &str = "zenity"; // not for people: a program's file name
    let portal = zbus::blocking::Connection::session()
        .map_err(|e| t!("window-no-session-bus", error = e.to_string()))
        .and_then(|bus| {
            let dbus = zbus::blocking::fdo::DBusProxy::new(&bus).map_err(|e| e.to_string())?;
            let name = zbus::names::BusName::try_from(PORTAL).map_err(|e| e.to_string())?;
            let running = dbus.name_has_owner(name.clone()).unwrap_or(false);
            let activatable = (dbus.list_activatable_names().unwrap_or_default().iter())
                .any(|n| n.as_str() == PORTAL);
            if running || activatable {
                Ok(())
            } else {
                Err(t!("window-portal-missing", name = PORTAL))
            }
        });
    let zenity = std::env::var_os("PATH") // not for people: an environment variable
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(ZENITY).is_file()));
    match portal {
        Ok(()) => Ok(()),
        Err(_) if zenity => Ok(()),
        Err(why) => Err(t!("window-no-dialog-service", why = why)),
    }
}

/// Whether a file dialog can be shown here: Windows and macOS always have one.
#[cfg(not(target_os = "linux"))]
pub fn service() -> Result<(), String> {
    Ok(())
}

/// Asks where to save a support report (with `session_log`), writes it there, and says
/// how that went on the returned channel; on a thread of its own. Nothing is said when
/// the dialog is cancelled.
pub fn save_support_report(
    history: History,
    session_log: Vec<String>,
    ctx: &egui::Context,
) -> Receiver<String> {
    let (tx, rx) = bounded(1);
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let Some(path) = rfd::FileDialog::new()
            .set_title(t!("window-save-support-report"))
            .set_file_name("dfu-station-report.txt") // not for people: a file name, in every language
            .save_file()
        else {
            return;
        };
        // The dialog asked before a file is replaced.
        let report = support::report(&history, &session_log);
        let said = match write_atomically(&path, report.as_bytes(), Existing::Replace) {
            Ok(()) => t!("window-report-saved", path = path.display().to_string()),
            Err(error) => t!(
                "window-report-not-saved",
                path = path.display().to_string(),
                error = error.to_string(),
            ),
        };
        let _ = tx.send(said);
        ctx.request_repaint();
    });
    rx
}
