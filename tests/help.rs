//! Guided help: every symptom, produced on emulated boards (the in-process demo bus, or
//! the umockdev harness for access denied), opens its topic; the Help button lists every
//! topic; a snapshot of each. Timed symptoms need no real waiting: egui_kittest advances
//! the app's clock by a quarter second per frame.
#![cfg(feature = "gui")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::app::{drop_file, has_label, row_label, wait_for};
#[cfg(target_os = "linux")]
use common::no_usb::with_no_spare_descriptor;
use common::{realistic_image, vector};
use crossbeam_channel::unbounded;
use dfu::SystemClock;
use dfu::TransportError;
use dfu::emulator::{Fault, RomConfig, When};
use dfu_station::ui::help::{NO_BOARD_AFTER, S3_AFTER, Topic, WIRING_AFTER};
use dfu_station::ui::{App, Options};
use eframe::egui;
use egui::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, SnapshotResults};
use firmware::{Chip, FirmwareImage};
use i18n::t;
use i18n::{Lang, with_lang};
use station::demo::{DemoSource, DemoTimings};
use station::{Command, DeviceSource, Environment, Event, Station, press_reset};
#[cfg(target_os = "linux")]
use usb::UsbError;

/// Seconds of app time per frame (egui_kittest's default step).
const STEP: f64 = 0.25;

fn vector_1() -> Vec<u8> {
    std::fs::read(vector("1/dfu.bin")).unwrap()
}

/// The app on a station watching `sources`, with `options`.
fn app(sources: Vec<Arc<dyn DeviceSource>>, options: Options) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1366.0, 768.0])
        .build_eframe(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let wake = Arc::new(move || ctx.request_repaint());
            let station = Station::spawn(
                sources,
                DemoTimings::default(),
                Environment::without_history(),
                wake,
            );
            App::new(cc, station, options)
        })
}

/// The app on a demo bus with one board made from `config` at 1-1, and `file` dropped.
fn app_with_board(config: RomConfig, file: Vec<u8>) -> Harness<'static, App> {
    let demo = Arc::new(DemoSource::new(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    demo.plug_config(config);
    let mut harness = app(vec![demo], Options::default());
    wait_for(&mut harness, "the board", |h| row_label(h, "1-1").is_some());
    drop_file(&mut harness, "/bench/dfu.bin", file);
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    harness
}

/// A quick ESP32-S2 board (short erase and re-enumeration) with `fault`.
fn s2_with(fault: Option<Fault>) -> RomConfig {
    let mut config = RomConfig::new(Chip::Esp32S2);
    config.erase_time_per_sector = Duration::from_millis(5);
    config.reenumeration_delay = Duration::from_millis(200);
    config.faults.extend(fault);
    config
}

/// The accessible name of the download-mode picture.
const DOWNLOAD_MODE_PICTURE: &str = "Picture: a dev board's BOOT and RESET buttons. 1: hold \
    BOOT. 2: press and release RESET. 3: release BOOT.";

fn click_flash(harness: &mut Harness<'_, App>) {
    harness
        .get_by_role_and_label(Role::Button, "Flash 1 board")
        .click();
    harness.step();
}

fn title(topic: Topic) -> String {
    topic.title()
}

/// Steps until `topic` shows (its title as a label), failing after 30 s.
fn wait_for_topic(harness: &mut Harness<'_, App>, topic: Topic) {
    wait_for(harness, &title(topic), |h| {
        h.state().help_topic() == Some(topic) && h.query_by_label(&title(topic)).is_some()
    });
}

/// Opens the topic's "For your engineer".
fn open_for_engineer(harness: &mut Harness<'_, App>) {
    harness.get_by_label(&t!("help-for-engineer")).click();
    harness.run_steps(2);
}

/// Steps `seconds` of app time.
fn run_for(harness: &mut Harness<'_, App>, seconds: f64) {
    harness.run_steps((seconds / STEP).ceil() as usize);
}

#[test]
fn no_board_for_ten_seconds_opens_the_download_mode_help() {
    let mut harness = app(Vec::new(), Options::default());
    run_for(&mut harness, NO_BOARD_AFTER - 1.0);
    assert_eq!(harness.state().help_topic(), None);
    run_for(&mut harness, 1.5);
    wait_for_topic(&mut harness, Topic::NoBoard);
    harness.get_by_label("No board has appeared in 10 s.");
    // In the help and in step 2.
    assert_eq!(
        harness
            .query_all_by_role_and_label(Role::Image, DOWNLOAD_MODE_PICTURE)
            .count(),
        2
    );
    // Dismissed, it stays closed.
    harness.get_by_role_and_label(Role::Button, "Close").click();
    run_for(&mut harness, 2.0);
    assert_eq!(harness.state().help_topic(), None);
}

#[test]
fn a_file_with_no_board_says_how_to_get_one() {
    let mut harness = app(Vec::new(), Options::default());
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    // The primary button is off and says why; step 2 shows how to get a board.
    let flash = harness.get_by_role_and_label(Role::Button, "Flash 1 board");
    assert!(flash.accesskit_node().is_disabled());
    harness.get_by_label("Plug in a board in download mode");
    harness.get_by_role_and_label(Role::Image, DOWNLOAD_MODE_PICTURE);
}

#[test]
fn still_no_board_after_the_download_mode_help_opens_the_wiring_help() {
    let mut harness = app(Vec::new(), Options::default());
    run_for(&mut harness, NO_BOARD_AFTER + 0.5);
    wait_for_topic(&mut harness, Topic::NoBoard);
    run_for(&mut harness, WIRING_AFTER + 0.5);
    wait_for_topic(&mut harness, Topic::Wiring);
    harness.get_by_label("Still no board: on a custom board, check the USB wiring.");
}

#[test]
fn a_board_without_a_usable_driver_opens_the_winusb_help() {
    let fault = Fault::RefuseOpen(TransportError::NotSupported);
    let mut harness = app_with_board(s2_with(Some(fault)), vector_1());
    click_flash(&mut harness);
    wait_for_topic(&mut harness, Topic::WindowsDriver);
    // The USB error is the engineer's.
    let error = "no driver lets this program open the device";
    assert!(!has_label(&harness, error));
    open_for_engineer(&mut harness);
    assert!(has_label(&harness, error));
}

#[test]
fn an_s3_file_and_no_s3_board_opens_the_s3_help() {
    // An ESP32-S2 is there; the S3 the file is for never comes.
    // The selected S2 does not fit the file: that help comes first.
    let mut harness = app_with_board(s2_with(None), realistic_image(Chip::Esp32S3));
    run_for(&mut harness, S3_AFTER - 2.0);
    assert_eq!(harness.state().help_topic(), Some(Topic::WrongChip));
    run_for(&mut harness, 3.0);
    wait_for_topic(&mut harness, Topic::S3NeverAppears);
    harness.get_by_label("dfu.bin is for the ESP32-S3, and no ESP32-S3 has appeared in 20 s.");
}

#[test]
fn a_board_that_does_not_come_back_after_detach_opens_its_help() {
    // The engine waits its 10 s for the board before it gives up.
    let fault = Fault::Unplug(When::Detach);
    let mut harness = app_with_board(s2_with(Some(fault)), vector_1());
    click_flash(&mut harness);
    wait_for_topic(&mut harness, Topic::NotBackAfterDetach);
    // In plain words first; DETACH and DFU mode are the engineer's.
    harness
        .get_by_label("Board 1-1: The board did not come back. Check the cable and flash again.");
    let error = "did not come back in DFU mode within 10 s";
    assert!(!has_label(&harness, error));
    open_for_engineer(&mut harness);
    assert!(has_label(&harness, error));
}

#[test]
fn a_long_erase_opens_its_help_naming_the_part() {
    let mut config = s2_with(None);
    // The help opens after 3 s of erasing: well within this erase.
    config.erase_time_per_sector = Duration::from_secs(8);
    let mut harness = app_with_board(config, vector_1());
    click_flash(&mut harness);
    wait_for_topic(&mut harness, Topic::LongErase);
    harness.get_by_label("Board 1-1 is erasing 1.bin (1 KiB)...");
    harness
        .get_by_role_and_label(Role::Button, "Cancel")
        .click();
    wait_for(&mut harness, "the cancel", |h| {
        row_label(h, "1-1").is_some_and(|l| l.contains("FAIL"))
    });
}

#[test]
fn a_raw_app_image_opens_its_help_and_make_dfu_bin_loads_a_packed_file_replacing_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let app_path = dir.path().join("blink.bin");
    let mut raw = common::sample(8192, 5);
    raw[0] = 0xE9;
    std::fs::write(&app_path, &raw).unwrap();
    let demo = Arc::new(DemoSource::new(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    demo.plug_config(RomConfig::new(Chip::Esp32S3));
    let mut harness = app(vec![demo], Options::default());
    wait_for(&mut harness, "the board", |h| row_label(h, "1-1").is_some());
    drop_file(&mut harness, app_path.to_str().unwrap(), raw);
    wait_for_topic(&mut harness, Topic::RawAppImage);
    harness.get_by_label("blink.bin is a program, not a dfu.bin.");
    // Refused on the file's card and in the top bar too, not only here.
    assert_eq!(
        harness
            .query_all_by_label("✖ This is not a dfu.bin yet. Make a dfu.bin from it first.")
            .count(),
        1
    );
    harness.get_by_label("✖ This is not a dfu.bin yet.");

    harness
        .get_by_role_and_label(Role::Button, "Make dfu.bin...")
        .click();
    wait_for(&mut harness, "the dialog", |h| {
        has_label(h, "Make and load")
    });
    // The board's chip is chosen; the app goes to 0x10000.
    harness.get_by_label("ESP32-S3");
    harness.get_by_label("blink.bin at 0x10000");
    harness.get_by_label("none at 0x0");
    // A blink-dfu.bin is there already: it is replaced only once the user says so.
    let output = dir.path().join("blink-dfu.bin");
    std::fs::write(&output, "an older build").unwrap();
    harness
        .get_by_role_and_label(Role::Button, "Make and load")
        .click();
    // The window grows by the warning and centres itself again over a few frames.
    harness.run_steps(8);
    harness.get_by_label("blink-dfu.bin exists already. Press Replace and load to overwrite it.");
    assert_eq!(std::fs::read(&output).unwrap(), b"an older build");
    harness
        .get_by_role_and_label(Role::Button, "Replace and load")
        .click();
    wait_for(&mut harness, "the packed file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    assert!(has_label(&harness, "blink-dfu.bin"));
    harness.get_by_label("Details").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Image, "blink.bin at 0x10000, 8 KiB");
    assert!(dir.path().join("blink-dfu.bin").is_file());
}

#[test]
fn a_file_for_another_chip_opens_its_help_when_such_a_board_is_selected() {
    let demo = Arc::new(DemoSource::new(
        DemoTimings::default(),
        Arc::new(SystemClock::default()),
    ));
    demo.plug(Chip::Esp32S2);
    demo.plug(Chip::Esp32S3);
    let mut harness = app(vec![demo], Options::default());
    wait_for(&mut harness, "the boards", |h| {
        row_label(h, "1-2").is_some()
    });
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    assert_eq!(harness.state().help_topic(), None, "1-1 is an ESP32-S2");
    harness.get_by_label_contains("Board 1-2:").click();
    wait_for_topic(&mut harness, Topic::WrongChip);
    harness.get_by_label("This file is made for ESP32-S2, but the board is ESP32-S3.");
}

#[test]
fn a_pass_opens_no_help_its_banner_says_press_reset() {
    let mut harness = app_with_board(s2_with(None), vector_1());
    click_flash(&mut harness);
    wait_for(&mut harness, "the PASS banner", |h| has_label(h, "✔ PASS"));
    assert!(
        harness
            .query_all_by_label_contains(&press_reset())
            .next()
            .is_some()
    );
    run_for(&mut harness, 1.0);
    assert_eq!(
        harness.state().help_topic(),
        None,
        "help opens on failures only"
    );
}

#[test]
fn a_board_another_program_holds_opens_its_help() {
    let fault = Fault::RefuseOpen(TransportError::Busy);
    let mut harness = app_with_board(s2_with(Some(fault)), vector_1());
    click_flash(&mut harness);
    wait_for_topic(&mut harness, Topic::Busy);
    let error = "the device is in use by another program";
    assert!(!has_label(&harness, error));
    open_for_engineer(&mut harness);
    assert!(has_label(&harness, error));
}

/// libusb made to fail for real needs Linux's resource limits (`common::no_usb`).
#[cfg(target_os = "linux")]
#[test]
fn usb_that_cannot_start_opens_its_help() {
    let run = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "usb_that_cannot_start_alone", "--ignored"])
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{output}");
    assert!(output.contains("1 passed"), "{output}");
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "runs alone in its own process, started by usb_that_cannot_start_opens_its_help"]
fn usb_that_cannot_start_alone() {
    // libusb really fails to start (no file descriptor left for it), and the app gets
    // the error from the same start as `ui::run`.
    let (sources, usb_error) = with_no_spare_descriptor(dfu_station::ui::start_usb);
    assert!(sources.is_empty());
    let Some(UsbError::Unavailable(reason)) = &usb_error else {
        panic!("libusb started without file descriptors: {usb_error:?}");
    };
    let reason = reason.clone();
    let options = Options {
        usb_error,
        ..Options::default()
    };
    let mut harness = app(sources, options);
    wait_for_topic(&mut harness, Topic::UsbUnavailable);
    open_for_engineer(&mut harness);
    assert!(
        has_label(&harness, &reason),
        "the help shows libusb's error"
    );
}

#[test]
fn the_help_button_lists_every_topic() {
    let mut harness = app(Vec::new(), Options::default());
    harness.get_by_role_and_label(Role::Button, "Help").click();
    harness.run_steps(2);
    for topic in Topic::ALL {
        harness.get_by_role_and_label(Role::Link, &title(topic));
    }
    // Above the topics: the file to send when none of them helps.
    harness.get_by_role_and_label(Role::Button, "Save support report...");
    harness
        .get_by_role_and_label(Role::Link, &title(Topic::Wiring))
        .click();
    wait_for_topic(&mut harness, Topic::Wiring);
    harness.step();
    harness
        .get_by_role_and_label(Role::Button, "All topics")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().help_topic(), None);
    harness.get_by_role_and_label(Role::Link, &title(Topic::Busy));
}

/// Access denied through the real libusb: this test binary runs its ignored twin below
/// inside `dfu-station-harness`, where the board's device node may not be opened.
#[cfg(all(feature = "umockdev", target_os = "linux"))]
#[test]
fn access_denied_on_linux_opens_the_udev_help() {
    let exe = std::env::current_exe().unwrap();
    let run = common::harness::run(
        &["--board", "s2@1-1:noaccess"],
        &[
            exe.to_str().unwrap(),
            "--exact",
            "access_denied_inside_the_harness",
            "--ignored",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(run.stdout.contains("1 passed"), "{}", run.output());
}

#[cfg(all(feature = "umockdev", target_os = "linux"))]
#[test]
#[ignore = "runs inside the umockdev harness, started by access_denied_on_linux_opens_the_udev_help"]
fn access_denied_inside_the_harness() {
    assert!(
        std::env::var_os("UMOCKDEV_DIR").is_some(),
        "run through access_denied_on_linux_opens_the_udev_help"
    );
    let usb = station::usb_source::UsbSource::new().expect("libusb starts");
    let mut harness = app(vec![Arc::new(usb)], Options::default());
    wait_for(&mut harness, "the board", |h| row_label(h, "1-1").is_some());
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    click_flash(&mut harness);
    wait_for_topic(&mut harness, Topic::LinuxAccess);
    harness.get_by_role_and_label(Role::Button, "Install rule");
    open_for_engineer(&mut harness);
    assert!(has_label(&harness, "permission denied opening the device"));
    harness.get_by_role_and_label(Role::Button, "Copy rule");
}

// ---- Snapshots: each topic as the Help list opens it, on an app without boards. ----

/// The app on a station the test plays (nothing happens unless sent), in a window of
/// `size`.
fn still_app_at(theme: egui::Theme, size: egui::Vec2) -> Harness<'static, App> {
    let (commands, _) = unbounded();
    let (_, events) = unbounded();
    let harness = Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| App::new(cc, Station { commands, events }, Options::default()));
    harness.ctx.set_theme(theme);
    harness
}

/// `topic` as the Help list opens it; with `engineer`, its "For your engineer" open.
fn snapshot_topic_at(
    topic: Topic,
    theme: egui::Theme,
    size: egui::Vec2,
    engineer: bool,
    name: &str,
    results: &mut SnapshotResults,
) {
    let mut harness = still_app_at(theme, size);
    harness
        .get_by_role_and_label(Role::Button, &t!("help-button"))
        .click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Link, &title(topic))
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().help_topic(), Some(topic));
    if engineer {
        open_for_engineer(&mut harness);
    }
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(2);
    harness.snapshot(name);
    results.extend_harness(&mut harness);
}

fn snapshot_topic(topic: Topic, theme: egui::Theme, name: &str, results: &mut SnapshotResults) {
    let size = egui::vec2(1366.0, 768.0);
    snapshot_topic_at(topic, theme, size, false, name, results);
}

/// A raw app image dropped: the card and the top bar refuse it, the help opens by itself
/// with "Make dfu.bin..."; then the dialog.
#[test]
fn snapshot_make_dfu_bin() {
    let (commands, command_rx) = unbounded();
    let (events, event_rx) = unbounded();
    let mut harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_eframe(move |cc| {
            let station = Station {
                commands,
                events: event_rx,
            };
            App::new(cc, station, Options::default())
        });
    let path = "/home/tech/blink/build/blink.bin";
    drop_file(&mut harness, path, vec![0xE9; 64]);
    harness.step();
    // The station's answer to the load.
    let error = FirmwareImage::describe(&[0xE9; 64]).unwrap_err().into();
    assert!(
        command_rx
            .try_iter()
            .any(|c| matches!(c, Command::LoadImage { .. }))
    );
    events
        .send(Event::ImageLoaded {
            path: path.into(),
            result: Err(error),
        })
        .unwrap();
    harness.run_steps(2);
    assert_eq!(harness.state().help_topic(), Some(Topic::RawAppImage));
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(2);
    harness.snapshot("help/raw_app_image_dropped");
    harness
        .get_by_role_and_label(Role::Button, "Make dfu.bin...")
        .click();
    harness.run_steps(4);
    harness.get_by_label("blink.bin at 0x10000");
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(2);
    harness.snapshot("help/make_dfu_bin");
}

/// `NoBoard` as `no_board`.
fn snake_case(topic: Topic) -> String {
    let mut name = String::new();
    for c in format!("{topic:?}").chars() {
        if c.is_uppercase() && !name.is_empty() {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// Every topic, dark, in English (`help/`) and in Simplified Chinese (`zh-CN/help_*`),
/// its engineer's fold closed.
#[test]
fn snapshot_every_topic_in_both_languages() {
    let mut results = SnapshotResults::new();
    for topic in Topic::ALL {
        let name = format!("help/{}", snake_case(topic));
        with_lang(Lang::En, || {
            snapshot_topic(topic, egui::Theme::Dark, &name, &mut results)
        });
        let name = format!("zh-CN/help_{}", snake_case(topic));
        with_lang(Lang::ZhCn, || {
            snapshot_topic(topic, egui::Theme::Dark, &name, &mut results)
        });
    }
    results.unwrap();
}

/// The topics with the most for the engineer, their fold open, in both languages, light
/// and dark, at 1366×768 and at the smallest window (960×560).
#[test]
fn snapshot_the_engineers_fold() {
    let mut results = SnapshotResults::new();
    let sizes = [
        (egui::vec2(1366.0, 768.0), ""),
        (egui::vec2(960.0, 560.0), "_smallest"),
    ];
    for topic in [Topic::RawAppImage, Topic::LinuxAccess] {
        for (lang, folder) in [(Lang::En, "help/"), (Lang::ZhCn, "zh-CN/help_")] {
            for theme in [egui::Theme::Dark, egui::Theme::Light] {
                for (size, suffix) in sizes {
                    let theme_name = if theme == egui::Theme::Dark {
                        "dark"
                    } else {
                        "light"
                    };
                    let name = format!(
                        "{folder}{}_engineer_{theme_name}{suffix}",
                        snake_case(topic)
                    );
                    with_lang(lang, || {
                        snapshot_topic_at(topic, theme, size, true, &name, &mut results)
                    });
                }
            }
        }
    }
    results.unwrap();
}

#[test]
fn snapshot_pictures_in_the_light_theme() {
    let mut results = SnapshotResults::new();
    for topic in [Topic::NoBoard, Topic::Wiring, Topic::PressReset] {
        let name = format!("help/{}_light", snake_case(topic));
        snapshot_topic(topic, egui::Theme::Light, &name, &mut results);
    }
    results.unwrap();
}
