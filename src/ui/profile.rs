//! Factory settings in the window: auto mode, sound, station name, and the lock. Started
//! with a profile, the window is locked to it: the image and settings cannot change
//! until the engineer's PIN unlocks them. "Save profile..." writes the current settings
//! as a profile and locks the window to it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui::{self, RichText};
use serde::{Deserialize, Serialize};

use super::style::FAIL;
use failure::Failure;
use station::LoadedImage;
use station::factory::Settings;
use station::files::Existing;
use station::line_link::LineLink;
use station::profile::{PROFILE_NEXT_TO_EXE, Profile, ProfileError};
use station::provision::Provisioning;

/// The profile the window starts with, its image read and checked against its SHA-256.
#[derive(Debug, Clone)]
pub struct StartProfile {
    /// The profile file.
    pub path: PathBuf,
    /// What it locks the station to.
    pub profile: Profile,
    /// Its image, checked against the saved SHA-256, or why it cannot be used.
    pub image: Result<Arc<LoadedImage>, Failure>,
    /// The per-board data of its `[provision]` section, opened with its row journal.
    pub provisioning: Option<Arc<Provisioning>>,
    /// The link to its `[line]` store.
    pub line: Option<Arc<LineLink>>,
}

impl StartProfile {
    /// The profile at `path`, else the one next to the executable, if any.
    pub fn find(path: Option<&Path>) -> Result<Option<StartProfile>, ProfileError> {
        let Some(path) = Profile::find(path) else {
            return Ok(None);
        };
        let profile = Profile::load(&path)?;
        // The image and, with [provision], the per-board data checked against it: with
        // either wrong, nothing is flashed.
        let (image, provisioning, line) = match profile.open() {
            Ok(opened) => (Ok(opened.image), opened.provision, opened.line),
            Err(error) => (Err(error), None, None),
        };
        Ok(Some(StartProfile {
            path,
            profile,
            image,
            provisioning,
            line,
        }))
    }
}

/// The settings the window remembers between runs (a profile overrides them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub station: String,
    pub auto: bool,
    /// Result tones (Station's only): on unless turned off.
    #[serde(default = "tones_on")]
    pub sound: bool,
    pub log_folder: Option<PathBuf>,
}

impl Default for Remembered {
    fn default() -> Remembered {
        Remembered {
            station: String::new(),
            auto: false,
            sound: true,
            log_folder: None,
        }
    }
}

fn tones_on() -> bool {
    true
}

/// A dialog of the factory bar.
enum Dialog {
    Unlock {
        pin: String,
        wrong: bool,
    },
    Save {
        path: String,
        pin: String,
        error: Option<String>,
        /// The existing file the user agreed to replace.
        replace: Option<String>,
    },
}

/// The factory settings as the window holds them, and the lock.
pub struct Factory {
    pub settings: Remembered,
    /// The profile the window is locked to (while `locked`), and its file.
    profile: Option<(PathBuf, Profile)>,
    /// The locked profile's per-board data, if it has any.
    provisioning: Option<Arc<Provisioning>>,
    /// The locked profile's line's store, if it has one.
    line: Option<Arc<LineLink>>,
    locked: bool,
    dialog: Option<Dialog>,
}

impl Factory {
    /// Settings as remembered, or as `profile` says (locked). Auto mode starts off
    /// unless the profile turns it on: only a profile pins the image's SHA-256, and a
    /// remembered file may have changed since auto mode was chosen.
    pub fn new(remembered: Remembered, profile: Option<&StartProfile>) -> Factory {
        let Some(start) = profile else {
            return Factory {
                settings: Remembered {
                    auto: false,
                    ..remembered
                },
                profile: None,
                provisioning: None,
                line: None,
                locked: false,
                dialog: None,
            };
        };
        let p = &start.profile;
        Factory {
            settings: Remembered {
                station: p.station.clone(),
                auto: p.auto_flash,
                sound: p.sound,
                log_folder: Some(p.log_folder.clone()),
            },
            profile: Some((start.path.clone(), p.clone())),
            provisioning: start.provisioning.clone(),
            line: start.line.clone(),
            locked: true,
            dialog: None,
        }
    }

    /// Whether the image and settings are locked.
    pub fn locked(&self) -> bool {
        self.locked
    }

    /// The profile's slots (USB port paths in slot order); none without a profile.
    pub fn slots(&self) -> Vec<String> {
        self.profile
            .as_ref()
            .map_or_else(Vec::new, |(_, profile)| profile.slots.clone())
    }

    /// What the station should apply, with the window's current image.
    pub fn station_settings(&self, image: Option<&Arc<LoadedImage>>) -> Settings {
        Settings {
            station: self.settings.station.clone(),
            log_folder: self.settings.log_folder.clone(),
            auto: image.filter(|_| self.settings.auto).cloned(),
            sound: self.settings.sound,
            // Per-board data goes with the profile's own image, and records to its line's
            // store from its log folder: only while locked.
            provision: self.provisioning.clone().filter(|_| self.locked),
            line: self.line.clone().filter(|_| self.locked),
        }
    }

    /// The Station setup dialog's settings: auto mode, sound and the station's name
    /// (greyed out while locked or, for auto mode, while the log is paused).
    pub fn setup(&mut self, ui: &mut egui::Ui, paused: bool) {
        let locked = self.locked;
        let why = i18n::t!("station-locked-why");
        let auto_why = if paused {
            i18n::t!("station-paused-why")
        } else {
            why.clone()
        };
        ui.add_enabled(
            !locked && !paused,
            egui::Checkbox::new(&mut self.settings.auto, i18n::t!("station-auto-mode")),
        )
        .on_hover_text(i18n::t!("station-auto-mode-hint"))
        .on_disabled_hover_text(auto_why);
        ui.add_enabled(
            !locked,
            egui::Checkbox::new(&mut self.settings.sound, i18n::t!("station-sound")),
        )
        .on_hover_text(i18n::t!("station-sound-hint"))
        .on_disabled_hover_text(why.as_str());
        ui.horizontal(|ui| {
            ui.label(i18n::t!("station-name"));
            let name = egui::TextEdit::singleline(&mut self.settings.station)
                .desired_width(160.0)
                .hint_text(i18n::t!("station-name-placeholder"));
            ui.add_enabled(!locked, name)
                .on_hover_text(i18n::t!("station-name-hint"))
                .on_disabled_hover_text(why);
        });
    }

    /// "Unlock..." and what the station is locked to; or, unlocked, "Save profile...".
    pub fn lock_controls(&mut self, ui: &mut egui::Ui, image: Option<&Arc<LoadedImage>>) {
        if self.locked {
            if ui.button(i18n::t!("station-unlock-button")).clicked() {
                self.dialog = Some(Dialog::Unlock {
                    pin: String::new(),
                    wrong: false,
                });
            }
            let name = self
                .profile
                .as_ref()
                .map_or(String::new(), |(path, _)| station::file_name(path));
            ui.label(RichText::new(i18n::t!("station-locked-to", name = name)).strong())
                .on_hover_text(i18n::t!("station-locked-to-hint"));
            return;
        }
        let can_save = image.is_some() && self.settings.log_folder.is_some();
        let save = ui
            .add_enabled(
                can_save,
                egui::Button::new(i18n::t!("station-save-profile")),
            )
            .on_hover_text(i18n::t!("station-save-profile-hint"))
            .on_disabled_hover_text(i18n::t!("station-save-profile-first"));
        if save.clicked()
            && let Some(image) = image
        {
            let folder = image.path.parent().unwrap_or(Path::new("."));
            self.dialog = Some(Dialog::Save {
                path: folder.join(PROFILE_NEXT_TO_EXE).display().to_string(),
                pin: String::new(),
                error: None,
                replace: None,
            });
        }
    }

    /// The Save profile and Unlock dialogs, while one is open.
    pub fn dialogs(&mut self, ctx: &egui::Context, image: Option<&Arc<LoadedImage>>) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let mut close = false;
        let mut unlocked = false;
        let mut saved = None;
        match &mut dialog {
            Dialog::Unlock { pin, wrong } => {
                let id = egui::Id::unique("unlock");
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading(i18n::t!("station-unlock-title"));
                    ui.label(i18n::t!("station-unlock-explain"));
                    let enter = pin_field(ui, pin);
                    if *wrong {
                        ui.label(RichText::new(i18n::t!("station-wrong-pin")).color(FAIL));
                    }
                    ui.horizontal(|ui| {
                        if ui.button(i18n::t!("station-unlock")).clicked() || enter {
                            let profile = self.profile.as_ref().map(|(_, p)| p);
                            unlocked = profile.is_none_or(|p| p.unlocks(pin));
                            *wrong = !unlocked;
                            pin.clear();
                        }
                        close = ui.button(i18n::t!("station-cancel")).clicked();
                    });
                });
            }
            Dialog::Save {
                path,
                pin,
                error,
                replace,
            } => {
                let id = egui::Id::unique("save_profile");
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading(i18n::t!("station-save-title"));
                    ui.label(i18n::t!("station-save-explain"));
                    ui.label(i18n::t!("station-profile-file"));
                    ui.add(egui::TextEdit::singleline(path).desired_width(420.0));
                    ui.label(i18n::t!("station-profile-pin"));
                    pin_field(ui, pin);
                    if let Some(error) = error {
                        ui.label(RichText::new(error.as_str()).color(FAIL));
                    }
                    ui.horizontal(|ui| {
                        let confirmed = replace.as_ref() == Some(path);
                        let label = if confirmed {
                            i18n::t!("station-replace-and-lock")
                        } else {
                            i18n::t!("station-save-and-lock")
                        };
                        if ui.button(label).clicked()
                            && let Some(image) = image
                        {
                            let profile = self.profile_of(image, pin);
                            let file = PathBuf::from(path.as_str());
                            let existing = if confirmed {
                                Existing::Replace
                            } else {
                                Existing::Keep
                            };
                            match profile.save(&file, existing) {
                                Ok(()) => saved = Some((file, profile)),
                                Err(ProfileError::Write { source, .. })
                                    if source.kind() == std::io::ErrorKind::AlreadyExists =>
                                {
                                    *replace = Some(path.clone());
                                    *error = Some(i18n::t!(
                                        "station-profile-exists",
                                        path = path.as_str()
                                    ));
                                }
                                Err(e) => *error = Some(e.to_string()),
                            }
                        }
                        close = ui.button(i18n::t!("station-cancel")).clicked();
                    });
                });
            }
        }
        if unlocked {
            self.locked = false;
            close = true;
        }
        if let Some(saved) = saved {
            // A profile saved here gives no per-board data and has no line's store.
            self.provisioning = None;
            self.line = None;
            self.profile = Some(saved);
            self.locked = true;
            close = true;
        }
        if !close {
            self.dialog = Some(dialog);
        }
    }

    fn profile_of(&self, image: &LoadedImage, pin: &str) -> Profile {
        let mut profile = Profile {
            station: self.settings.station.clone(),
            image: std::path::absolute(&image.path).unwrap_or_else(|_| image.path.clone()),
            image_sha256: hex::encode(image.image.sha256),
            auto_flash: self.settings.auto,
            sound: self.settings.sound,
            log_folder: self.settings.log_folder.clone().unwrap_or_default(),
            pin_sha256: String::new(),
            slots: Vec::new(),
            provision: None,
            line: None,
        };
        profile.set_pin(pin);
        profile
    }
}

/// A password field labelled "PIN"; returns whether Enter was pressed in it.
fn pin_field(ui: &mut egui::Ui, pin: &mut String) -> bool {
    let label = ui.label(i18n::t!("station-pin"));
    let response = ui
        .add(
            egui::TextEdit::singleline(pin)
                .password(true)
                .desired_width(160.0),
        )
        .labelled_by(label.id);
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_auto_mode_starts_off_without_a_profile() {
        let remembered = Remembered {
            station: "line 3".into(),
            auto: true,
            sound: true,
            log_folder: Some("/logs".into()),
        };
        let factory = Factory::new(remembered.clone(), None);
        assert_eq!(
            factory.settings,
            Remembered {
                auto: false,
                ..remembered
            }
        );
    }

    #[test]
    fn result_tones_are_on_until_turned_off() {
        assert!(Remembered::default().sound);
        let old: Remembered =
            serde_json::from_str(r#"{"station":"","auto":false,"log_folder":null}"#).unwrap();
        assert!(old.sound);
        let off: Remembered =
            serde_json::from_str(r#"{"station":"","auto":false,"sound":false,"log_folder":null}"#)
                .unwrap();
        assert!(!off.sound);
    }
}
