//! The eframe app: owns the UI state, drains station events, lays out the views and
//! sends the frame's commands at its end.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use eframe::egui;

use super::board::CardAction;
use super::devices::ListAction;
use super::dialogs::{Answer, Dialog};
use super::doctor::{self, Doctor};
use super::help::{Help, Topic};
use super::production::Production;
use super::profile::{Factory, Remembered};
use super::session_log::Log;
use super::status::Tone;
use super::style::{ACCENT, FAIL, Floor, ON_FAIL, ON_WARN, WARN, size};
use super::tiles::{Fixture, TileAction};
use super::{Options, board, devices, image_card, tiles};
use failure::{Code, Failure};
use i18n::t;
use i18n::{self, Lang};
use station::advice::{download_mode, failure_headline, headline, what_happened};
use station::demo::DEMO_CHIPS;
use station::factory::Settings;
use station::files::{Existing, ReadError, write_atomically};
use station::{
    BoardRow, BoardState, Command, DemoCommand, DeviceId, Event, LoadedImage, Registry, Station,
    file_name,
};
use usb::driver::{Finding, ThisComputer};

/// Storage key of the last image's path.
const LAST_IMAGE_KEY: &str = "last_image"; // not for people: a settings key
/// Storage key of the factory settings (when not started with a profile).
const FACTORY_KEY: &str = "factory"; // not for people: a settings key
/// Storage key of the language picked in the window.
const LANGUAGE_KEY: &str = "language";
/// egui's tooltip delay, in seconds (restored once the pointer moves after a drop).
const TOOLTIP_DELAY: f32 = 0.5;
/// The board list's narrowest width (Desk), in points.
const LIST_MIN_WIDTH: f32 = 250.0;
/// The catalogue key of what Open... says when no file dialog can be shown.
pub const NO_FILE_DIALOG: &str = "window-no-file-dialog";

/// The window's two ways of working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One board at a time: the file, the board, one primary button, the result.
    Desk,
    /// A fixture of boards: a tile per slot, the shift's counters, auto mode.
    Station,
}

/// The tabs of the bottom panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BottomTab {
    Session,
    Production,
}

/// The file the station works with.
#[derive(Debug, Clone, Default)]
pub enum ImageState {
    #[default]
    None,
    /// Being read and checked.
    Loading(PathBuf),
    Loaded(Arc<LoadedImage>),
    Invalid {
        path: PathBuf,
        error: Failure,
    },
}

impl ImageState {
    /// The valid image, if there is one.
    pub fn loaded(&self) -> Option<&Arc<LoadedImage>> {
        match self {
            ImageState::Loaded(image) => Some(image),
            _ => None,
        }
    }
}

/// DFU Station's window.
pub struct App {
    station: Station,
    registry: Registry,
    image: ImageState,
    picks: Picks,
    view: View,
    open: OpenFile,
    log: Log,
    demo: bool,
    /// Emitted by the views this frame; sent at its end.
    commands: Vec<Command>,
    screenshot: Option<Screenshot>,
    help: Help,
    /// The driver doctor (Windows): what a board's DFU interface needs.
    doctor: Doctor,
    factory: Factory,
    /// Started with a profile: the settings are not remembered.
    with_profile: bool,
    /// The factory settings last sent to the station.
    sent: Option<Settings>,
    production: Production,
    quit: Quit,
}

/// What the user picked, remembered between runs (in `app.ron`).
struct Picks {
    /// The last file loaded.
    last_image: Option<PathBuf>,
    /// The language picked in the window.
    language: Option<Lang>,
}

/// How the window is laid out now: the mode, the selection and what is open.
struct View {
    /// Desk or Station.
    mode: Mode,
    /// The board Desk shows.
    selected: Option<DeviceId>,
    /// The log bar is expanded.
    log_open: bool,
    bottom_tab: BottomTab,
    /// The Station setup dialog is open.
    setup_open: bool,
    /// A file was dropped and the pointer has not moved since: no tooltip pops up over
    /// what the drop just showed.
    tooltips_muted: bool,
    /// Station's grid: the ports that had a board (without slots in the profile).
    fixture: Fixture,
    /// Desk's looks (egui's dark and light, as the window started with them).
    desk_looks: (egui::Visuals, egui::Visuals),
    /// The mode and theme preference the looks were last dressed for.
    dressed: Option<(Mode, egui::ThemePreference)>,
}

/// Open...: the file dialog while it is open, or why none appeared.
#[derive(Default)]
struct OpenFile {
    /// The file dialog, while it is open.
    dialog: Option<Dialog>,
    /// Why the last Open... showed no dialog (no file-dialog service), until the next.
    unavailable: Option<String>,
}

/// Where closing the window stands. Boards still flashing are asked about first, then
/// cancelled (and so recorded) before the window closes; records the production log
/// still holds are asked about next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quit {
    /// Nothing asked.
    No,
    /// Boards are flashing: "Stop them and quit?" is shown.
    AskingToStop,
    /// "Stop and quit": the flashes are cancelled; the window closes once each has ended.
    Stopping,
    /// Records wait to be written: "Keep waiting" or "Quit anyway" is shown.
    AskingAboutHeldRecords,
    /// "Quit anyway": the window closes with records held.
    Anyway,
}

struct Screenshot {
    path: PathBuf,
    requested: bool,
    /// Wait for a board's result rather than for the board list.
    after_result: bool,
}

impl App {
    /// The app on `station`; locked to the profile if given, else re-checks the last
    /// image; starts demo boards if asked.
    pub fn new(cc: &eframe::CreationContext<'_>, station: Station, options: Options) -> App {
        super::fonts::install(&cc.egui_ctx);
        let last_image: Option<PathBuf> = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, LAST_IMAGE_KEY))
            .flatten();
        let remembered: Remembered = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, FACTORY_KEY))
            .unwrap_or_default();
        let language: Option<Lang> = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, LANGUAGE_KEY))
            .flatten();
        i18n::set(i18n::detect(language));
        let mut app = App {
            station,
            registry: Registry::default(),
            image: ImageState::None,
            picks: Picks {
                last_image: last_image.clone(),
                language,
            },
            view: View {
                // A locked profile opens straight into Station.
                mode: if options.profile.is_some() {
                    Mode::Station
                } else {
                    Mode::Desk
                },
                selected: None,
                log_open: false,
                bottom_tab: BottomTab::Session,
                setup_open: false,
                tooltips_muted: false,
                fixture: Fixture::default(),
                desk_looks: (
                    cc.egui_ctx.style_of(egui::Theme::Dark).visuals.clone(),
                    cc.egui_ctx.style_of(egui::Theme::Light).visuals.clone(),
                ),
                dressed: None,
            },
            open: OpenFile::default(),
            log: Log::default(),
            demo: false,
            commands: Vec::new(),
            screenshot: options.screenshot.map(|path| Screenshot {
                path,
                requested: false,
                after_result: options.screenshot_after_result,
            }),
            help: Help::new(options.history.clone()),
            doctor: Doctor::new(options.computer.unwrap_or_else(|| Arc::new(ThisComputer))),
            factory: Factory::new(remembered, options.profile.as_ref()),
            with_profile: options.profile.is_some(),
            sent: None,
            production: Production::default(),
            quit: Quit::No,
        };
        if let Some(error) = options.usb_error {
            app.help
                .open_with_detail(Topic::UsbUnavailable, error.to_string());
        }
        match options.profile {
            Some(start) => {
                app.image = match start.image {
                    Ok(image) => ImageState::Loaded(image),
                    Err(error) => ImageState::Invalid {
                        path: start.profile.image,
                        error,
                    },
                }
            }
            None => {
                if let Some(path) = last_image {
                    app.load(path.clone(), Command::load_path(path));
                }
            }
        }
        if options.demo {
            app.commands.push(Command::StartDemo);
            for chip in DEMO_CHIPS {
                app.commands.push(Command::Demo(DemoCommand::Plug(chip)));
            }
        }
        app.send_commands();
        app
    }

    /// The boards as the UI shows them.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The help topic shown, if one is.
    pub fn help_topic(&self) -> Option<Topic> {
        self.help.topic()
    }

    fn load(&mut self, path: PathBuf, command: Command) {
        self.image = ImageState::Loading(path);
        self.commands.push(command);
    }

    fn send_commands(&mut self) {
        for command in self.commands.drain(..) {
            // A stopped station only happens at exit: nothing left to do.
            let _ = self.station.commands.send(command);
        }
    }

    fn drain_events(&mut self, time: f64) {
        if let Some(answer) = self.open.dialog.as_ref().and_then(Dialog::answer) {
            self.open.dialog = None;
            match answer {
                Answer::Picked(path) => self.load(path.clone(), Command::load_path(path)),
                Answer::Cancelled => {}
                Answer::Unavailable(why) => self.open.unavailable = Some(why),
            }
        }
        while let Ok(event) = self.station.events.try_recv() {
            self.log.record(time, &event, &self.registry);
            self.registry.apply(&event);
            self.help.event(&event);
            self.production.apply(&event);
            match event {
                Event::ImageLoaded { path, result } => {
                    if matches!(&self.image, ImageState::Loading(p) if *p == path) {
                        self.image = match result {
                            Ok(image) => {
                                self.picks.last_image = Some(path);
                                ImageState::Loaded(image)
                            }
                            Err(error) => ImageState::Invalid { path, error },
                        };
                    }
                }
                Event::DemoStarted => self.demo = true,
                Event::DeviceAdded(device) if self.view.selected.is_none() => {
                    self.view.selected = Some(device.id)
                }
                _ => {}
            }
        }
        if let Some(id) = &self.view.selected
            && self.registry.row(id).is_none()
        {
            self.view.selected = self.registry.rows().first().map(|r| r.device.id.clone());
        }
    }

    fn take_dropped_file(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input_mut(|i| std::mem::take(&mut i.raw.dropped_files));
        if self.factory.locked() {
            return;
        }
        if let Some(file) = dropped.into_iter().next() {
            self.mute_tooltips(ctx, true);
            let path = file.path().to_path_buf();
            // A file on disk is read as any other (a FIFO or a huge file is refused).
            let command = if std::fs::symlink_metadata(&path).is_ok() {
                Command::load_path(path.clone())
            } else {
                let name = path.clone();
                Command::LoadImage {
                    path: path.clone(),
                    read: Box::new(move || {
                        let dropped = |reason| ReadError::Dropped { path: name, reason };
                        Ok(file.bytes().map_err(dropped)?)
                    }),
                }
            };
            self.load(path, command);
        }
    }

    /// Mutes tooltips after a drop, until the pointer moves.
    fn mute_tooltips(&mut self, ctx: &egui::Context, mute: bool) {
        if self.view.tooltips_muted != mute {
            self.view.tooltips_muted = mute;
            let delay = if mute { f32::INFINITY } else { TOOLTIP_DELAY };
            ctx.all_styles_mut(|style| style.interaction.tooltip_delay = delay);
        }
    }

    fn selected_row(&self) -> Option<&BoardRow> {
        self.view
            .selected
            .as_ref()
            .and_then(|id| self.registry.row(id))
    }

    /// Rows Station's primary button flashes: present, ready (a result is cleared or
    /// retried on its tile first) and fitting the image.
    fn flashable<'a>(&'a self, image: &'a LoadedImage) -> impl Iterator<Item = &'a BoardRow> + 'a {
        (self.registry.rows().iter()).filter(move |r| {
            r.present && matches!(r.state, BoardState::Idle) && image.fits(&r.device)
        })
    }

    fn flash(&mut self, row: &BoardRow, image: &Arc<LoadedImage>) {
        self.commands.push(Command::Flash {
            device: row.device.clone(),
            image: image.clone(),
        });
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_centered(|ui| {
            ui.heading(egui::RichText::new(t!("window-app-name")).strong());
            ui.separator();
            let locked = self.factory.locked();
            ui.add_enabled_ui(!locked, |ui| {
                ui.selectable_value(&mut self.view.mode, Mode::Desk, t!("window-mode-desk"))
                    .on_hover_text(t!("window-mode-desk-hint"))
                    .on_disabled_hover_text(t!("window-locked"));
            });
            ui.selectable_value(
                &mut self.view.mode,
                Mode::Station,
                t!("window-mode-station"),
            )
            .on_hover_text(t!("window-mode-station-hint"));
            ui.separator();
            // The right end first, so that a long file name or refusal is shortened
            // instead of being drawn over it.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                self.language_menu(ui);
                self.help.button(ui);
                // Station's strip shows the same counts, large.
                if self.view.mode == Mode::Desk {
                    let (passed, failed) = self.registry.counts();
                    ui.label(t!(
                        "window-pass-fail-count",
                        passed = passed,
                        failed = failed
                    ))
                    .on_hover_text(t!("window-pass-fail-hint"));
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    self.file_line(ui);
                });
            });
        });
    }

    /// The top bar's file: its name, and why it cannot be flashed when it cannot (the
    /// first sentence of its plain headline; the whole of it on hover and on the card).
    fn file_line(&self, ui: &mut egui::Ui) {
        let name = match &self.image {
            ImageState::None => t!("window-no-file"),
            ImageState::Loading(path) | ImageState::Invalid { path, .. } => file_name(path),
            ImageState::Loaded(image) => image.name(),
        };
        let label = egui::Label::new(egui::RichText::new(name).monospace()).truncate();
        ui.add(label).on_hover_text(t!("window-file-hint"));
        if let ImageState::Invalid { error, .. } = &self.image {
            let refusal = format!("{} {}", Tone::Fail.icon(), what_happened(error));
            // The floor's red for words, readable on the bar in either theme (4.5:1 at least).
            let colour = Floor::of(ui.visuals()).fail_word;
            let text = egui::RichText::new(refusal).color(colour).strong();
            ui.add(egui::Label::new(text).truncate())
                .on_hover_text(failure_headline(error));
        }
    }

    /// The language menu, "Language" before it: each language by its own name. A pick
    /// speaks at once and is remembered. Drawn right to left (the top bar's right end).
    fn language_menu(&mut self, ui: &mut egui::Ui) {
        let now = i18n::lang();
        let mut picked = now;
        let menu = egui::ComboBox::from_id_salt("language")
            .selected_text(now.own_name())
            .show_ui(ui, |ui| {
                for lang in Lang::ALL {
                    ui.selectable_value(&mut picked, lang, lang.own_name());
                }
            })
            .response;
        // Screen readers name the menu by its label.
        menu.labelled_by(ui.label(t!("language")).id);
        if picked != now {
            i18n::set(picked);
            self.picks.language = Some(picked);
        }
    }

    /// The boards the primary action would flash, and why it cannot when it cannot. Desk:
    /// the selected board; Station: every ready board that fits the file.
    fn primary_targets(&self) -> (Vec<BoardRow>, Option<String>) {
        let image = self.image.loaded();
        if self.production.paused().is_some() {
            return (Vec::new(), Some(t!("window-paused")));
        }
        if self.registry.rows_left().is_some_and(|(left, _)| left == 0) {
            return (Vec::new(), Some(headline(Code::NoRowsLeft)));
        }
        if let ImageState::Invalid { error, .. } = &self.image {
            return (Vec::new(), Some(failure_headline(error)));
        }
        let present = self.registry.rows().iter().any(|r| r.present);
        match self.view.mode {
            Mode::Desk => {
                let row = self.selected_row().filter(|_| present);
                match board::flash_refusal(row, image.map(|i| &**i)) {
                    Some(reason) => (Vec::new(), Some(reason)),
                    None => (row.into_iter().cloned().collect(), None),
                }
            }
            Mode::Station => {
                let Some(image) = image else {
                    return (Vec::new(), Some(t!("window-open-firmware-first")));
                };
                let all: Vec<BoardRow> = self.flashable(image).cloned().collect();
                let reason = match () {
                    _ if !present => Some(t!("window-plug-in-boards")),
                    _ if all.is_empty() => Some(t!("window-no-board-ready")),
                    _ => None,
                };
                (all, reason)
            }
        }
    }

    /// The one primary button, in the accent colour, saying what it will do; when it
    /// cannot, the reason is written under it.
    fn primary_action(&mut self, ui: &mut egui::Ui) {
        let (targets, reason) = self.primary_targets();
        let label = t!("window-flash-boards", count = targets.len().max(1));
        let text = egui::RichText::new(label).size(size::ACTION).strong();
        // White on the accent; off, the theme's own (readable) disabled text.
        let text = if reason.is_none() {
            text.color(egui::Color32::WHITE)
        } else {
            text
        };
        // Off, it is plainly grey: never the accent colour.
        let button = egui::Button::new(text).min_size([220.0, 48.0].into());
        let button = if reason.is_none() {
            button.fill(ACCENT)
        } else {
            button
        };
        let clicked = ui.add_enabled(reason.is_none(), button).clicked();
        if let Some(reason) = &reason {
            ui.label(egui::RichText::new(reason).size(size::EMPHASIS).strong());
        }
        if clicked && let Some(image) = self.image.loaded().cloned() {
            for row in &targets {
                self.flash(row, &image);
            }
        }
    }

    /// Sends the factory settings when they changed (image, auto mode, log folder...).
    fn configure(&mut self) {
        if let Some(folder) = self.production.picked() {
            self.factory.settings.log_folder = Some(folder);
        }
        let mut settings = self.factory.station_settings(self.image.loaded());
        // Result tones are Station's: Desk is looked at, not listened to.
        settings.sound &= self.view.mode == Mode::Station;
        if self.sent.as_ref() != Some(&settings) {
            self.sent = Some(settings.clone());
            self.commands.push(Command::Configure(settings));
        }
    }

    fn bottom_panel(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let session = t!("window-session-log");
            ui.selectable_value(&mut self.view.bottom_tab, BottomTab::Session, session);
            let production = t!("window-production-log");
            ui.selectable_value(&mut self.view.bottom_tab, BottomTab::Production, production);
        });
        match self.view.bottom_tab {
            BottomTab::Session => self.log.show(ui, &mut self.view.log_open),
            BottomTab::Production => self.production.show(ui, self.factory.locked()),
        }
    }

    fn open_file(&mut self, ctx: &egui::Context) {
        if self.open.dialog.is_none() {
            self.open.unavailable = None;
            self.open.dialog = Some(Dialog::dfu_file(ctx));
        }
    }

    /// Keeps repainting until the window shows its boards, then saves it, says which
    /// boards it showed (`Saved shot.png: 1 board listed: ESP32-S2 at 1-1`) and quits.
    fn screenshot(&mut self, ctx: &egui::Context) {
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        let time = ctx.input(|i| i.time);
        let rows = self.registry.rows();
        let ready = if shot.after_result {
            let result = rows.iter().any(|r| matches!(r.state, BoardState::Done(_)));
            result || time > 120.0
        } else {
            time > 1.0 && (!rows.is_empty() || time > 5.0)
        };
        if ready && !shot.requested {
            shot.requested = true;
            let path = shot.path.clone();
            let after_result = shot.after_result;
            let listed: Vec<String> = rows
                .iter()
                .map(|r| {
                    let board = format!("{} at {}", r.device.chip_name(), r.device.id.path); // not for people: the smoke tests read it
                    // Waiting for a result: each board's state too (`ESP32-S2 at 1-1 PASS`).
                    if after_result {
                        format!("{board} {}", r.state.words())
                    } else {
                        board
                    }
                })
                .collect();
            let summary = format!(
                "{} board{} listed{}{}", // not for people: the smoke tests read it
                listed.len(),
                if listed.len() == 1 { "" } else { "s" }, // not for people: the smoke tests read it
                if listed.is_empty() { "" } else { ": " },
                listed.join(", ")
            );
            let ctx = ctx.clone();
            ctx.clone().request_screenshot(move |image| {
                std::thread::spawn(move || {
                    if let Err(error) = save_png(&path, &image) {
                        eprintln!("dfu-station: could not save {}: {error}", path.display()); // not for people: a line for whoever ran the screenshot
                    } else {
                        println!("Saved {}: {summary}", path.display()); // not for people: the smoke tests read it
                    }
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    ctx.request_repaint();
                });
            });
        }
        ctx.request_repaint_after(Duration::from_millis(100));
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.drain_events(ctx.input(|i| i.time));
        self.dress(&ctx);
        self.guard_quit(&ctx);
        if self.view.tooltips_muted && ctx.input(|i| i.pointer.delta() != egui::Vec2::ZERO) {
            self.mute_tooltips(&ctx, false);
        }
        self.take_dropped_file(&ctx);
        if let Some(next) =
            devices::arrow_selection(&ctx, &self.registry, self.view.selected.as_ref())
        {
            self.view.selected = Some(next);
        }

        let image = self.image.loaded().cloned();
        let selected = self.selected_row().cloned();
        if self.doctor.tick(&ctx, &self.registry) {
            self.help.open(Topic::WindowsDriver, None);
        }
        let without_driver = !self.doctor.findings().is_empty();
        self.help.tick(
            &ctx,
            &self.registry,
            image.as_deref(),
            selected.as_ref(),
            without_driver,
        );

        egui::Panel::top("top_bar") // not for people: an egui id
            .exact_size(48.0)
            .show(ui, |ui| self.top_bar(ui));
        if self.view.mode == Mode::Station {
            egui::Panel::top("station_strip") // not for people: an egui id
                .frame(egui::Frame::side_top_panel(ui.style()).inner_margin(10.0))
                .show(ui, |ui| self.station_strip(ui));
        }
        if let Some(pause) = self.production.paused() {
            egui::Panel::top("log_paused") // not for people: an egui id
                .frame(egui::Frame::new().fill(FAIL).inner_margin(8.0))
                .show(ui, |ui| {
                    let text = egui::RichText::new(pause.banner()).color(ON_FAIL).strong();
                    ui.add(egui::Label::new(text).wrap());
                });
        }
        if let Some(line) = self.registry.line().filter(|line| !line.reachable) {
            egui::Panel::top("line_unreachable") // not for people: an egui id
                .frame(egui::Frame::new().fill(WARN).inner_margin(8.0))
                .show(ui, |ui| {
                    // Short, in plain words, from two metres; the store and the reason
                    // for the engineer on hover.
                    let provisioning = self.registry.rows_left().is_some();
                    let key = match provisioning {
                        true => "window-line-away-boards-wait",
                        false => "window-line-away",
                    };
                    let text = egui::RichText::new(t!(key, waiting = line.waiting))
                        .size(size::EMPHASIS)
                        .color(ON_WARN)
                        .strong();
                    ui.add(egui::Label::new(text).wrap())
                        .on_hover_text(line.banner(provisioning));
                });
        }
        egui::Panel::bottom("log") // not for people: an egui id
            .resizable(self.view.log_open || self.view.bottom_tab == BottomTab::Production)
            .show(ui, |ui| self.bottom_panel(ui));
        if self.view.mode == Mode::Station {
            self.help_panel(ui);
            egui::CentralPanel::default().show(ui, |ui| self.station_view(ui));
        } else {
            self.desk(ui, &ctx);
        }
        self.station_setup(&ctx);
        let image = self.image.loaded().cloned();
        self.factory.dialogs(&ctx, image.as_ref());

        image_card::drop_highlight(&ctx);
        self.screenshot(&ctx);
        self.configure();
        self.send_commands();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, LAST_IMAGE_KEY, &self.picks.last_image);
        eframe::set_value(storage, LANGUAGE_KEY, &self.picks.language);
        if !self.with_profile {
            eframe::set_value(storage, FACTORY_KEY, &self.factory.settings);
        }
    }
}

impl App {
    /// Closing the window: while boards flash, asks "Stop them and quit?", then cancels
    /// every flash and closes once each has ended (its record written); while the
    /// production log holds records, asks "Keep waiting" or "Quit anyway".
    fn guard_quit(&mut self, ctx: &egui::Context) {
        let flashing: Vec<DeviceId> = (self.registry.rows().iter())
            .filter(|row| row.flashing())
            .map(|row| row.device.id.clone())
            .collect();
        let held = self.production.paused().map_or(0, |p| p.held.len());
        if ctx.input(|i| i.viewport().close_requested()) {
            if !flashing.is_empty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                if matches!(self.quit, Quit::No | Quit::AskingAboutHeldRecords) {
                    self.quit = Quit::AskingToStop;
                }
            } else if held > 0 && self.quit != Quit::Anyway {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.quit = Quit::AskingAboutHeldRecords;
            }
        }
        let id = egui::Id::unique("quit"); // not for people: an egui id
        match self.quit {
            Quit::No | Quit::Anyway => {}
            Quit::Stopping if flashing.is_empty() => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Quit::Stopping => {
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading(t!("window-stopping", count = flashing.len()));
                    ui.label(t!("window-closes-when-recorded"));
                });
            }
            Quit::AskingToStop if flashing.is_empty() => self.quit = Quit::No,
            Quit::AskingToStop => {
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading(t!("window-quit-while-flashing", count = flashing.len()));
                    ui.label(t!("window-stopped-are-cancelled"));
                    ui.horizontal(|ui| {
                        if ui.button(t!("window-stop-and-quit")).clicked() {
                            self.quit = Quit::Stopping;
                            self.commands
                                .extend(flashing.iter().cloned().map(Command::Cancel));
                        }
                        if ui.button(t!("window-keep-flashing")).clicked() {
                            self.quit = Quit::No;
                        }
                    });
                });
            }
            Quit::AskingAboutHeldRecords if held == 0 => self.quit = Quit::No,
            Quit::AskingAboutHeldRecords => {
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading(t!("window-held-records-title"));
                    ui.label(t!("window-held-records", count = held));
                    ui.horizontal(|ui| {
                        if ui.button(t!("window-keep-waiting")).clicked() {
                            self.quit = Quit::No;
                        }
                        if ui.button(t!("window-quit-anyway")).clicked() {
                            self.quit = Quit::Anyway;
                            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        }
                    });
                });
            }
        }
    }

    /// Desk: the board list on the left; in the middle the three steps: the file, the
    /// board (or how to get one), the primary button; then the result. The list takes at
    /// most a third of the window; the primary button stays at the bottom of the middle,
    /// in sight whatever the steps above it hold (they scroll).
    fn desk(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let width = ctx.content_rect().width();
        let action = egui::Panel::left("devices") // not for people: an egui id
            .resizable(true)
            .default_size((width * 0.28).clamp(LIST_MIN_WIDTH, 420.0))
            .size_range(LIST_MIN_WIDTH..=(width / 3.0).max(LIST_MIN_WIDTH))
            .show(ui, |ui| {
                devices::show(
                    ui,
                    &self.registry,
                    &mut self.view.selected,
                    &self.image,
                    &mut self.commands,
                    &mut self.doctor,
                )
            })
            .inner;
        match action {
            Some(ListAction::Forget(id)) => self.registry.forget(&id),
            Some(ListAction::DriverSteps) => self.help.open(Topic::WindowsDriver, None),
            None => {}
        }
        self.help_panel(ui);
        egui::CentralPanel::default().show(ui, |ui| {
            // Steps 1 and 2 scroll in what step 3 (as tall as last frame) leaves them.
            let step_3 = egui::Id::unique("desk_step_3_height"); // not for people: an egui id
            let below = ui.data(|d| d.get_temp::<f32>(step_3)).unwrap_or(150.0) + 10.0;
            egui::ScrollArea::vertical()
                .max_height((ui.available_height() - below).max(80.0))
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    let refusal = if self.factory.locked() {
                        Some(t!("window-open-locked"))
                    } else if self.open.dialog.is_some() {
                        Some(t!("window-file-dialog-open"))
                    } else {
                        None
                    };
                    if image_card::show(ui, &self.image, refusal.as_deref()) {
                        self.open_file(ui.ctx());
                    }
                    if let Some(why) = &self.open.unavailable {
                        no_file_dialog(ui, why);
                    }
                    ui.add_space(10.0);
                    match self.selected_row().cloned() {
                        Some(row) => board::show(ui, &row, &self.image, &mut self.commands),
                        None => no_board_step(ui, self.doctor.findings().first()),
                    }
                });
            ui.add_space(10.0);
            let shown = egui::Frame::group(ui.style())
                .inner_margin(12.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    let heading = egui::RichText::new(t!("window-step-flash"));
                    ui.label(heading.size(size::HEADING));
                    ui.add_space(4.0);
                    self.desk_actions(ui);
                });
            let height = shown.response.rect.height();
            ui.data_mut(|d| d.insert_temp(step_3, height));
        });
    }

    /// Step 3: the Flash button, or once the selected board shows a result, "Flash
    /// again" and "Flash next".
    fn desk_actions(&mut self, ui: &mut egui::Ui) {
        let Some(row) = self.selected_row().cloned() else {
            return self.primary_action(ui);
        };
        let image = self.image.loaded().cloned();
        match board::result_actions(ui, &row, image.as_deref()) {
            None => self.primary_action(ui),
            Some(Some(CardAction::FlashAgain)) => self.flash_again(&row),
            Some(Some(CardAction::FlashNext)) => self.flash_next(&row.device.id),
            Some(None) => {}
        }
    }

    /// "Flash again": the same board, the same file; its result is cleared first.
    fn flash_again(&mut self, row: &BoardRow) {
        if let Some(image) = self.image.loaded().cloned() {
            self.registry.clear(&row.device.id);
            self.flash(row, &image);
        }
    }

    /// The help on the right (with the demo boards unless locked); loads a file it made.
    fn help_panel(&mut self, ui: &mut egui::Ui) {
        let demo = (!self.factory.locked()).then_some(&mut self.commands);
        let shown = self
            .help
            .show(ui, &self.registry, &self.log, demo, &mut self.doctor);
        if let Some((path, command)) = shown {
            self.load(path, command);
        }
    }

    /// "Flash next": the result of `id` is cleared and the next ready board selected.
    fn flash_next(&mut self, id: &DeviceId) {
        self.registry.clear(id);
        let image = self.image.loaded();
        let next = (self.registry.rows().iter())
            .filter(|r| r.present && matches!(r.state, BoardState::Idle))
            .find(|r| &r.device.id != id && image.is_none_or(|image| image.fits(&r.device)))
            .or_else(|| self.registry.row(id))
            .map(|r| r.device.id.clone());
        self.view.selected = next;
    }

    /// Station: the station's name, the file and its version, the shift's counters (each
    /// neutral until it counts something), the pace once there is one, the AUTO ON badge
    /// and the lock; the Flash button; Station setup... or Unlock....
    fn station_strip(&mut self, ui: &mut egui::Ui) {
        let floor = Floor::of(ui.visuals());
        ui.horizontal(|ui| self.station_row(ui, floor));
        // The per-board data's rows and the line's totals under it: the first row keeps
        // its room down to the smallest window.
        let rows = self.registry.rows_left().is_some();
        let line = self
            .registry
            .line()
            .is_some_and(|line| line.totals.is_some());
        if rows || line {
            ui.horizontal(|ui| self.rows_and_line(ui, floor));
        }
    }

    /// Station's first row: its name, the file, the shift, auto mode, and on the right
    /// the setup and the primary button.
    fn station_row(&mut self, ui: &mut egui::Ui, floor: Floor) {
        let station = &self.factory.settings.station;
        let station = if station.is_empty() {
            t!("window-station-default-name")
        } else {
            station.clone()
        };
        ui.label(egui::RichText::new(station).size(size::TILE_TITLE).strong());
        ui.separator();
        ui.vertical(|ui| match &self.image {
            ImageState::Loaded(image) => {
                ui.label(egui::RichText::new(image.name()).monospace().strong());
                ui.label(t!(
                    "window-file-for-sha",
                    chip = image.made_for(),
                    sha = image.image.short_sha256(),
                ));
            }
            ImageState::Invalid { path, error } => {
                ui.label(egui::RichText::new(file_name(path)).monospace().strong());
                ui.label(
                    egui::RichText::new(format!("✖ {}", failure_headline(error)))
                        .color(floor.fail_word)
                        .strong(),
                );
                // The engineer's words (the suffix's checksum...) wait under Details.
                egui::CollapsingHeader::new(t!("window-details"))
                    .id_salt("station_file_details") // not for people: an egui id
                    .show(ui, |ui| {
                        ui.set_max_width(420.0);
                        ui.add(egui::Label::new(error.message()).wrap());
                    });
            }
            ImageState::Loading(path) => {
                ui.label(t!("window-checking", name = file_name(path)));
            }
            ImageState::None => {
                ui.label(t!("window-no-firmware-file"));
            }
        });
        ui.separator();
        let shift = self.registry.shift();
        let count = |ui: &mut egui::Ui, tone: Tone, number: u32, words: String| {
            let colour = match tone {
                _ if number == 0 => floor.text,
                Tone::Pass => floor.pass_word,
                _ => floor.fail_word,
            };
            ui.label(
                egui::RichText::new(format!("{} {words}", tone.icon()))
                    .size(size::TILE_TITLE)
                    .strong()
                    .color(colour),
            );
        };
        let (passed, failed) = (shift.passed, shift.failed);
        count(
            ui,
            Tone::Pass,
            passed,
            t!("window-shift-passed", count = passed),
        );
        count(
            ui,
            Tone::Fail,
            failed,
            t!("window-shift-failed", count = failed),
        );
        // The pace once it says something: nothing before.
        if let Some(rate) = shift.per_hour(std::time::Instant::now()) {
            // A whole number of boards ("175", not "175.").
            let rate = rate.round() as u32;
            ui.label(t!("window-boards-per-hour", rate = rate))
                .on_hover_text(t!("window-boards-per-hour-hint"));
        }
        if self.factory.settings.auto && self.production.paused().is_none() {
            ui.label(
                egui::RichText::new(t!("window-auto-on"))
                    .strong()
                    .size(size::EMPHASIS)
                    .color(egui::Color32::WHITE)
                    .background_color(ui.visuals().selection.bg_fill),
            )
            .on_hover_text(t!("window-auto-on-hint"));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let image = self.image.loaded().cloned();
            if self.factory.locked() {
                // Unlock... over what the station is locked to: the strip stays narrow.
                let column = egui::Layout::top_down(egui::Align::Max);
                ui.with_layout(column, |ui| self.factory.lock_controls(ui, image.as_ref()));
            } else if ui
                .button(t!("window-station-setup-button"))
                .on_hover_text(t!("window-station-setup-hint"))
                .clicked()
            {
                self.view.setup_open = !self.view.setup_open;
            }
            ui.vertical(|ui| self.station_flash_button(ui));
        });
    }

    /// The rows of per-board data left, and the line's totals from its database.
    fn rows_and_line(&self, ui: &mut egui::Ui, floor: Floor) {
        if let Some((left, rows)) = self.registry.rows_left() {
            let (tone, colour, text) = if left == 0 {
                let text = t!("window-no-rows-left", rows = rows);
                (Tone::Fail, floor.fail_word, text)
            } else {
                let text = t!("window-rows-left", left = left, rows = rows);
                (Tone::Neutral, floor.text, text)
            };
            ui.label(
                egui::RichText::new(format!("{} {text}", tone.icon()))
                    .size(size::EMPHASIS)
                    .strong()
                    .color(colour),
            )
            .on_hover_text(t!("window-rows-left-hint"));
        }
        if let Some((line, totals)) =
            (self.registry.line()).and_then(|line| Some((line, line.totals?)))
        {
            let text = t!(
                "station-line-totals",
                passed = totals.passed,
                failed = totals.failed,
                left = totals.rows_left
            );
            ui.label(egui::RichText::new(text).size(size::EMPHASIS).strong())
                .on_hover_text(t!("station-line-totals-hint", store = line.store.as_str()));
        }
    }

    /// Station's primary button: "Flash N boards" for the ready boards that fit the
    /// file. With no board waiting, no button: only what to do (open a file, plug boards
    /// in); with boards waiting but flashing refused (the log paused, no rows left), the
    /// button is off and why is written under it.
    fn station_flash_button(&mut self, ui: &mut egui::Ui) {
        let (targets, reason) = self.primary_targets();
        let image = self.image.loaded();
        let waiting = (self.registry.rows().iter())
            .filter(|r| r.present && matches!(r.state, BoardState::Idle))
            .filter(|r| image.is_none_or(|image| image.fits(&r.device)))
            .count();
        let count = if reason.is_none() {
            targets.len()
        } else {
            waiting
        };
        if count > 0 {
            let label = t!("window-flash-boards", count = count);
            let text = egui::RichText::new(label).size(size::ACTION).strong();
            let button = if reason.is_none() {
                let fill = ui.visuals().selection.bg_fill;
                egui::Button::new(text.color(ui.visuals().selection.stroke.color)).fill(fill)
            } else {
                egui::Button::new(text)
            };
            let button = button.min_size([220.0, 48.0].into());
            let clicked = ui.add_enabled(reason.is_none(), button).clicked();
            if clicked && let Some(image) = self.image.loaded().cloned() {
                for row in &targets {
                    self.flash(row, &image);
                }
            }
        }
        if let Some(reason) = &reason {
            ui.label(egui::RichText::new(reason).size(size::EMPHASIS).strong());
        }
    }

    /// Station's middle: the grid of tiles; above it, while there is no file to flash
    /// (and the window is not locked), Open... and a place to drop one. With no slot and
    /// no board yet: how to start.
    fn station_view(&mut self, ui: &mut egui::Ui) {
        let image = self.image.loaded().cloned();
        let slots = self.factory.slots();
        let file_wanted = !self.factory.locked() && image.is_none();
        let refusal = self
            .open
            .dialog
            .is_some()
            .then(|| t!("window-file-dialog-open"));
        if let Some(why) = &self.open.unavailable {
            no_file_dialog(ui, why);
        }
        let mut open = false;
        let action = {
            let cells = self.view.fixture.cells(&self.registry, &slots);
            if cells.is_empty() {
                let wanted = file_wanted.then_some(refusal.as_deref());
                open = tiles::empty(ui, wanted);
                None
            } else {
                if file_wanted {
                    open = tiles::open_or_drop(ui, refusal.as_deref());
                    ui.add_space(10.0);
                }
                tiles::show(ui, &cells, image.as_deref(), !slots.is_empty())
            }
        };
        if open {
            self.open_file(ui.ctx());
        }
        match action {
            Some(TileAction::Select(id)) => self.view.selected = Some(id),
            Some(TileAction::Retry(id)) => {
                if let (Some(row), Some(image)) = (self.registry.row(&id).cloned(), image) {
                    self.flash(&row, &image);
                }
            }
            Some(TileAction::Clear(id)) => self.registry.clear(&id),
            None => {}
        }
    }

    /// Dresses the window for its mode: Station on the floor's look (its own dark one
    /// only when dark is asked for), Desk on egui's own.
    fn dress(&mut self, ctx: &egui::Context) {
        let now = (self.view.mode, ctx.options(|o| o.theme_preference));
        if self.view.dressed != Some(now) {
            self.view.dressed = Some(now);
            super::style::dress(ctx, now.0 == Mode::Station, &self.view.desk_looks);
        }
    }

    /// The Station setup dialog: auto mode, sound, the station's name, the production log
    /// folder and "Save profile...".
    fn station_setup(&mut self, ctx: &egui::Context) {
        if !self.view.setup_open || self.factory.locked() {
            return;
        }
        let mut open = true;
        let paused = self.production.paused().is_some();
        let image = self.image.loaded().cloned();
        egui::Window::new(t!("window-station-setup"))
            .id(egui::Id::unique("station_setup")) // not for people: an egui id
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                self.factory.setup(ui, paused);
                ui.separator();
                ui.label(t!("window-log-folder"));
                self.production.folder_row(ui, false);
                ui.separator();
                self.factory.lock_controls(ui, image.as_ref());
            });
        self.view.setup_open = open;
    }
}

/// Step 2 without a board: how to put one in download mode, with the picture; or, where
/// the driver doctor sees a board that needs its driver, what that board needs.
fn no_board_step(ui: &mut egui::Ui, without_driver: Option<&Finding>) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new(t!("window-step-board-none")).size(size::HEADING));
            match without_driver {
                Some(finding) => doctor::words(ui, finding),
                None => {
                    ui.label(egui::RichText::new(download_mode()).size(size::EMPHASIS));
                    super::help::download_mode_picture(ui);
                }
            }
        });
}

/// Open... could not show a dialog: say so, with the way out.
fn no_file_dialog(ui: &mut egui::Ui, why: &str) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(egui::Stroke::new(1.0, WARN))
        .corner_radius(4.0)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new(format!("{} {}", Tone::Warn.icon(), t!(NO_FILE_DIALOG)))
                    .color(WARN)
                    .strong(),
            );
            ui.label(why);
        });
}

/// Saves a screenshot as a PNG (through [`write_atomically`]: the path was asked for).
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> image::ImageResult<()> {
    use image::ImageEncoder;
    let [width, height] = image.size;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(
        image.as_raw(),
        width as u32,
        height as u32,
        image::ExtendedColorType::Rgba8,
    )?;
    Ok(write_atomically(path, &png, Existing::Replace)?)
}
