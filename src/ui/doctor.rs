//! The driver doctor's view (Windows): a board whose DFU interface has no driver, or a
//! wrong one, says so in plain words with what to do, and where Espressif's signed driver
//! ships with the app, one button installs it. Asking Windows and installing run on
//! threads of their own (the install waits for Windows' permission prompt), never the
//! UI's; elsewhere than on Windows nothing is found and nothing shows.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, bounded};
use eframe::egui::{self, RichText};

use super::status::{self, Status, Tone};
use super::style::{FAIL, size};
use i18n::t;
use station::advice::{driver_details, driver_headline, driver_steps};
use station::{DeviceId, Registry};
use usb::driver::{Computer, Finding, Fix, InstallError, Installed, examine};

/// The doctor: what it found, and the look or install under way.
pub struct Doctor {
    computer: Arc<dyn Computer>,
    findings: Vec<Finding>,
    /// The look under way.
    scan: Option<Receiver<Vec<Finding>>>,
    /// The UI time of the last look, and the boards present then: a change looks again.
    scanned: Option<(f64, Vec<DeviceId>)>,
    /// The install under way.
    install: Option<Receiver<Result<Installed, InstallError>>>,
    /// What the last install came to.
    said: Option<Status>,
    /// The findings whose help has opened (once while each lasts).
    opened: Vec<Finding>,
}

impl Doctor {
    /// A doctor asking `computer`.
    pub fn new(computer: Arc<dyn Computer>) -> Doctor {
        Doctor {
            computer,
            findings: Vec::new(),
            scan: None,
            scanned: None,
            install: None,
            said: None,
            opened: Vec::new(),
        }
    }

    /// What needs doing, board by board.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Takes what a look or an install came to, and looks again at start, when the boards
    /// change, after an install and every scan interval. True when a finding appears
    /// that has not opened the help yet.
    pub fn tick(&mut self, ctx: &egui::Context, registry: &Registry) -> bool {
        if let Some(outcome) = self.install.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.install = None;
            self.said = Some(status::driver_install(&outcome));
            self.scanned = None;
        }
        if let Some(findings) = self.scan.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.scan = None;
            // A finding gone and back (replugged, still without its driver) opens again.
            self.opened.retain(|finding| findings.contains(finding));
            self.findings = findings;
        }
        let now = ctx.input(|i| i.time);
        let boards: Vec<DeviceId> = (registry.rows().iter())
            .filter(|row| row.present)
            .map(|row| row.device.id.clone())
            .collect();
        let interval = self.computer.scan_interval().map(|i| i.as_secs_f64());
        let due = match &self.scanned {
            None => true,
            Some((at, seen)) => *seen != boards || interval.is_some_and(|i| now - at >= i),
        };
        if due && self.scan.is_none() && self.install.is_none() {
            self.scanned = Some((now, boards));
            self.look(ctx);
        }
        if let (Some(interval), Some((at, _))) = (interval, &self.scanned) {
            ctx.request_repaint_after(Duration::from_secs_f64((at + interval - now).max(0.0)));
        }
        let new = (self.findings.iter()).find(|finding| !self.opened.contains(finding));
        match new.cloned() {
            Some(finding) => {
                self.opened.push(finding);
                true
            }
            None => false,
        }
    }

    /// Asks the computer on a thread; `ctx` is woken with the answer.
    fn look(&mut self, ctx: &egui::Context) {
        let (tx, rx) = bounded(1);
        let (computer, ctx) = (self.computer.clone(), ctx.clone());
        std::thread::Builder::new()
            .name("driver-doctor".into()) // not for people: a thread name
            .spawn(move || {
                let findings = examine(&*computer).unwrap_or_else(|error| {
                    log::warn!("the driver doctor could not list USB devices: {error}");
                    Vec::new()
                });
                let _ = tx.send(findings);
                ctx.request_repaint();
            })
            .expect("spawn the driver doctor");
        self.scan = Some(rx);
    }

    /// Installs the package at `inf` on a thread; `ctx` is woken when it ends.
    fn install(&mut self, ctx: &egui::Context, inf: PathBuf) {
        let (tx, rx) = bounded(1);
        let (computer, ctx) = (self.computer.clone(), ctx.clone());
        std::thread::Builder::new()
            .name("driver-install".into()) // not for people: a thread name
            .spawn(move || {
                let _ = tx.send(computer.install(&inf));
                ctx.request_repaint();
            })
            .expect("spawn the driver install");
        self.install = Some(rx);
        self.said = None;
    }

    /// A card per finding, then what the last install came to. `in_help`: the Windows
    /// driver help shows its steps around it. True when "Show the steps" was pressed.
    pub fn show(&mut self, ui: &mut egui::Ui, in_help: bool) -> bool {
        let mut steps = false;
        let mut install = None;
        for finding in &self.findings {
            match card(ui, finding, self.install.is_some(), in_help) {
                Some(Press::Install(inf)) => install = Some(inf),
                Some(Press::Steps) => steps = true,
                None => {}
            }
            ui.add_space(6.0);
        }
        if let Some(inf) = install {
            self.install(ui.ctx(), inf);
        }
        if self.install.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(t!("driver-installing"));
            });
        } else if let Some(said) = &self.said {
            said.show(ui, size::EMPHASIS);
        }
        steps
    }
}

/// A finding's headline and what to do, as its card and step 2 say them.
pub fn words(ui: &mut egui::Ui, finding: &Finding) {
    let headline = RichText::new(driver_headline(&finding.fix))
        .strong()
        .size(size::EMPHASIS);
    ui.add(egui::Label::new(headline).wrap());
    for step in driver_steps(finding) {
        ui.add(egui::Label::new(RichText::new(step).size(size::REASON)).wrap());
    }
}

/// A button pressed on a card.
enum Press {
    Install(PathBuf),
    Steps,
}

/// One finding: the chip and a badge, the headline, what to do and its button, the
/// engineer's detail under Details.
fn card(ui: &mut egui::Ui, finding: &Finding, installing: bool, in_help: bool) -> Option<Press> {
    let mut press = None;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, FAIL))
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let badge = match finding.fix {
                Fix::WrongDriver { .. } => t!("driver-badge-wrong"),
                Fix::Install(_) | Fix::Zadig(_) => t!("driver-badge-needed"),
            };
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(finding.chip.name())
                        .strong()
                        .size(size::CARD_TITLE),
                );
                ui.label(
                    RichText::new(format!("{} {badge}", Tone::Fail.icon()))
                        .strong()
                        .size(size::EMPHASIS)
                        .color(FAIL),
                );
            });
            words(ui, finding);
            match &finding.fix {
                Fix::Install(inf) => {
                    let button =
                        egui::Button::new(RichText::new(t!("driver-install")).size(size::EMPHASIS))
                            .min_size([160.0, 32.0].into());
                    if ui
                        .add_enabled(!installing, button)
                        .on_hover_text(t!("driver-install-hint"))
                        .clicked()
                    {
                        press = Some(Press::Install(inf.clone()));
                    }
                }
                Fix::Zadig(_) | Fix::WrongDriver { .. } if !in_help => {
                    if ui
                        .button(t!("driver-show-steps"))
                        .on_hover_text(t!("driver-show-steps-hint"))
                        .clicked()
                    {
                        press = Some(Press::Steps);
                    }
                }
                Fix::Zadig(_) | Fix::WrongDriver { .. } => {}
            }
            egui::CollapsingHeader::new(t!("window-details"))
                .id_salt(("driver", &finding.node.instance_id, in_help))
                .show(ui, |ui| {
                    ui.label(RichText::new(driver_details(finding)).weak());
                });
        });
    press
}
