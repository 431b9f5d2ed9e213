//! The window under a factory profile, with egui_kittest: locked settings, the PIN, an
//! image that changed since the profile was saved, and the station view's tiles.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::realistic_image;
use crossbeam_channel::{Sender, unbounded};
use dfu::{InterfaceMode, Phase};
use dfu_station::ui::{App, Options, StartProfile};
use eframe::egui;
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use failure::Failure;
use firmware::Chip;
use line::LineTotals;
use sha2::{Digest, Sha256};
use station::files::Existing;
use station::line_link::LineState;
use station::profile::Profile;
use station::records::production_log::{LogPause, Record, Verdict};
use station::usb_source::USB;
use station::{Device, DeviceId, Event, FilePart, JobProgress, Outcome, Station};

/// A profile "line 3" with PIN 4711 and auto mode, for an ESP32-S3 image, in `dir`.
fn save_profile(dir: &Path) -> std::path::PathBuf {
    let image = realistic_image(Chip::Esp32S3);
    std::fs::write(dir.join("dfu.bin"), &image).unwrap();
    let mut profile = Profile {
        station: "line 3".into(),
        image: "dfu.bin".into(),
        image_sha256: hex::encode(Sha256::digest(&image)),
        auto_flash: true,
        sound: false,
        log_folder: "logs".into(),
        pin_sha256: String::new(),
        slots: Vec::new(),
        provision: None,
        line: None,
    };
    profile.set_pin("4711");
    let path = dir.join("line3.toml");
    profile.save(&path, Existing::Keep).unwrap();
    path
}

/// The window started with the profile at `path`; `events` plays the station.
fn app(path: &Path) -> (Harness<'static, App>, Sender<Event>) {
    let profile = StartProfile::find(Some(path)).unwrap();
    let (events, event_rx) = unbounded();
    let harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_eframe(move |cc| {
            let (commands, _) = unbounded();
            let station = Station {
                commands,
                events: event_rx,
            };
            App::new(
                cc,
                station,
                Options {
                    profile,
                    ..Options::default()
                },
            )
        });
    (harness, events)
}

fn disabled(harness: &Harness<'_, App>, role: Role, label: &str) -> bool {
    harness
        .get_by_role_and_label(role, label)
        .accesskit_node()
        .is_disabled()
}

fn enter_pin(harness: &mut Harness<'_, App>, pin: &str) {
    let field = harness.get_by_role(Role::PasswordInput);
    field.focus();
    field.type_text(pin);
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Button, "Unlock")
        .click();
    harness.run_steps(3);
}

#[test]
fn a_locked_profile_refuses_changes_until_the_right_pin() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, _events) = app(&save_profile(dir.path()));
    harness.run_steps(3);
    harness.get_by_label("Locked to line3.toml");
    // Locked: Station only, no setup (auto mode, sound, name), no Desk, no new file.
    assert!(harness.query_by_label("Station setup...").is_none());
    assert!(harness.query_by_label("Auto mode").is_none());
    assert!(disabled(&harness, Role::Button, "Desk"));
    let other = dir.path().join("other.bin"); // never written: the drop carries its bytes
    common::app::drop_file(&mut harness, other.to_str().unwrap(), vec![0u8; 64]);
    harness.run_steps(3);
    assert!(harness.query_by_label("other.bin").is_none());
    assert!(harness.query_all_by_label("dfu.bin").count() > 0);

    harness
        .get_by_role_and_label(Role::Button, "Unlock...")
        .click();
    harness.run_steps(2);
    enter_pin(&mut harness, "0000");
    harness.get_by_label("Wrong PIN. Try again.");
    assert!(harness.query_by_label("Station setup...").is_none());

    enter_pin(&mut harness, "4711");
    assert!(harness.query_by_label("Locked to line3.toml").is_none());
    press(&mut harness, "Station setup...");
    assert!(!disabled(&harness, Role::CheckBox, "Auto mode"));
    assert!(!disabled(&harness, Role::Button, "Save profile..."));
    press(&mut harness, "Desk");
    assert!(!disabled(&harness, Role::Button, "Open..."));
}

#[test]
fn an_image_changed_since_the_profile_was_saved_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = save_profile(dir.path());
    let mut image = std::fs::read(dir.path().join("dfu.bin")).unwrap();
    image[200] ^= 1;
    std::fs::write(dir.path().join("dfu.bin"), image).unwrap();
    let (mut harness, _events) = app(&path);
    harness.run_steps(3);
    let headline = "The station's file has changed. Set the boards aside and call your engineer.";
    // In the strip, and in the Flash button's place (no board, so no button).
    harness.get_by_label(&format!("✖ {headline}"));
    harness.get_by_label(headline);
    assert!(harness.query_by_label_contains("Flash 1 board").is_none());
    // What happened, in the engineer's words, is under Details.
    assert!(
        harness
            .query_by_label_contains("changed since the profile was saved")
            .is_none()
    );
    harness.get_by_label("Details").click();
    harness.run_steps(2);
    harness.get_by_label_contains("changed since the profile was saved");
}

fn board(events: &Sender<Event>, port: u32, chip: Chip, mode: InterfaceMode) -> DeviceId {
    let id = DeviceId {
        source: USB,
        path: format!("1-{port}"),
    };
    let device = Device {
        id: id.clone(),
        vid: 0x303A,
        pid: chip.pid(),
        mode,
        serial: format!("7CDFA1E0C8{port:02}"),
    };
    events.send(Event::DeviceAdded(device)).unwrap();
    id
}

fn flashing(events: &Sender<Event>, id: &DeviceId, phase: Phase, done: u64, part: &str) {
    events.send(Event::JobStarted(id.clone())).unwrap();
    let progress = JobProgress {
        phase,
        done,
        total: 1_245_184,
        part: Some(FilePart::new(part, 2, 3)),
        bytes_per_second: Some(60_000.0),
        eta: Some(Duration::from_secs(9)),
        erase_limit: None,
    };
    let device = id.clone();
    events
        .send(Event::JobProgress { device, progress })
        .unwrap();
}

fn finished(events: &Sender<Event>, id: &DeviceId, outcome: Outcome) {
    events.send(Event::JobStarted(id.clone())).unwrap();
    let device = id.clone();
    events.send(Event::JobFinished { device, outcome }).unwrap();
}

fn fail(code: &str, reason: &str) -> Outcome {
    Outcome::Fail(Failure::new(code.parse().expect("a failure code"), reason))
}

/// Per-board data: the strip says how many rows are left (and stops the line at none),
/// each tile names the unit its board received.
#[test]
fn rows_left_and_each_boards_unit_show() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, events) = app(&save_profile(dir.path()));
    let id = board(&events, 3, Chip::Esp32S3, InterfaceMode::Dfu);
    events.send(Event::RowsLeft { left: 8, rows: 10 }).unwrap();
    events.send(Event::JobStarted(id.clone())).unwrap();
    events
        .send(Event::UnitGiven {
            device: id,
            unit: "SN-0003".into(),
        })
        .unwrap();
    harness.run_steps(3);
    harness.get_by_label("Unit SN-0003");
    harness.get_by_label("• 8 of 10 rows left");
    harness.snapshot("station_rows_left");
    events.send(Event::RowsLeft { left: 0, rows: 10 }).unwrap();
    harness.run_steps(3);
    harness.get_by_label("✖ No rows left of 10: the line stops");
    // The board is flashing: none waits, so no Flash button, only why.
    assert!(harness.query_by_label_contains("Flash 1 board").is_none());
    harness.get_by_label(&station::advice::headline(failure::Code::NoRowsLeft));
}

#[test]
fn the_lines_store_shows_its_totals_and_a_banner_while_it_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, events) = app(&save_profile(dir.path()));
    let state = |reachable: bool, waiting: u64| LineState {
        store: "postgres://dfu@db/line3".into(),
        reachable,
        error: (!reachable).then(|| "connection refused".into()),
        waiting,
        totals: Some(LineTotals {
            passed: 19,
            failed: 1,
            rows_left: 180,
            ..LineTotals::default()
        }),
    };
    events
        .send(Event::RowsLeft {
            left: 180,
            rows: 200,
        })
        .unwrap();
    events.send(Event::Line(state(true, 0))).unwrap();
    harness.run_steps(3);
    harness.get_by_label("Line: 19 passed · 1 failed · 180 rows left");
    assert!(
        harness
            .query_by_label_contains("cannot be reached")
            .is_none()
    );

    events.send(Event::Line(state(false, 3))).unwrap();
    harness.run_steps(3);
    // In plain words on the floor; the store and the reason on hover, for the engineer.
    let banner = harness.get_by_label(
        "The line's database cannot be reached: boards with per-board data wait until it \
         answers. 3 records wait on this computer.",
    );
    banner.hover();
    // The tooltip shows once the pointer has rested (each step is a frame's time).
    harness.run_steps(60);
    harness.get_by_label_contains("postgres://dfu@db/line3 cannot be reached (connection refused)");
    events.send(Event::Line(state(true, 0))).unwrap();
    harness.run_steps(3);
    assert!(
        harness
            .query_by_label_contains("cannot be reached")
            .is_none()
    );
}

#[test]
fn snapshot_station_view_with_eight_boards() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, events) = app(&save_profile(dir.path()));
    let dfu = InterfaceMode::Dfu;
    let ids: Vec<DeviceId> = (1..=8)
        .map(|port| {
            let (chip, mode) = match port {
                7 => (Chip::Esp32S2, InterfaceMode::Runtime),
                8 => (Chip::Esp32S3, InterfaceMode::Runtime),
                _ => (Chip::Esp32S3, dfu),
            };
            board(&events, port, chip, mode)
        })
        .collect();
    let pass = |ms| Outcome::Pass {
        elapsed: Duration::from_millis(ms),
    };
    finished(&events, &ids[0], pass(21_400));
    finished(&events, &ids[1], pass(22_900));
    finished(
        &events,
        &ids[2],
        fail(
            "dfu-transfer-failed",
            "DNLOAD failed while writing (block 5210): the device is gone (unplugged or re-enumerated).",
        ),
    );
    events.send(Event::DeviceRemoved(ids[2].clone())).unwrap();
    flashing(&events, &ids[3], Phase::Writing, 788_000, "app.bin");
    flashing(&events, &ids[4], Phase::Erasing, 131_072, "app.bin");
    finished(
        &events,
        &ids[5],
        fail(
            "dfu-device-error",
            "The board reported errVERIFY: the written memory did not read back correctly.",
        ),
    );
    harness.run_steps(4);
    press(&mut harness, "Help");
    assert!(
        harness
            .query_by_label("Plug in an emulated ESP32-S2")
            .is_none(),
        "locked: no demo boards"
    );
    press(&mut harness, "Help");
    harness.get_by_label_contains("Slot 1: Board 1-1: ESP32-S3, download mode, PASS");
    harness.get_by_label_contains("Slot 6: Board 1-6: ESP32-S3, download mode, FAIL");
    harness.snapshot("station_view");
}

fn held_record(port: u32) -> Record {
    Record {
        timestamp: format!("2026-11-24T03:51:2{port}.123Z"),
        station: "line 3".into(),
        usb_path: format!("1-{port}"),
        serial: "0".into(),
        chip: "ESP32-S3".into(),
        image_name: "dfu.bin".into(),
        image_sha256: "ab".repeat(32),
        result: Verdict::Pass,
        error_code: None,
        error_message: None,
        duration_ms: 21_400,
        bytes: 1_245_184,
        unit_id: None,
        record_id: None,
    }
}

/// Asks the window to close, as the window manager's close button does.
fn close_window(harness: &mut Harness<'_, App>) -> Vec<egui::ViewportCommand> {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run_steps(1);
    let commands = harness.output().viewport_output[&egui::ViewportId::ROOT]
        .commands
        .clone();
    harness.run_steps(2);
    commands
}

#[test]
fn an_unwritable_log_pauses_flashing_and_closing_asks_about_held_records() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, events) = unlocked_app(dir.path());
    board(&events, 1, Chip::Esp32S3, InterfaceMode::Dfu);
    harness.run_steps(3);
    assert!(!disabled(&harness, Role::Button, "Flash 1 board"));
    press(&mut harness, "Station setup...");
    assert!(!disabled(&harness, Role::CheckBox, "Auto mode"));

    let error = "/srv/logs/dfu-station-log.csv: No space left on device (os error 28)";
    let pause = LogPause {
        error: error.into(),
        held: vec![held_record(2), held_record(3)],
    };
    events.send(Event::LogPaused(pause)).unwrap();
    harness.run_steps(3);
    let banner = format!(
        "Production log not writable: {error}. Flashing is paused. 2 records are held until \
         they can be written."
    );
    harness.get_by_label(&banner);
    assert!(disabled(&harness, Role::Button, "Flash 1 board"));
    assert!(disabled(&harness, Role::CheckBox, "Auto mode"));
    harness.snapshot("log_paused");

    // Closing asks; "Keep waiting" keeps the window.
    let commands = close_window(&mut harness);
    assert!(
        commands.contains(&egui::ViewportCommand::CancelClose),
        "{commands:?}"
    );
    harness.get_by_label_contains("2 records are not written to the production log yet");
    press(&mut harness, "Keep waiting");
    assert!(harness.query_by_label("Keep waiting").is_none());
    close_window(&mut harness);
    harness
        .get_by_role_and_label(Role::Button, "Quit anyway")
        .click();
    harness.run_steps(1);
    let commands = &harness.output().viewport_output[&egui::ViewportId::ROOT].commands;
    assert!(
        commands.contains(&egui::ViewportCommand::Close),
        "{commands:?}"
    );

    // The log works again: the banner goes and flashing is back.
    let folder = dir.path().join("logs");
    let recent = vec![held_record(2), held_record(3)];
    events.send(Event::LogOpened { folder, recent }).unwrap();
    harness.run_steps(3);
    assert!(harness.query_by_label(&banner).is_none());
    assert!(!disabled(&harness, Role::Button, "Flash 1 board"));
    assert!(
        close_window(&mut harness).is_empty(),
        "no question without held records"
    );
}

/// The window with the profile saved in `dir`, unlocked with its PIN.
fn unlocked_app(dir: &Path) -> (Harness<'static, App>, Sender<Event>) {
    let (mut harness, events) = app(&save_profile(dir));
    harness.run_steps(2);
    press(&mut harness, "Unlock...");
    enter_pin(&mut harness, "4711");
    (harness, events)
}

/// Clicks the button labelled `label` and lets the window settle.
fn press(harness: &mut Harness<'_, App>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.run_steps(3);
}

#[test]
fn save_profile_replaces_an_existing_file_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, _events) = unlocked_app(dir.path());
    let existing = dir.path().join("dfu-station.toml");
    std::fs::write(&existing, "# another station's profile\n").unwrap();
    press(&mut harness, "Station setup...");
    press(&mut harness, "Save profile...");
    press(&mut harness, "Save and lock");
    harness.get_by_label_contains("dfu-station.toml exists already. Press Replace and lock");
    let kept = std::fs::read_to_string(&existing).unwrap();
    assert_eq!(kept, "# another station's profile\n");
    press(&mut harness, "Replace and lock");
    harness.get_by_label("Locked to dfu-station.toml");
    let saved = Profile::load(&existing).unwrap();
    assert_eq!(saved.station, "line 3");
}
