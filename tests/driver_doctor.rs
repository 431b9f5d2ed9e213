//! The driver doctor in the window, on Windows' answers as the test plays them: a board
//! whose DFU interface has no driver says so in plain words, in the board list and in the
//! Windows driver help (which opens by itself), and Install driver runs the installer with
//! the shipped INF; an ESP32-S3 takes the Zadig path and says why; a missing package says
//! where it should be; a wrong driver is named, with how to remove it. Snapshots in
//! English and Chinese (`tests/snapshots/driver/`, `tests/snapshots/zh-CN/`).
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::app::{has_label, wait_for};
use crossbeam_channel::unbounded;
use dfu_station::ui::help::Topic;
use dfu_station::ui::{App, Options};
use eframe::egui;
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use i18n::{Lang, t, with_lang};
use station::Station;
use station::advice::download_mode;
use usb::driver::{Computer, DeviceNode, InstallError, Installed, ScanError};

/// Windows as the test plays it: the device nodes it lists, the folder of shipped driver
/// packages, and the installs asked for (each gives the DFU interface WinUSB).
#[derive(Debug)]
struct FakeWindows {
    nodes: Mutex<Vec<DeviceNode>>,
    folder: tempfile::TempDir,
    installs: Mutex<Vec<PathBuf>>,
}

impl FakeWindows {
    /// Windows listing `nodes`, with the ESP32-S2 package shipped if `shipped`.
    fn new(nodes: Vec<DeviceNode>, shipped: bool) -> Arc<FakeWindows> {
        let folder = tempfile::tempdir().unwrap();
        for file in ["esp32s2.inf", "esp32s2.cat"]
            .into_iter()
            .filter(|_| shipped)
        {
            std::fs::write(folder.path().join(file), "").unwrap();
        }
        Arc::new(FakeWindows {
            nodes: Mutex::new(nodes),
            folder,
            installs: Mutex::new(Vec::new()),
        })
    }

    fn installs(&self) -> Vec<PathBuf> {
        self.installs.lock().unwrap().clone()
    }
}

impl Computer for FakeWindows {
    fn devices(&self) -> Result<Vec<DeviceNode>, ScanError> {
        Ok(self.nodes.lock().unwrap().clone())
    }

    fn driver_folder(&self) -> PathBuf {
        self.folder.path().to_owned()
    }

    fn install(&self, inf: &Path) -> Result<Installed, InstallError> {
        self.installs.lock().unwrap().push(inf.to_owned());
        for node in self.nodes.lock().unwrap().iter_mut() {
            if node.instance_id.contains("&MI_02") {
                (node.service, node.problem) = (Some("WinUSB".into()), None);
            }
        }
        Ok(Installed::Done)
    }
}

/// A board in download mode as Windows lists it: the composite device, the serial port
/// (usbser) and the DFU interface with `dfu_driver` (none: problem 28, no driver).
fn board(pid: &str, dfu_driver: Option<&str>) -> Vec<DeviceNode> {
    let node = |interface: &str, name: &str, service: Option<&str>| DeviceNode {
        instance_id: format!(r"USB\VID_303A&PID_{pid}{interface}\6&2B7A1B5B&0&0002"),
        hardware_ids: vec![format!(r"USB\VID_303A&PID_{pid}&REV_0723{interface}")],
        name: Some(name.into()),
        service: service.map(str::to_owned),
        problem: service.is_none().then_some(28),
        inf: service.map(|_| "oem12.inf".into()),
    };
    vec![
        node("", "USB Composite Device", Some("usbccgp")),
        node("&MI_00", "USB Serial Device (COM5)", Some("usbser")),
        node("&MI_02", "ESP32-S2 (Interface 2)", dfu_driver),
    ]
}

/// The window, without boards on USB, asking `windows`.
fn app(windows: &Arc<FakeWindows>) -> Harness<'static, App> {
    let (commands, _) = unbounded();
    let (_, events) = unbounded();
    let options = Options {
        computer: Some(windows.clone()),
        ..Options::default()
    };
    Harness::builder()
        .with_size([1366.0, 768.0])
        .build_eframe(move |cc| App::new(cc, Station { commands, events }, options))
}

fn install_buttons(harness: &Harness<'_, App>) -> usize {
    (harness.query_all_by_role_and_label(Role::Button, "Install driver")).count()
}

/// Steps until the doctor's finding shows and the Windows driver help has opened.
fn wait_for_the_finding(harness: &mut Harness<'_, App>, headline: &str) {
    wait_for(harness, "the driver doctor", |h| {
        h.state().help_topic() == Some(Topic::WindowsDriver) && has_label(h, headline)
    });
}

#[test]
fn a_board_without_its_driver_says_so_and_one_button_installs_it() {
    let windows = FakeWindows::new(board("0002", None), true);
    let mut harness = app(&windows);
    let headline = "This board needs its USB driver before it can be flashed.";
    wait_for_the_finding(&mut harness, headline);
    // In the board list, in step 2 and in the help that opened by itself, with what to
    // do; a board is there, so nothing says to plug one in.
    assert_eq!(harness.query_all_by_label(headline).count(), 3);
    assert_eq!(
        harness
            .query_all_by_label(
                "Press Install driver and answer Yes when Windows asks for permission."
            )
            .count(),
        3
    );
    assert!(!has_label(&harness, "No board yet."));
    assert!(!has_label(&harness, &download_mode()));
    assert_eq!(install_buttons(&harness), 2);
    assert!(windows.installs().is_empty(), "nothing before the press");

    harness
        .query_all_by_role_and_label(Role::Button, "Install driver")
        .next()
        .unwrap()
        .click();
    wait_for(&mut harness, "the install's result", |h| {
        has_label(
            h,
            "Driver installed. If the board does not appear, replug it.",
        )
    });
    assert_eq!(
        windows.installs(),
        [windows.folder.path().join("esp32s2.inf")]
    );
    // Windows now says WinUSB: the doctor looked again and has nothing to say.
    wait_for(&mut harness, "the finding to go", |h| {
        !has_label(h, headline)
    });
    assert_eq!(install_buttons(&harness), 0);
}

#[test]
fn an_esp32_s3_takes_the_zadig_steps_and_says_why() {
    let windows = FakeWindows::new(board("0009", None), true);
    let mut harness = app(&windows);
    wait_for_the_finding(
        &mut harness,
        "This board needs its USB driver before it can be flashed.",
    );
    let why = "Espressif publishes no signed driver for the ESP32-S3, so DFU Station cannot \
               install it for you: install WinUSB with Zadig, as the steps in Help show.";
    assert_eq!(harness.query_all_by_label(why).count(), 3);
    assert_eq!(install_buttons(&harness), 0);
    // The Zadig steps are the engineer's: under the help's fold.
    assert!(!has_label(&harness, &t!("help-windows-driver-zadig")));
    harness.get_by_label(&t!("help-for-engineer")).click();
    harness.run_steps(2);
    harness.get_by_label(&t!("help-windows-driver-zadig"));
    // Closed, the help comes back with the list's "Show the steps".
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run_steps(2);
    assert_eq!(harness.state().help_topic(), None);
    harness
        .get_by_role_and_label(Role::Button, "Show the steps")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().help_topic(), Some(Topic::WindowsDriver));
    assert!(windows.installs().is_empty());
}

#[test]
fn a_missing_driver_package_says_where_it_should_be() {
    let windows = FakeWindows::new(board("0002", None), false);
    let mut harness = app(&windows);
    wait_for_the_finding(
        &mut harness,
        "This board needs its USB driver before it can be flashed.",
    );
    let inf = windows.folder.path().join("esp32s2.inf");
    assert!(has_label(
        &harness,
        &format!(
            "The driver that comes with DFU Station is missing ({})",
            inf.display()
        )
    ));
    assert_eq!(install_buttons(&harness), 0);
}

#[test]
fn a_wrong_driver_is_named_with_how_to_remove_it() {
    let windows = FakeWindows::new(board("0002", Some("libusb0")), true);
    let mut harness = app(&windows);
    wait_for_the_finding(
        &mut harness,
        "This board has the wrong USB driver (libusb0), so it cannot be flashed.",
    );
    assert!(has_label(
        &harness,
        "right-click \"ESP32-S2 (Interface 2)\", choose Uninstall device, tick \"Attempt to \
         remove the driver for this device\""
    ));
    assert!(has_label(
        &harness,
        "Or, in a command prompt run as administrator: pnputil /delete-driver oem12.inf /uninstall"
    ));
    assert_eq!(install_buttons(&harness), 0);
    // The serial port's usbser is never named as wrong.
    assert!(!has_label(&harness, "(usbser)"));
}

/// The window with an ESP32-S2 that needs its driver, in English and in Chinese; the
/// ESP32-S3's Zadig path in English.
#[test]
fn snapshot_a_board_without_its_driver() {
    let mut results = egui_kittest::SnapshotResults::new();
    let shots = [
        ("0002", Lang::En, "driver/needs_driver"),
        ("0002", Lang::ZhCn, "zh-CN/driver_needs_driver"),
        ("0009", Lang::En, "driver/s3_zadig"),
    ];
    for (pid, lang, name) in shots {
        with_lang(lang, || {
            let windows = FakeWindows::new(board(pid, None), true);
            let mut harness = app(&windows);
            wait_for_the_finding(&mut harness, &t!("driver-needed"));
            if pid == "0009" {
                // The S3's Zadig steps, under the help's fold.
                harness.get_by_label(&t!("help-for-engineer")).click();
                harness.run_steps(2);
            }
            harness.input_mut().events.push(egui::Event::PointerGone);
            harness.run_steps(3);
            harness.snapshot(name);
            results.extend_harness(&mut harness);
        });
    }
}
