//! What a board and a file are in a few words, with a fixed tone: the one place the
//! window turns states into words, colours and icons. Red is blocked or failed, amber is
//! a warning, green is PASS; each also has its icon, so no state is told by hue alone.

use eframe::egui::{self, Color32, RichText};

use super::style::{FAIL, PASS, WARN};
use i18n::t;
use station::advice::failure_headline;
use station::{BoardRow, BoardState, LoadedImage, Outcome};
use usb::driver::{InstallError, Installed};

/// How a status reads: its colour and icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Flashed, or good to go.
    Pass,
    /// Failed, or blocked.
    Fail,
    /// Works, but look.
    Warn,
    /// A flash runs.
    Busy,
    /// Nothing to act on.
    Neutral,
}

impl Tone {
    /// The icon before the words.
    pub fn icon(self) -> &'static str {
        match self {
            Tone::Pass => "✔",
            Tone::Fail => "✖",
            Tone::Warn => "⚠",
            Tone::Busy => "⟳",
            Tone::Neutral => "•",
        }
    }

    /// The colour of the words in `visuals`.
    pub fn colour(self, visuals: &egui::Visuals) -> Color32 {
        match self {
            Tone::Pass => PASS,
            Tone::Fail => FAIL,
            Tone::Warn => WARN,
            Tone::Busy => visuals.hyperlink_color,
            Tone::Neutral => visuals.text_color(),
        }
    }
}

/// A state in words, with its tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// How it reads.
    pub tone: Tone,
    /// The words, without the icon.
    pub text: String,
}

impl Status {
    fn new(tone: Tone, text: impl Into<String>) -> Status {
        Status {
            tone,
            text: text.into(),
        }
    }

    /// Icon and words: `✖ Can't flash: the file is for ESP32-S3`.
    pub fn line(&self) -> String {
        format!("{} {}", self.tone.icon(), self.text)
    }

    /// The line as a label, in its colour, at `size` points.
    pub fn show(&self, ui: &mut egui::Ui, size: f32) -> egui::Response {
        let colour = self.tone.colour(ui.visuals());
        ui.add(
            egui::Label::new(RichText::new(self.line()).color(colour).size(size).strong()).wrap(),
        )
    }
}

/// One readiness line for a board that takes the file into account.
pub fn board(row: &BoardRow, image: Option<&LoadedImage>) -> Status {
    match &row.state {
        BoardState::Flashing(_) => Status::new(Tone::Busy, row.state.words()),
        BoardState::Done(Outcome::Pass { .. }) => Status::new(Tone::Pass, t!("window-status-pass")),
        BoardState::Done(Outcome::Fail(failure)) => Status::new(
            Tone::Fail,
            t!("window-status-fail", reason = failure_headline(failure)),
        ),
        BoardState::Idle if !row.present => Status::new(Tone::Neutral, t!("window-unplugged")),
        BoardState::Idle => match image {
            None => Status::new(Tone::Neutral, t!("window-ready-no-file")),
            Some(image) if !image.fits(&row.device) => {
                Status::new(Tone::Fail, t!("window-wrong-chip", chip = image.made_for()))
            }
            Some(_) => Status::new(Tone::Pass, t!("window-ready")),
        },
    }
}

/// What the file is: valid, valid with warnings, or why it cannot be used.
pub fn file(image: &LoadedImage) -> Status {
    match image.image.warnings.len() {
        0 => Status::new(Tone::Pass, t!("window-file-valid")),
        n => Status::new(Tone::Warn, t!("window-file-valid-warnings", count = n)),
    }
}

/// What a driver install came to.
pub fn driver_install(outcome: &Result<Installed, InstallError>) -> Status {
    match outcome {
        Ok(Installed::Done) => Status::new(Tone::Pass, t!("driver-installed")),
        Ok(Installed::RestartNeeded) => Status::new(Tone::Warn, t!("driver-installed-restart")),
        Err(InstallError::Declined) => Status::new(Tone::Fail, t!("driver-install-declined")),
        Err(InstallError::NoDevice) => Status::new(Tone::Fail, t!("driver-install-no-device")),
        Err(InstallError::TimedOut(deadline)) => Status::new(
            Tone::Fail,
            t!("driver-install-timed-out", seconds = deadline.as_secs()),
        ),
        Err(InstallError::Failed(code)) => Status::new(
            Tone::Fail,
            t!("driver-install-failed", code = code.to_string()),
        ),
        Err(InstallError::NotStarted(error)) => Status::new(
            Tone::Fail,
            t!("driver-install-not-started", error = error.as_str()),
        ),
    }
}
