//! The eframe app: owns the UI state, drains station events, lays out the views and
//! sends the frame's commands at its end.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use eframe::egui;

use super::dialogs::Dialog;
use super::help::{Help, Topic};
use super::log::Log;
use super::production::Production;
use super::profile::{Factory, Remembered};
use super::style::FAIL;
use super::{Options, board, devices, image_card, tiles};
use crate::station::demo::DEMO_CHIPS;
use crate::station::factory::Settings;
use crate::station::files::{Existing, write_atomically};
use crate::station::{
    Command, DemoCommand, DeviceId, Event, ImageError, LoadedImage, Registry, Row, Station,
    file_name,
};

/// Storage key of the last image's path.
const LAST_IMAGE_KEY: &str = "last_image";
/// Storage key of the factory settings (when not started with a profile).
const FACTORY_KEY: &str = "factory";
/// Why Flash and Flash all are off while the production log cannot be written.
const PAUSED: &str = "Flashing is paused: the production log cannot be written";

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
        error: ImageError,
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
    selected: Option<DeviceId>,
    image: ImageState,
    /// Remembered between runs.
    last_image: Option<PathBuf>,
    log: Log,
    log_open: bool,
    /// The file dialog of Open..., while it is open.
    dialog: Option<Dialog>,
    demo: bool,
    /// Emitted by the views this frame; sent at its end.
    commands: Vec<Command>,
    screenshot: Option<Screenshot>,
    help: Help,
    factory: Factory,
    /// Started with a profile: the settings are not remembered.
    with_profile: bool,
    /// The factory settings last sent to the station.
    sent: Option<Settings>,
    production: Production,
    bottom_tab: BottomTab,
    /// Large tiles instead of the list and the selected board.
    station_view: bool,
    quit: Quit,
    /// Closing was asked while records wait to be written: the question is shown.
    confirm_quit: bool,
    /// "Quit anyway" was pressed.
    quit_anyway: bool,
}

/// Closing the window while boards flash: asked first, then every flash is cancelled
/// (and so recorded) before the window closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quit {
    No,
    Asking,
    Stopping,
}

struct Screenshot {
    path: PathBuf,
    requested: bool,
}

impl App {
    /// The app on `station`; locked to the profile if given, else re-checks the last
    /// image; starts demo boards if asked.
    pub fn new(cc: &eframe::CreationContext<'_>, station: Station, options: Options) -> App {
        let last_image: Option<PathBuf> = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, LAST_IMAGE_KEY))
            .flatten();
        let remembered: Remembered = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, FACTORY_KEY))
            .unwrap_or_default();
        let mut app = App {
            station,
            registry: Registry::default(),
            selected: None,
            image: ImageState::None,
            last_image: last_image.clone(),
            log: Log::default(),
            log_open: true,
            dialog: None,
            demo: false,
            commands: Vec::new(),
            screenshot: options.screenshot.map(|path| Screenshot {
                path,
                requested: false,
            }),
            help: Help::default(),
            factory: Factory::new(remembered, options.profile.as_ref()),
            with_profile: options.profile.is_some(),
            sent: None,
            production: Production::default(),
            bottom_tab: BottomTab::Session,
            station_view: options.profile.is_some(),
            quit: Quit::No,
            confirm_quit: false,
            quit_anyway: false,
        };
        if let Some(error) = options.usb_error {
            app.help
                .open(Topic::UsbUnavailable, Some(error.to_string()));
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
        if let Some(answer) = self.dialog.as_ref().and_then(Dialog::answer) {
            self.dialog = None;
            if let Some(path) = answer {
                self.load(path.clone(), Command::load_path(path));
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
                                self.last_image = Some(path);
                                ImageState::Loaded(image)
                            }
                            Err(error) => ImageState::Invalid { path, error },
                        };
                    }
                }
                Event::DemoStarted => self.demo = true,
                Event::DeviceAdded(device) if self.selected.is_none() => {
                    self.selected = Some(device.id)
                }
                _ => {}
            }
        }
        if let Some(id) = &self.selected
            && self.registry.row(id).is_none()
        {
            self.selected = self.registry.rows().first().map(|r| r.device.id.clone());
        }
    }

    fn take_dropped_file(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input_mut(|i| std::mem::take(&mut i.raw.dropped_files));
        if self.factory.locked() {
            return;
        }
        if let Some(file) = dropped.into_iter().next() {
            let path = file.path().to_path_buf();
            // A file on disk is read as any other (a FIFO or a huge file is refused).
            let command = if std::fs::symlink_metadata(&path).is_ok() {
                Command::load_path(path.clone())
            } else {
                Command::LoadImage {
                    path: path.clone(),
                    read: Box::new(move || file.bytes()),
                }
            };
            self.load(path, command);
        }
    }

    fn selected_row(&self) -> Option<&Row> {
        self.selected.as_ref().and_then(|id| self.registry.row(id))
    }

    /// Rows `Flash all` would flash: present, idle or done, and fitting the image.
    fn flashable<'a>(&'a self, image: &'a LoadedImage) -> impl Iterator<Item = &'a Row> + 'a {
        self.registry
            .rows()
            .iter()
            .filter(move |r| r.present && !r.flashing() && image.mismatch(&r.device).is_none())
    }

    fn flash(&mut self, row: &Row, image: &Arc<LoadedImage>) {
        self.commands.push(Command::Flash {
            device: row.device.clone(),
            image: image.clone(),
        });
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_centered(|ui| {
            ui.heading(egui::RichText::new("DFU Station").strong());
            ui.separator();
            let name = match &self.image {
                ImageState::None => "No file".to_owned(),
                ImageState::Loading(path) | ImageState::Invalid { path, .. } => file_name(path),
                ImageState::Loaded(image) => image.name(),
            };
            ui.label(egui::RichText::new(name).monospace())
                .on_hover_text("The file to flash");
            ui.toggle_value(&mut self.station_view, "Station view")
                .on_hover_text("Large PASS/FAIL tiles, one per board");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                self.help.button(ui);
                self.demo_menu(ui);
                let (passed, failed) = self.registry.counts();
                ui.label(format!("PASS {passed} · FAIL {failed}"))
                    .on_hover_text("Boards flashed since the app started");
                ui.separator();
                self.flash_buttons(ui);
            });
        });
    }

    fn flash_buttons(&mut self, ui: &mut egui::Ui) {
        let image = self.image.loaded().cloned();
        let all: Vec<Row> = image
            .as_ref()
            .map(|image| self.flashable(image).cloned().collect())
            .unwrap_or_default();
        let paused = self.production.paused().is_some();
        let all_reason = match &image {
            _ if paused => Some(PAUSED),
            None => Some("Open a valid DFU file first"),
            Some(_) if all.is_empty() => Some("No board is ready for this file"),
            Some(_) => None,
        };
        let button =
            egui::Button::new(format!("Flash all ({})", all.len())).min_size([0.0, 30.0].into());
        let response = ui
            .add_enabled(all_reason.is_none(), button)
            .on_hover_text("Flash every ready board that fits the file, in parallel")
            .on_disabled_hover_text(all_reason.unwrap_or_default());
        if response.clicked()
            && let Some(image) = &image
        {
            for row in &all {
                self.flash(row, image);
            }
        }
        let selected = self.selected_row().cloned();
        let reason = match paused {
            true => Some(PAUSED.to_owned()),
            false => board::flash_refusal(selected.as_ref(), image.as_deref()),
        };
        // With a file but no board at all, Flash stays on and says how to get one.
        let no_board =
            !paused && image.is_some() && !self.registry.rows().iter().any(|r| r.present);
        let button =
            egui::Button::new(egui::RichText::new("Flash").strong()).min_size([90.0, 30.0].into());
        let response = ui
            .add_enabled(reason.is_none() || no_board, button)
            .on_hover_text("Flash the selected board")
            .on_disabled_hover_text(reason.unwrap_or_default());
        if response.clicked() {
            match (&selected, &image) {
                (Some(row), Some(image)) if !no_board => self.flash(row, image),
                _ => self.help.open(
                    Topic::NoBoard,
                    Some("Flash was pressed, but no board is connected.".into()),
                ),
            }
        }
    }

    /// The Demo menu; unavailable while the station is locked to a profile.
    fn demo_menu(&mut self, ui: &mut egui::Ui) {
        if self.factory.locked() {
            ui.add_enabled(false, egui::Button::new("Demo"))
                .on_disabled_hover_text(
                    "Demo boards are unavailable while the station is locked to a profile",
                );
            return;
        }
        ui.menu_button("Demo", |ui| {
            if !self.demo && ui.button("Start demo mode").clicked() {
                self.commands.push(Command::StartDemo);
            }
            for chip in DEMO_CHIPS {
                if ui.button(format!("Plug in an emulated {chip}")).clicked() {
                    self.commands.push(Command::Demo(DemoCommand::Plug(chip)));
                }
            }
        })
        .response
        .on_hover_text("Emulated boards, to try DFU Station without hardware");
    }

    /// Sends the factory settings when they changed (image, auto mode, log folder...).
    fn configure(&mut self) {
        if let Some(folder) = self.production.picked() {
            self.factory.settings.log_folder = Some(folder);
        }
        let settings = self.factory.station_settings(self.image.loaded());
        if self.sent.as_ref() != Some(&settings) {
            self.sent = Some(settings.clone());
            self.commands.push(Command::Configure(settings));
        }
    }

    fn bottom_panel(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.bottom_tab, BottomTab::Session, "Session log");
            ui.selectable_value(
                &mut self.bottom_tab,
                BottomTab::Production,
                "Production log",
            );
        });
        match self.bottom_tab {
            BottomTab::Session => self.log.show(ui, &mut self.log_open),
            BottomTab::Production => self.production.show(ui, self.factory.locked()),
        }
    }

    fn open_file(&mut self, ctx: &egui::Context) {
        if self.dialog.is_none() {
            self.dialog = Some(Dialog::dfu_file(ctx));
        }
    }

    /// Closing the window while records wait to be written asks first: "Keep waiting"
    /// (the station keeps trying) or "Quit anyway".
    fn quit_with_held_records(&mut self, ctx: &egui::Context) {
        let held = self.production.paused().map_or(0, |p| p.held.len());
        // Boards still flashing are stopped first (`guard_quit`); then this asks.
        let flashing = self.registry.rows().iter().any(|row| row.flashing());
        if ctx.input(|i| i.viewport().close_requested())
            && held > 0
            && !self.quit_anyway
            && !flashing
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_quit = true;
        }
        if !self.confirm_quit || held == 0 {
            self.confirm_quit = false;
            return;
        }
        egui::Modal::new(egui::Id::unique("quit_with_held_records")).show(ctx, |ui| {
            ui.heading("Records not written yet");
            let records = if held == 1 {
                "1 record is".to_owned()
            } else {
                format!("{held} records are")
            };
            ui.label(format!(
                "{records} not written to the production log yet: it cannot be written. \
                 Quitting now loses them."
            ));
            ui.horizontal(|ui| {
                if ui.button("Keep waiting").clicked() {
                    self.confirm_quit = false;
                }
                if ui.button("Quit anyway").clicked() {
                    self.confirm_quit = false;
                    self.quit_anyway = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
        });
    }

    /// Keeps repainting until the window shows its boards, then saves it, says which
    /// boards it showed (`Saved shot.png: 1 board listed: ESP32-S2 at 1-1`) and quits.
    fn screenshot(&mut self, ctx: &egui::Context) {
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        let time = ctx.input(|i| i.time);
        let ready = time > 1.0 && (!self.registry.rows().is_empty() || time > 5.0);
        if ready && !shot.requested {
            shot.requested = true;
            let path = shot.path.clone();
            let rows = self.registry.rows();
            let listed: Vec<String> = rows
                .iter()
                .map(|r| format!("{} at {}", r.device.chip_name(), r.device.id.path))
                .collect();
            let summary = format!(
                "{} board{} listed{}{}",
                listed.len(),
                if listed.len() == 1 { "" } else { "s" },
                if listed.is_empty() { "" } else { ": " },
                listed.join(", ")
            );
            let ctx = ctx.clone();
            ctx.clone().request_screenshot(move |image| {
                std::thread::spawn(move || {
                    if let Err(error) = save_png(&path, &image) {
                        eprintln!("dfu-station: could not save {}: {error}", path.display());
                    } else {
                        println!("Saved {}: {summary}", path.display());
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
        self.guard_quit(&ctx);
        self.take_dropped_file(&ctx);
        if let Some(next) = devices::arrow_selection(&ctx, &self.registry, self.selected.as_ref()) {
            self.selected = Some(next);
        }

        let image = self.image.loaded().cloned();
        let selected = self.selected_row().cloned();
        self.help
            .tick(&ctx, &self.registry, image.as_deref(), selected.as_ref());

        egui::Panel::top("top_bar")
            .exact_size(48.0)
            .show(ui, |ui| self.top_bar(ui));
        egui::Panel::top("factory_bar")
            .exact_size(36.0)
            .show(ui, |ui| {
                let image = self.image.loaded().cloned();
                let paused = self.production.paused().is_some();
                self.factory
                    .bar(ui, self.registry.shift(), image.as_ref(), paused);
            });
        if let Some(pause) = self.production.paused() {
            egui::Panel::top("log_paused")
                .frame(egui::Frame::new().fill(FAIL).inner_margin(8.0))
                .show(ui, |ui| {
                    let text = egui::RichText::new(pause.banner())
                        .color(egui::Color32::WHITE)
                        .strong();
                    ui.add(egui::Label::new(text).wrap());
                });
        }
        egui::Panel::bottom("log")
            .resizable(self.log_open || self.bottom_tab == BottomTab::Production)
            .default_size(150.0)
            .show(ui, |ui| self.bottom_panel(ui));
        if self.station_view {
            egui::CentralPanel::default().show(ui, |ui| {
                let image = self.image.loaded().map(|i| &**i);
                if let Some(id) = tiles::show(ui, &self.registry, image) {
                    self.selected = Some(id);
                }
            });
        } else {
            self.list_and_board(ui, &ctx);
        }

        image_card::drop_highlight(&ctx);
        self.quit_with_held_records(&ctx);
        self.screenshot(&ctx);
        self.configure();
        self.send_commands();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, LAST_IMAGE_KEY, &self.last_image);
        if !self.with_profile {
            eframe::set_value(storage, FACTORY_KEY, &self.factory.settings);
        }
    }
}

impl App {
    /// Keeps the window open while boards flash: asks "Stop them and quit?", then
    /// cancels every flash and closes once each has ended (its record written).
    fn guard_quit(&mut self, ctx: &egui::Context) {
        let flashing: Vec<DeviceId> = (self.registry.rows().iter())
            .filter(|row| row.flashing())
            .map(|row| row.device.id.clone())
            .collect();
        if ctx.input(|i| i.viewport().close_requested()) && !flashing.is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.quit == Quit::No {
                self.quit = Quit::Asking;
            }
        }
        let count = flashing.len();
        let boards = if count == 1 { "board is" } else { "boards are" };
        match self.quit {
            Quit::No => {}
            Quit::Stopping if flashing.is_empty() => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Quit::Stopping => {
                egui::Modal::new(egui::Id::unique("quit")).show(ctx, |ui| {
                    ui.heading(format!("Stopping {count} {boards} flashing..."));
                    ui.label("The window closes once every flash has ended and been recorded.");
                });
            }
            Quit::Asking if flashing.is_empty() => self.quit = Quit::No,
            Quit::Asking => {
                egui::Modal::new(egui::Id::unique("quit")).show(ctx, |ui| {
                    ui.heading(format!("{count} {boards} flashing. Stop them and quit?"));
                    ui.label(
                        "Each stopped board is recorded as cancelled and must be flashed again.",
                    );
                    ui.horizontal(|ui| {
                        if ui.button("Stop them and quit").clicked() {
                            self.quit = Quit::Stopping;
                            self.commands
                                .extend(flashing.iter().cloned().map(Command::Cancel));
                        }
                        if ui.button("Keep flashing").clicked() {
                            self.quit = Quit::No;
                        }
                    });
                });
            }
        }
    }

    /// The board list on the left, the selected board and the file in the middle.
    fn list_and_board(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let forget = egui::Panel::left("devices")
            .resizable(true)
            .default_size(ctx.content_rect().width() * 0.46)
            .size_range(360.0..=1100.0)
            .show(ui, |ui| {
                devices::show(
                    ui,
                    &self.registry,
                    &mut self.selected,
                    self.image.loaded().map(|i| &**i),
                    &mut self.commands,
                )
            })
            .inner;
        if let Some(id) = forget {
            self.registry.forget(&id);
        }
        if let Some((path, command)) = self.help.show(ui, &self.registry, &self.log) {
            self.load(path, command);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let selected = self.selected.as_ref();
                if let Some(row) = selected.and_then(|id| self.registry.row(id)) {
                    board::show(ui, row, &mut self.commands);
                    ui.add_space(12.0);
                }
                let refusal = if self.factory.locked() {
                    Some("Locked to the factory profile: Unlock with the engineer's PIN")
                } else if self.dialog.is_some() {
                    Some("The file dialog is open")
                } else {
                    None
                };
                if image_card::show(ui, &self.image, self.selected_row(), refusal) {
                    self.open_file(ui.ctx());
                }
            });
        });
    }
}

/// Saves a screenshot as a PNG (through [`write_atomically`]: the path was asked for).
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    use image::ImageEncoder;
    let [width, height] = image.size;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            image.as_raw(),
            width as u32,
            height as u32,
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| e.to_string())?;
    write_atomically(path, &png, Existing::Replace).map_err(|e| e.to_string())
}
