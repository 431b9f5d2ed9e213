//! Guided help: a side panel that opens by itself on a symptom (no board, access denied,
//! a raw app image, ...) and a Help button that lists every topic.
//!
//! - `topics`: what each topic says (title, steps, picture, action), as data.
//! - `triggers`: which symptom opens which topic, once per occurrence.
//! - `pictures`: the drawings; `install`: the udev rule through pkexec;
//!   `make`: "Make dfu.bin..." for a raw app image.

mod install;
mod make;
mod pictures;
mod topics;
mod triggers;

use std::path::PathBuf;
use std::time::Duration;

use eframe::egui::{self, RichText};

pub use topics::{Action, Content, Picture, Topic};
pub use triggers::{LONG_ERASE_AFTER, NO_BOARD_AFTER, S3_AFTER, WIRING_AFTER};

use crossbeam_channel::Receiver;

use super::dialogs::save_support_report;
use super::doctor::Doctor;
use super::session_log::Log;
use failure::Code;
use firmware::Chip;
use i18n::t;
use install::Install;
use make::{MakeDialog, Request};
use station::advice::{Platform, UDEV_RULE};
use station::demo::DEMO_CHIPS;
use station::support::History;
use station::{BoardRow, Command, DemoCommand, Event, LoadedImage, Registry};
use triggers::{Opening, Watch};

/// What the panel shows.
#[derive(Debug, Default)]
enum Panel {
    #[default]
    Closed,
    List,
    Topic(Opening),
}

/// The help's state: the panel, the triggers, and the topics' actions.
#[derive(Default)]
pub struct Help {
    panel: Panel,
    watch: Watch,
    install: Install,
    /// The last raw app image refused, for "Make dfu.bin...".
    raw_app: Option<PathBuf>,
    make: Option<MakeDialog>,
    /// "Save support report...": the save under way, then what became of it.
    report: Option<Receiver<String>>,
    report_said: Option<String>,
    /// Where the report finds the last flashes.
    history: History,
}

impl Help {
    /// Help whose support report tells the flashes `history` remembers.
    pub fn new(history: History) -> Help {
        Help {
            history,
            ..Help::default()
        }
    }

    /// Opens `topic`, saying what happened if `context` is given.
    pub fn open(&mut self, topic: Topic, context: Option<String>) {
        self.panel = Panel::Topic(Opening {
            topic,
            context,
            detail: None,
        });
    }

    /// Opens `topic` with what happened in an engineer's words (shown under "For your
    /// engineer").
    pub fn open_with_detail(&mut self, topic: Topic, detail: String) {
        self.panel = Panel::Topic(Opening {
            topic,
            context: None,
            detail: Some(detail),
        });
    }

    /// The topic shown, if one is.
    pub fn topic(&self) -> Option<Topic> {
        match &self.panel {
            Panel::Topic(opening) => Some(opening.topic),
            _ => None,
        }
    }

    /// Takes a station event: opens the topic its symptom calls for.
    pub fn event(&mut self, event: &Event) {
        match event {
            Event::ImageLoaded {
                path,
                result: Err(error),
            } if error.code() == Code::RawEspApp => self.raw_app = Some(path.clone()),
            _ => {}
        }
        if let Some(opening) = self.watch.event(event) {
            self.panel = Panel::Topic(opening);
        }
    }

    /// Opens the topic what the window shows calls for, and wakes the window when a
    /// timed symptom is due. `without_driver`: the driver doctor sees a board.
    pub fn tick(
        &mut self,
        ctx: &egui::Context,
        registry: &Registry,
        image: Option<&LoadedImage>,
        selected: Option<&BoardRow>,
        without_driver: bool,
    ) {
        let now = ctx.input(|i| i.time);
        let (opening, next) = self
            .watch
            .tick(now, registry, image, selected, without_driver);
        if let Some(opening) = opening {
            self.panel = Panel::Topic(opening);
        }
        if let Some(next) = next {
            ctx.request_repaint_after(Duration::from_secs_f64((next - now).max(0.0)));
        }
        self.install.poll();
    }

    /// The top bar's Help button: opens the list of topics, or closes the panel.
    pub fn button(&mut self, ui: &mut egui::Ui) {
        let open = !matches!(self.panel, Panel::Closed);
        if ui
            .selectable_label(open, t!("help-button"))
            .on_hover_text(t!("help-button-hint"))
            .clicked()
        {
            self.panel = if open { Panel::Closed } else { Panel::List };
        }
    }

    /// The panel on the right, and the "Make dfu.bin" dialog. Returns a file to load.
    /// `demo`: emulated boards may be plugged in (not while locked to a profile); the
    /// Windows driver topic shows the `doctor`'s findings.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        registry: &Registry,
        session_log: &Log,
        demo: Option<&mut Vec<Command>>,
        doctor: &mut Doctor,
    ) -> Option<(PathBuf, Command)> {
        if let Some(said) = self.report.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.report = None;
            self.report_said = Some(said);
        }
        let mut load = None;
        if let Some(dialog) = &mut self.make {
            match dialog.show(ui.ctx()) {
                Some(Request::Load(path, command)) => {
                    load = Some((path, command));
                    self.make = None;
                }
                Some(Request::Close) => self.make = None,
                None => {}
            }
        }
        if matches!(self.panel, Panel::Closed) {
            return load;
        }
        // At most 30 % of a small window by default: the steps beside it stay readable.
        let width = ui.ctx().content_rect().width();
        egui::Panel::right("help") // not for people: the panel's id
            .resizable(true)
            .default_size((width * 0.3).clamp(260.0, 380.0))
            .size_range(260.0..=(width * 0.45).max(260.0))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.heading(t!("help-heading"));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .button(t!("help-close"))
                            .on_hover_text(t!("help-close-hint"))
                            .clicked()
                        {
                            self.panel = Panel::Closed;
                        }
                        if matches!(self.panel, Panel::Topic(_))
                            && ui.button(t!("help-all-topics")).clicked()
                        {
                            self.panel = Panel::List;
                        }
                    });
                });
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| match &self.panel {
                    Panel::Closed => {}
                    Panel::List => {
                        self.support_report(ui, session_log);
                        if let Some(commands) = demo {
                            demo_boards(ui, commands);
                        }
                        if let Some(topic) = list(ui) {
                            // The header above was drawn for the list: draw it again.
                            ui.ctx().request_repaint();
                            self.open(topic, None);
                        }
                    }
                    Panel::Topic(opening) => {
                        let opening = opening.clone();
                        self.topic_view(ui, &opening, registry, doctor);
                    }
                });
            });
        load
    }

    /// "Save support report...": one file to send to whoever helps, with what they need.
    fn support_report(&mut self, ui: &mut egui::Ui, session_log: &Log) {
        let button = egui::Button::new(t!("help-support-report"));
        let hint = t!("help-support-report-hint");
        if ui
            .add_enabled(self.report.is_none(), button)
            .on_hover_text(hint)
            .clicked()
        {
            let lines = session_log.text().lines().map(str::to_owned).collect();
            let history = self.history.clone();
            self.report = Some(save_support_report(history, lines, ui.ctx()));
            self.report_said = None;
        }
        if let Some(said) = &self.report_said {
            ui.label(said);
        }
        ui.separator();
    }

    fn topic_view(
        &mut self,
        ui: &mut egui::Ui,
        opening: &Opening,
        registry: &Registry,
        doctor: &mut Doctor,
    ) {
        let content = opening.topic.content();
        ui.label(RichText::new(content.title).heading().strong());
        ui.add(
            egui::Label::new(
                RichText::new(content.first)
                    .size(crate::ui::style::size::EMPHASIS)
                    .strong(),
            )
            .wrap(),
        );
        if let Some(context) = &opening.context {
            egui::Frame::new()
                .fill(ui.visuals().faint_bg_color)
                .stroke(egui::Stroke::new(1.0, ui.visuals().warn_fg_color))
                .corner_radius(4.0)
                .inner_margin(8.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(context);
                });
        }
        if opening.topic == Topic::WindowsDriver {
            ui.add_space(4.0);
            doctor.show(ui, true);
        }
        ui.add_space(4.0);
        ui.add(egui::Label::new(content.why).wrap());
        ui.add_space(6.0);
        for (i, step) in content.steps.iter().enumerate() {
            ui.horizontal_top(|ui| {
                ui.label(RichText::new(format!("{}.", i + 1)).strong());
                ui.add(egui::Label::new(step.as_str()).wrap());
            });
        }
        if let Some(picture) = content.picture {
            ui.add_space(8.0);
            pictures::show(ui, picture);
        }
        ui.add_space(8.0);
        match content.action {
            Some(Action::UdevRule) => self.install_rule(ui),
            Some(Action::MakeDfuBin) => self.make_action(ui, registry),
            None => {}
        }
        let technical =
            opening.detail.is_some() || !content.engineer.is_empty() || !content.code.is_empty();
        if technical {
            ui.add_space(8.0);
            // Closed until opened: what the engineer needs, not the technician.
            egui::CollapsingHeader::new(t!("help-for-engineer"))
                .id_salt(("engineer", opening.topic)) // not for people: an egui id
                .show(ui, |ui| {
                    if let Some(detail) = &opening.detail {
                        ui.add(egui::Label::new(RichText::new(detail).monospace()).wrap());
                        ui.add_space(4.0);
                    }
                    for line in &content.engineer {
                        ui.add(egui::Label::new(line.as_str()).wrap());
                        ui.add_space(2.0);
                    }
                    if !content.code.is_empty() {
                        ui.add_space(4.0);
                        egui::Frame::canvas(ui.style())
                            .inner_margin(6.0)
                            .show(ui, |ui| {
                                ui.set_width(ui.available_width());
                                for line in &content.code {
                                    let text = RichText::new(line).monospace();
                                    ui.add(egui::Label::new(text).wrap());
                                }
                            });
                    }
                    if content.action == Some(Action::UdevRule) {
                        copy_rule(ui);
                    }
                });
        }
    }

    /// "Install rule": the udev rule through pkexec, and what became of it.
    fn install_rule(&mut self, ui: &mut egui::Ui) {
        let linux = Platform::current() == Platform::Linux;
        let running = matches!(self.install, Install::Running(_));
        if ui
            .add_enabled(
                linux && !running,
                egui::Button::new(t!("help-install-rule")),
            )
            .on_hover_text(t!("help-install-rule-hint"))
            .on_disabled_hover_text(t!("help-install-rule-off-hint"))
            .clicked()
        {
            self.install.start(ui.ctx());
        }
        if let Some(status) = self.install.status() {
            ui.label(RichText::new(status).strong());
        }
    }

    fn make_action(&mut self, ui: &mut egui::Ui, registry: &Registry) {
        let clicked = ui
            .add_enabled(
                self.raw_app.is_some() && self.make.is_none(),
                egui::Button::new(t!("help-make-dfu-bin")),
            )
            .on_hover_text(t!("help-make-dfu-bin-hint"))
            .on_disabled_hover_text(t!("help-make-dfu-bin-off-hint"))
            .clicked();
        if clicked && let Some(app) = &self.raw_app {
            // The chip of the first board listed, as the board the file is for.
            let chip = (registry.rows().iter())
                .find_map(|r| r.device.chip())
                .unwrap_or(Chip::Esp32S2);
            self.make = Some(MakeDialog::new(app.clone(), chip));
        }
    }
}

/// "Copy rule": the udev rule to the clipboard, for the engineer who installs it by hand.
fn copy_rule(ui: &mut egui::Ui) {
    if ui
        .button(t!("help-copy-rule"))
        .on_hover_text(t!("help-copy-rule-hint"))
        .clicked()
    {
        ui.ctx().copy_text(UDEV_RULE.to_owned());
    }
}

/// Every topic's title as a link; returns the one clicked.
fn list(ui: &mut egui::Ui) -> Option<Topic> {
    ui.label(t!("help-list-intro"));
    ui.add_space(4.0);
    let mut chosen = None;
    for topic in Topic::ALL {
        if ui.link(topic.title()).clicked() {
            chosen = Some(topic);
        }
    }
    chosen
}
/// "Try without hardware": plug in emulated boards (the demo).
fn demo_boards(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.label(RichText::new(t!("help-demo-heading")).strong());
    ui.horizontal_wrapped(|ui| {
        for chip in DEMO_CHIPS {
            if ui
                .button(t!("help-demo-plug", chip = chip.name()))
                .on_hover_text(t!("help-demo-plug-hint"))
                .clicked()
            {
                commands.push(Command::StartDemo);
                commands.push(Command::Demo(DemoCommand::Plug(chip)));
            }
        }
    });
    ui.separator();
}

/// The picture of how to put a board in download mode (BOOT and RESET).
pub fn download_mode_picture(ui: &mut egui::Ui) {
    pictures::show(ui, Picture::DownloadMode);
}
