//! Factory profiles: the image and settings an engineer locks a station to. The app
//! starts locked to a profile (`--profile line3.toml`, or `dfu-station.toml` next to the
//! executable); the technician cannot change the image or settings, and unlocking asks
//! for the PIN the engineer set. The image is refused if its SHA-256 changed.
//!
//! The PIN is a deterrent against changes by accident or on a whim, not security: its
//! salted SHA-256 sits in a TOML file that anyone with the file can edit or replace, and
//! a short PIN is found by trying. Protect the profile with the system's file
//! permissions where that matters.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files::{Existing, read_firmware, write_atomically};
use super::line_link::LineLink;
use super::provision::{ProvisionSection, Provisioning};
use super::{LoadedImage, check_file};
use failure::{Code, Failure};
use line::{Password, Store, StoreConfig, UnitCount};

/// The file name looked for next to the executable when no `--profile` is given.
pub const PROFILE_NEXT_TO_EXE: &str = "dfu-station.toml";

/// What a station is locked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Shown in the title and written to every log record.
    pub station: String,
    /// The dfu.bin to flash (relative paths are relative to the profile file).
    pub image: PathBuf,
    /// The image's SHA-256 when the profile was saved (lowercase hex).
    pub image_sha256: String,
    /// Flash every fitting board as it is plugged in.
    #[serde(default)]
    pub auto_flash: bool,
    /// Play a short tone per result: on unless the profile says `sound = false`.
    #[serde(default = "tones_on")]
    pub sound: bool,
    /// Where the production log goes (relative paths: relative to the profile file).
    pub log_folder: PathBuf,
    /// SHA-256 of the unlock PIN, salted with the station name (empty: no PIN).
    #[serde(default)]
    pub pin_sha256: String,
    /// The fixture's slots: USB port paths in slot order (`["1-1.1", "1-1.2"]` names
    /// them Slot 1 and Slot 2). Boards elsewhere are numbered by their place in the list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<String>,
    /// Per-board data (`[provision]`): each board gets the next row's NVS image. Its
    /// journal goes into `log_folder`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<ProvisionSection>,
    /// The line's store (`[line]`): every record is also sent there, and with
    /// `[provision]` the units are claimed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<LineSection>,
}

/// A profile's `[line]` section: where the line's store is, and where its password is
/// (never in the profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSection {
    /// The store: `postgres://USER@HOST:PORT/DATABASE` (no password).
    pub store: String,
    /// The environment variable holding the password (default:
    /// `DFU_STATION_LINE_PASSWORD`, if set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// A file holding the password (relative paths: relative to the profile file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
}

impl LineSection {
    /// The store, its password read: refused when the section names two sources.
    pub fn store(&self) -> Result<StoreConfig, Failure> {
        let password = match (&self.password_env, &self.password_file) {
            (None, None) => Password::Default,
            (Some(name), None) => Password::Env(name.clone()),
            (None, Some(file)) => Password::File(file.clone()),
            (Some(_), Some(_)) => {
                return Err(Failure::new(
                    Code::LineRefused,
                    "The profile's [line] names both `password_env` and `password_file`: keep one.", // not for people: a failure's English message
                ));
            }
        };
        Ok(StoreConfig::new(&self.store, &password)?)
    }
}

/// A profile opened: its image, its per-board data and its link to the line's store.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The image, checked against the profile's SHA-256.
    pub image: Arc<LoadedImage>,
    /// The per-board data, if the profile has `[provision]`.
    pub provision: Option<Arc<Provisioning>>,
    /// The link to the line's store, if the profile has `[line]`.
    pub line: Option<Arc<LineLink>>,
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The profile file cannot be read.
    #[error("Cannot read the profile {path}: {source}")]
    Read {
        /// The profile file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The profile file is not a valid profile (TOML syntax or a missing field).
    #[error("The profile {path} is not valid: {message}")]
    Invalid {
        /// The profile file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The image's SHA-256 is not the one the profile was saved with.
    #[error(
        "The image {image} changed since the profile was saved (SHA-256 {actual}, the profile expects {expected}). Ask the engineer for the right file or a new profile; nothing will be flashed."
    )]
    ImageChanged {
        /// The image file.
        image: PathBuf,
        /// The SHA-256 the profile expects, lowercase hex.
        expected: String,
        /// The image's SHA-256 now, lowercase hex.
        actual: String,
    },
    /// The profile file cannot be written.
    #[error("Cannot write the profile {path}: {source}")]
    Write {
        /// The profile file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl Profile {
    /// Reads a profile; relative paths in it become relative to its folder.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut profile: Profile = toml::from_str(&text).map_err(|e| ProfileError::Invalid {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })?;
        let folder = path.parent().unwrap_or(Path::new("."));
        profile.image = folder.join(&profile.image);
        profile.log_folder = folder.join(&profile.log_folder);
        if let Some(provision) = &mut profile.provision {
            provision.config = folder.join(&provision.config);
            provision.values = provision.values.as_ref().map(|values| folder.join(values));
        }
        if let Some(file) = profile.line.as_mut().and_then(|l| l.password_file.as_mut()) {
            *file = folder.join(&*file);
        }
        Ok(profile)
    }

    /// Writes the profile as TOML ([`write_atomically`]; an existing file only when
    /// `existing` says to replace it).
    pub fn save(&self, path: &Path, existing: Existing) -> Result<(), ProfileError> {
        let text = toml::to_string_pretty(self).expect("a profile serializes");
        write_atomically(path, text.as_bytes(), existing).map_err(|source| ProfileError::Write {
            path: path.to_owned(),
            source,
        })
    }

    /// The profile for `path` if given, else `dfu-station.toml` next to the executable
    /// if there is one.
    pub fn find(path: Option<&Path>) -> Option<PathBuf> {
        path.map(Path::to_owned).or_else(|| {
            let beside = std::env::current_exe()
                .ok()?
                .with_file_name(PROFILE_NEXT_TO_EXE);
            beside.is_file().then_some(beside)
        })
    }

    /// Checks `image_bytes` (the profile's image as read now) against the saved SHA-256.
    pub fn check_image(&self, image_bytes: &[u8]) -> Result<(), ProfileError> {
        let actual = hex::encode(Sha256::digest(image_bytes));
        if actual == self.image_sha256 {
            Ok(())
        } else {
            Err(ProfileError::ImageChanged {
                image: self.image.clone(),
                expected: self.image_sha256.clone(),
                actual,
            })
        }
    }

    /// The profile's image (refused when its SHA-256 changed: `profile-image-changed`,
    /// else checked as any dropped file), its per-board data and its link to the line's
    /// store ([`Profile::provisioning`], in the log folder). Nothing may be flashed
    /// unless this passed.
    pub fn open(&self) -> Result<Opened, Failure> {
        self.provisioning(self.read_image()?, &self.log_folder)
    }

    /// `image` with the per-board data of the `[provision]` section checked against it,
    /// and the link to the `[line]` store; the row journal or the store's outbox in
    /// `folder`. With a store, the units are claimed from it (the store is reached now,
    /// its schema and the config's units checked).
    pub fn provisioning(&self, image: Arc<LoadedImage>, folder: &Path) -> Result<Opened, Failure> {
        let opened = |provision: Option<Provisioning>, line| Opened {
            image: image.clone(),
            provision: provision.map(Arc::new),
            line,
        };
        let Some(section) = &self.line else {
            let provision = match &self.provision {
                Some(provision) => Some(Provisioning::open(provision, &image, folder)?),
                None => None,
            };
            return Ok(opened(provision, None));
        };
        let config = section.store()?.named(&self.station);
        let store = Store::connect(&config)?;
        match &self.provision {
            Some(provision) => {
                let (provision, link) =
                    Provisioning::on_line(provision, &image, store, &self.station, folder)?;
                Ok(opened(Some(provision), Some(link)))
            }
            None => {
                let link =
                    LineLink::start(store, &self.station, folder, None, UnitCount::default())
                        .map_err(|e| Failure::from_error(Code::LogNotWritable, e))?;
                Ok(opened(None, Some(link)))
            }
        }
    }

    fn read_image(&self) -> Result<Arc<LoadedImage>, Failure> {
        let bytes = read_firmware(&self.image)?;
        self.check_image(&bytes)
            .map_err(|error| Failure::from_error(Code::ProfileImageChanged, error))?;
        check_file(&self.image, Box::new(move || Ok(bytes)))
    }

    /// Sets the unlock PIN (an empty PIN: no PIN needed).
    pub fn set_pin(&mut self, pin: &str) {
        self.pin_sha256 = if pin.is_empty() {
            String::new()
        } else {
            pin_hash(&self.station, pin)
        };
    }

    /// Whether `pin` unlocks the station.
    pub fn unlocks(&self, pin: &str) -> bool {
        self.pin_sha256.is_empty() || pin_hash(&self.station, pin) == self.pin_sha256
    }
}

fn tones_on() -> bool {
    true
}

fn pin_hash(station: &str, pin: &str) -> String {
    hex::encode(Sha256::digest(format!("dfu-station:{station}:{pin}"))) // not for people: what the PIN's hash is made of
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(dir: &Path) -> Profile {
        let image = b"pretend dfu.bin";
        std::fs::write(dir.join("dfu.bin"), image).unwrap();
        let mut profile = Profile {
            station: "line 3".into(),
            image: "dfu.bin".into(),
            image_sha256: hex::encode(Sha256::digest(image)),
            auto_flash: true,
            sound: false,
            log_folder: "logs".into(),
            pin_sha256: String::new(),
            slots: Vec::new(),
            provision: None,
            line: None,
        };
        profile.set_pin("4711");
        profile
    }

    #[test]
    fn saved_profile_loads_with_paths_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("line3.toml");
        let saved = profile(dir.path());
        saved.save(&path, Existing::Keep).unwrap();
        let loaded = Profile::load(&path).unwrap();
        assert_eq!(loaded.image, dir.path().join("dfu.bin"));
        assert_eq!(loaded.log_folder, dir.path().join("logs"));
        assert!(loaded.auto_flash);
        let bytes = std::fs::read(&loaded.image).unwrap();
        loaded.check_image(&bytes).unwrap();
        assert!(matches!(
            loaded.check_image(b"another file"),
            Err(ProfileError::ImageChanged { .. })
        ));
    }

    #[test]
    fn result_tones_are_on_unless_the_profile_turns_them_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("line3.toml");
        let minimal = "station = \"line 3\"\nimage = \"dfu.bin\"\nimage_sha256 = \"ab\"\nlog_folder = \"logs\"\n";
        std::fs::write(&path, minimal).unwrap();
        assert!(Profile::load(&path).unwrap().sound);
        std::fs::write(&path, format!("{minimal}sound = false\n")).unwrap();
        assert!(!Profile::load(&path).unwrap().sound);
        // A saved profile says so either way.
        let mut quiet = Profile::load(&path).unwrap();
        quiet
            .save(&dir.path().join("saved.toml"), Existing::Keep)
            .unwrap();
        assert!(!Profile::load(&dir.path().join("saved.toml")).unwrap().sound);
        quiet.sound = true;
        quiet.save(&path, Existing::Replace).unwrap();
        assert!(Profile::load(&path).unwrap().sound);
    }

    #[test]
    fn only_the_right_pin_unlocks() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = profile(dir.path());
        assert!(p.unlocks("4711"));
        assert!(!p.unlocks("0000"));
        assert!(!p.pin_sha256.contains("4711"));
        p.set_pin("");
        assert!(p.unlocks("anything"));
    }

    #[test]
    fn broken_profiles_say_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "station = 3").unwrap();
        let message = Profile::load(&path).unwrap_err().to_string();
        assert!(
            message.contains("bad.toml") && message.contains("not valid"),
            "{message}"
        );
        assert!(matches!(
            Profile::load(&dir.path().join("missing.toml")),
            Err(ProfileError::Read { .. })
        ));
    }
}
