//! The desktop app: egui views over the station. Views read the app's state and push
//! [`Command`](station::Command)s, which the app sends at the end of the frame.
//!
//! - [`App`]: the eframe app (event draining, layout, persistence, screenshot-and-quit).
//! - `devices`: the board list; `image_card`: the file and its flash map; `board`: the
//!   selected board's progress and result; `session_log`: the session log; [`help`]: guided
//!   help; `doctor`: the driver doctor's findings (Windows) and its Install driver button.
//! - `tiles`: the station view (a large PASS/FAIL tile per board); `profile`: factory
//!   settings, the profile lock and its PIN; `production`: the production log tab;
//!   `dialogs`: the native file pickers, on threads of their own; `style`: colours and
//!   text sizes; `fonts`: the CJK fallback font.

mod app;
mod board;
mod devices;
mod dialogs;
mod doctor;
mod fonts;
pub mod help;
mod image_card;
mod production;
mod profile;
mod session_log;
mod status;
mod style;
mod tiles;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use app::{App, NO_FILE_DIALOG};
pub use dialogs::service as dialogs_available;
pub use profile::StartProfile;
pub use style::{contrast, luma};

use eframe::egui;

use station::demo::DemoTimings;
use station::profile::ProfileError;
use station::support::History;
use station::usb_source::UsbSource;
use station::{DeviceSource, Environment, Station};
use usb::UsbError;
use usb::driver::Computer;

/// Environment variable: save a PNG of the window to this path once it shows its boards
/// (or after a few seconds), then quit. For smoke tests and documentation.
pub const SCREENSHOT_ENV: &str = "DFU_STATION_SCREENSHOT";

/// Environment variable (test only), with [`SCREENSHOT_ENV`]: take the screenshot once a
/// board has a result (PASS or FAIL), or after two minutes, instead of once boards are
/// listed. With a profile in auto mode and `--demo`, a flash to PASS without a click (the
/// Windows build's check under Wine, which cannot click).
pub const SCREENSHOT_AFTER_RESULT_ENV: &str = "DFU_STATION_SCREENSHOT_AFTER_RESULT";

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Start the demo bus with an ESP32-S2 and an ESP32-S3.
    pub demo: bool,
    /// Save a screenshot here, then quit.
    pub screenshot: Option<PathBuf>,
    /// Take that screenshot only once a board has a result.
    pub screenshot_after_result: bool,
    /// Why USB could not start, if it could not (the window opens its help).
    pub usb_error: Option<UsbError>,
    /// Start locked to this factory profile.
    pub profile: Option<StartProfile>,
    /// Where the support report finds the last flashes (none by default; the app's is in
    /// the user's state folder).
    pub history: History,
    /// What the driver doctor asks (tests fake Windows' answers); none: this computer.
    pub computer: Option<Arc<dyn Computer>>,
}

/// Window title: the app's name and version.
pub fn title() -> String {
    format!("DFU Station {}", env!("CARGO_PKG_VERSION"))
}

/// The USB boards' source, or why USB could not start: without USB (libusb failed) the
/// app still runs, demo boards and files work, and the help says why no board shows.
pub fn start_usb() -> (Vec<Arc<dyn DeviceSource>>, Option<UsbError>) {
    match UsbSource::new() {
        Ok(usb) => (vec![Arc::new(usb)], None),
        Err(error) => (Vec::new(), Some(error)),
    }
}

/// The name the settings folder is made from (`~/.local/share/dfu-station` on Linux,
/// `%APPDATA%\dfu-station\data` on Windows, `~/Library/Application Support/dfu-station`
/// on macOS). Kept as it was before the app id ([`crate::APP_ID`]) was set, which eframe
/// would otherwise take, so that no one's remembered settings are lost.
const STORAGE_NAME: &str = "dfu-station";

/// The file the window's settings are remembered in (`app.ron` in the settings folder).
fn settings_file() -> Option<PathBuf> {
    eframe::storage_dir(STORAGE_NAME).map(|folder| folder.join("app.ron"))
}

/// Why the window did not start.
#[derive(Debug)]
pub enum StartError {
    /// The factory profile cannot be used.
    Profile(ProfileError),
    /// No renderer could open the window: each one's error.
    Window(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Profile(error) => error.fmt(f),
            StartError::Window(errors) => {
                f.write_str(&i18n::t!("start-window-failed", errors = errors.as_str()))
            }
        }
    }
}

/// Opens the window, locked to the profile at `profile` (or the one next to the
/// executable) if any, with demo boards if `demo`, and runs until it closes. Tries the
/// GPU renderer (wgpu), then OpenGL (glow). A bad profile or a window that cannot open
/// at all is also shown in a native dialog: a double-clicked app has no terminal.
pub fn open_window(profile: Option<&Path>, demo: bool) -> Result<(), StartError> {
    let result = start(profile, demo);
    if let Err(error) = &result {
        rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title(i18n::t!("start-failed-title"))
            .set_description(i18n::t!("start-failed", error = error.to_string()))
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
    result
}

fn start(profile: Option<&Path>, demo: bool) -> Result<(), StartError> {
    let profile = StartProfile::find(profile).map_err(StartError::Profile)?;
    let options = Options {
        demo,
        screenshot: std::env::var_os(SCREENSHOT_ENV).map(PathBuf::from),
        screenshot_after_result: std::env::var_os(SCREENSHOT_AFTER_RESULT_ENV).is_some(),
        profile,
        history: History::in_state_folder(),
        ..Default::default()
    };
    let mut failures = Vec::new();
    for renderer in [eframe::Renderer::Wgpu, eframe::Renderer::Glow] {
        match run(options.clone(), renderer) {
            Ok(()) => return Ok(()),
            Err(error) => {
                let message = i18n::t!(
                    "start-renderer-failed",
                    renderer = renderer.to_string(),
                    error = error.to_string()
                );
                eprintln!("{message}");
                failures.push(format!("{renderer}: {error}"));
            }
        }
    }
    Err(StartError::Window(failures.join("; ")))
}

/// Opens the window with `renderer` and runs until it closes.
fn run(options: Options, renderer: eframe::Renderer) -> eframe::Result {
    let icon = image::load_from_memory(include_bytes!("../../assets/icons/dfu-station-256.png"))
        .expect("the bundled icon is a PNG")
        .into_rgba8();
    let viewport = egui::ViewportBuilder::default()
        .with_title(title())
        .with_app_id(crate::APP_ID)
        .with_inner_size([1280.0, 700.0])
        .with_min_inner_size([960.0, 560.0])
        .with_icon(egui::IconData {
            width: icon.width(),
            height: icon.height(),
            rgba: icon.into_raw(),
        });
    let native = eframe::NativeOptions {
        viewport,
        persistence_path: settings_file(),
        // Added by `fonts::install_system` instead, guarded against a failing enumeration.
        system_font_fallback: false,
        renderer,
        ..Default::default()
    };
    eframe::run_native(
        STORAGE_NAME,
        native,
        Box::new(move |cc| {
            fonts::install_system(&cc.egui_ctx);
            let ctx = cc.egui_ctx.clone();
            let wake = Arc::new(move || ctx.request_repaint());
            let (sources, usb_error) = start_usb();
            let environment = Environment {
                history: options.history.clone(),
                ..Environment::system()
            };
            let station = Station::spawn(sources, DemoTimings::default(), environment, wake);
            let options = Options {
                usb_error,
                ..options
            };
            Ok(Box::new(App::new(cc, station, options)))
        }),
    )
}

#[cfg(test)]
mod tests {
    /// The app id changed the folder eframe would pick; the settings stay where they were.
    #[cfg(target_os = "linux")]
    #[test]
    fn settings_stay_in_the_folder_they_were_in() {
        let file = super::settings_file().expect("a home folder");
        assert!(file.ends_with("dfu-station/app.ron"), "{}", file.display());
    }
}
