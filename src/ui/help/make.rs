//! "Make dfu.bin...": packs a raw application image (at 0x10000), with an optional
//! bootloader (at the chip's address) and partition table (0x8000), into a dfu.bin next to
//! the app, as `idf.py dfu` would; then loads it. Files are picked in a [`Dialog`] on a
//! thread of its own; reading, packing and writing run on the station's loader thread.

use std::path::PathBuf;

use eframe::egui;

use crate::ui::dialogs::{Answer, Dialog};
use crate::ui::style::WARN;
use firmware::Chip;
use i18n::t;
use station::files::{Existing, make_dfu_bin};
use station::{Command, Reader, file_name};

/// Where the app goes in flash.
pub const APP_ADDRESS: u32 = 0x10000;
/// Where the partition table goes in flash.
pub const PARTITION_TABLE_ADDRESS: u32 = 0x8000;
/// The chips the dialog offers (those with ROM DFU and known addresses).
const CHIPS: [Chip; 2] = [Chip::Esp32S2, Chip::Esp32S3];

/// One of the optional files the dialog picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The second-stage bootloader.
    Bootloader,
    /// The partition table.
    PartitionTable,
}

impl Pick {
    /// The file's name in the dialog's row.
    fn label(self) -> String {
        match self {
            Pick::Bootloader => t!("help-make-bootloader"),
            Pick::PartitionTable => t!("help-make-partition-table"),
        }
    }

    /// The title of the file dialog that picks it.
    fn title(self) -> String {
        match self {
            Pick::Bootloader => t!("help-make-pick-bootloader"),
            Pick::PartitionTable => t!("help-make-pick-partition-table"),
        }
    }
}

/// Where the chip's ROM looks for the second-stage bootloader.
pub fn bootloader_address(chip: Chip) -> u32 {
    match chip {
        Chip::Esp32S2 => 0x1000,
        _ => 0x0,
    }
}

/// The dialog's choices.
pub struct MakeDialog {
    /// The chip to pack for.
    pub chip: Chip,
    /// The application image (at [`APP_ADDRESS`]).
    pub app: PathBuf,
    /// The second-stage bootloader, if one goes in.
    pub bootloader: Option<PathBuf>,
    /// The partition table, if one goes in.
    pub partition_table: Option<PathBuf>,
    /// The existing output the user agreed to replace.
    replace: Option<PathBuf>,
    /// The file dialog open for one of the optional files.
    picking: Option<(Pick, Dialog)>,
    /// Why the last Choose... showed no dialog.
    unavailable: Option<String>,
}

/// What the dialog asks of the app.
pub enum Request {
    /// Load this file, made by the reader.
    Load(PathBuf, Command),
    /// The dialog was closed.
    Close,
}

impl MakeDialog {
    /// The dialog for `app`, for `chip`.
    pub fn new(app: PathBuf, chip: Chip) -> MakeDialog {
        MakeDialog {
            chip: if CHIPS.contains(&chip) {
                chip
            } else {
                Chip::Esp32S2
            },
            app,
            bootloader: None,
            partition_table: None,
            replace: None,
            picking: None,
            unavailable: None,
        }
    }

    /// Where the dfu.bin is written: next to the app, `<app name>-dfu.bin`.
    pub fn output(&self) -> PathBuf {
        let stem = self.app.file_stem().unwrap_or_default().to_string_lossy();
        self.app.with_file_name(format!("{stem}-dfu.bin")) // not for people: a file name
    }

    /// Takes a picked file (the answer to one of this dialog's pickers).
    pub fn picked(&mut self, pick: Pick, path: Option<PathBuf>) {
        if path.is_none() {
            return;
        }
        match pick {
            Pick::Bootloader => self.bootloader = path,
            Pick::PartitionTable => self.partition_table = path,
        }
    }

    /// The files at their addresses.
    fn files(&self) -> Vec<(u32, PathBuf)> {
        let mut files = vec![(APP_ADDRESS, self.app.clone())];
        if let Some(path) = &self.bootloader {
            files.push((bootloader_address(self.chip), path.clone()));
        }
        if let Some(path) = &self.partition_table {
            files.push((PARTITION_TABLE_ADDRESS, path.clone()));
        }
        files
    }

    /// The load command that packs, writes and checks the dfu.bin on the loader thread;
    /// it replaces an existing output only if the user agreed to.
    pub fn command(&self) -> (PathBuf, Command) {
        let output = self.output();
        let existing = if self.replace.as_ref() == Some(&output) {
            Existing::Replace
        } else {
            Existing::Keep
        };
        let (files, pid, out) = (self.files(), self.chip.pid(), output.clone());
        let read: Reader = Box::new(move || make_dfu_bin(&files, pid, &out, existing));
        (output.clone(), Command::LoadImage { path: output, read })
    }

    /// Shows the dialog window.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<Request> {
        if let Some((pick, dialog)) = &self.picking
            && let Some(answer) = dialog.answer()
        {
            let pick = *pick;
            self.picking = None;
            match answer {
                Answer::Picked(path) => self.picked(pick, Some(path)),
                Answer::Cancelled => {}
                Answer::Unavailable(why) => self.unavailable = Some(why),
            }
        }
        let mut request = None;
        let mut choose = None;
        egui::Window::new(t!("help-make-window-title"))
            .id(egui::Id::unique("make_dfu_bin_window")) // not for people: an id
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                egui::Grid::new("make_dfu_bin") // not for people: an id
                    .num_columns(3)
                    .spacing([12.0, 8.0])
                    .show(ui, |ui| {
                        let label = ui.label(t!("help-make-chip"));
                        egui::ComboBox::from_id_salt("make_chip")
                            .selected_text(self.chip.name())
                            .show_ui(ui, |ui| {
                                for chip in CHIPS {
                                    ui.selectable_value(&mut self.chip, chip, chip.name());
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        ui.end_row();
                        ui.label(t!("help-make-app"));
                        ui.label(t!(
                            "help-make-file-at",
                            name = file_name(&self.app),
                            address = format!("{APP_ADDRESS:#x}")
                        ));
                        ui.end_row();
                        let address = bootloader_address(self.chip);
                        let bootloader = &mut self.bootloader;
                        let picks = [
                            file_row(ui, Pick::Bootloader, address, bootloader),
                            file_row(
                                ui,
                                Pick::PartitionTable,
                                PARTITION_TABLE_ADDRESS,
                                &mut self.partition_table,
                            ),
                        ];
                        choose = picks.into_iter().flatten().next();
                        ui.label(t!("help-make-writes"));
                        ui.label(self.output().display().to_string());
                        ui.end_row();
                    });
                ui.label(egui::RichText::new(t!("help-make-hint")).weak());
                if let Some(why) = &self.unavailable {
                    ui.label(
                        egui::RichText::new(t!("help-make-no-file-dialog", reason = why.as_str()))
                            .color(WARN),
                    );
                }
                let output = self.output();
                let confirmed = self.replace.as_ref() == Some(&output);
                if confirmed {
                    ui.label(
                        egui::RichText::new(t!("help-make-exists", name = file_name(&output)))
                            .color(WARN),
                    );
                }
                ui.horizontal(|ui| {
                    let label = if confirmed {
                        t!("help-make-replace-and-load")
                    } else {
                        t!("help-make-and-load")
                    };
                    if ui.button(label).clicked() {
                        if !confirmed && std::fs::symlink_metadata(&output).is_ok() {
                            // Never overwritten without asking: the button asks first.
                            self.replace = Some(output);
                        } else {
                            let (path, command) = self.command();
                            request = Some(Request::Load(path, command));
                        }
                    }
                    if ui.button(t!("help-close")).clicked() {
                        request = Some(Request::Close);
                    }
                });
            });
        if let Some(pick) = choose
            && self.picking.is_none()
        {
            self.picking = Some((pick, Dialog::binary(ctx, &pick.title())));
        }
        request
    }
}

/// One optional file: its name at `address`, Choose... and Remove. Returns the file to
/// pick when Choose... was pressed.
fn file_row(
    ui: &mut egui::Ui,
    pick: Pick,
    address: u32,
    path: &mut Option<PathBuf>,
) -> Option<Pick> {
    ui.label(pick.label());
    let address = format!("{address:#x}");
    ui.label(match path.as_deref() {
        Some(path) => t!(
            "help-make-file-at",
            name = file_name(path),
            address = address
        ),
        None => t!("help-make-no-file-at", address = address),
    });
    let mut choose = None;
    ui.horizontal(|ui| {
        if ui
            .button(t!("help-make-choose"))
            .on_hover_text(pick.title())
            .clicked()
        {
            choose = Some(pick);
        }
        if path.is_some() && ui.button(t!("help-make-remove")).clicked() {
            *path = None;
        }
    });
    ui.end_row();
    choose
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootloader_goes_where_the_chip_looks() {
        let mut dialog = MakeDialog::new("/w/build/blink.bin".into(), Chip::Esp32S3);
        dialog.picked(Pick::Bootloader, Some("/w/b.bin".into()));
        dialog.picked(Pick::PartitionTable, None);
        assert_eq!(dialog.output(), PathBuf::from("/w/build/blink-dfu.bin"));
        assert_eq!(
            dialog.files(),
            [
                (0x10000, "/w/build/blink.bin".into()),
                (0x0, "/w/b.bin".into())
            ]
        );
        dialog.chip = Chip::Esp32S2;
        assert_eq!(dialog.files()[1].0, 0x1000);
    }
}
