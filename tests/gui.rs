//! The app as a user meets it, in-process with egui_kittest: widgets found by role and
//! label, clicks, dropped files. Behaviour tests run the real station with demo boards
//! and step frames until the state arrives (with a deadline); snapshot tests feed the app
//! scripted station events, so their pictures are the same on every run.
#![cfg(feature = "gui")]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::app::{drop_file, has_label, row_label, wait_for};
use common::{realistic_image, vector};
use crossbeam_channel::{Receiver, Sender, unbounded};
use dfu::{InterfaceMode, Phase};
use dfu_station::ui::{App, Options, contrast};
use eframe::egui;
use egui::Role;
use egui::accesskit::Toggled;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, SnapshotResults};
use failure::{Code, Failure};
use firmware::{Chip, PackOptions};
use i18n::t;
use i18n::{Lang, with_lang};
use station::demo::{DEMO, DemoTimings};
use station::line_link::LineState;
use station::{
    Command, Device, DeviceId, Environment, Event, FilePart, JobProgress, Outcome, Station,
    check_file,
};

fn vector_1() -> Vec<u8> {
    std::fs::read(vector("1/dfu.bin")).unwrap()
}

/// The app on a real station; `demo` plugs an emulated ESP32-S2 (1-1) and ESP32-S3 (1-2).
fn app(demo: bool, timings: DemoTimings) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1366.0, 768.0])
        .build_eframe(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let station = Station::spawn(
                Vec::new(),
                timings,
                Environment::without_history(),
                Arc::new(move || ctx.request_repaint()),
            );
            App::new(
                cc,
                station,
                Options {
                    demo,
                    ..Options::default()
                },
            )
        })
}

/// Demo timings that keep tests short: quick re-enumeration, `erase` per sector.
fn quick(erase: Duration) -> DemoTimings {
    DemoTimings {
        erase_time_per_sector: erase,
        reenumeration_delay: Duration::from_millis(200),
    }
}

/// The button labelled `label` inside the row of the board at `path`, if shown.
fn button_in_row<'h>(
    harness: &'h Harness<'_, App>,
    path: &str,
    label: &'h str,
) -> Option<egui_kittest::Node<'h>> {
    let row = harness
        .query_all_by_label_contains(&format!("Board {path}:"))
        .next()?
        .rect();
    harness
        .get_all_by_role_and_label(Role::Button, label)
        .find(|button| row.contains_rect(button.rect()))
}

/// Clicks the button labelled `label` inside the row of the board at `path`, once the row
/// shows it: a re-enumerated board's row gets its demo controls back only when its
/// `DeviceAdded` arrives, which may be a frame after the worker's first report.
fn click_in_row(harness: &mut Harness<'_, App>, path: &str, label: &str) {
    wait_for(harness, &format!("{label} in row {path}"), |h| {
        button_in_row(h, path, label).is_some()
    });
    button_in_row(harness, path, label).unwrap().click();
}

fn wait_for_boards(harness: &mut Harness<'_, App>) {
    wait_for(harness, "the demo boards", |h| {
        row_label(h, "1-1").is_some() && row_label(h, "1-2").is_some()
    });
}

fn wait_for_state(harness: &mut Harness<'_, App>, path: &str, state: &str) -> String {
    wait_for(harness, state, |h| {
        row_label(h, path).is_some_and(|l| l.contains(state))
    });
    row_label(harness, path).unwrap()
}

#[test]
fn a_valid_dropped_file_shows_its_regions() {
    let mut harness = app(false, DemoTimings::default());
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the valid verdict", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    // The flash map and the SHA-256 are under Details.
    harness.get_by_label("Details").click();
    harness.run_ok();
    for region in [
        "1.bin at 0x1000, 1 KiB",
        "2.bin at 0x8000, 2 KiB",
        "3.bin at 0x10000, 3 KiB",
    ] {
        harness.get_by_role_and_label(Role::Image, region);
    }
    harness.get_by_label_contains("For ESP32-S2");
    // The first 12 hex digits of `sha256sum tests/vectors/esp-idf/1/dfu.bin`:
    // 97523b59902dbbc180e960bfb64f1e3561c8df223849891245ae696203fb6fef.
    harness.get_by_label("97523b59902d");
}

#[test]
fn a_bad_file_shows_its_error() {
    // One byte of the archive changed: the DFU suffix's checksum (over every byte but its
    // own 4) no longer matches. Stored: the file's last 4 bytes, b5 80 a2 72. Computed
    // independently: Python's `zlib.crc32(file[:-4]) ^ 0xffffffff` (JAMCRC) of the
    // changed file.
    let mut bad = vector_1();
    bad[100] ^= 0xFF;
    let mut harness = app(false, DemoTimings::default());
    drop_file(&mut harness, "/bench/broken.bin", bad);
    wait_for(&mut harness, "the error", |h| {
        has_label(h, "✖ The file is damaged. Get a fresh copy of it.")
    });
    // What happened, in an engineer's words, is under Details.
    harness.get_by_label("Details").click();
    harness.run_ok();
    harness.get_by_label(
        "The file is damaged: its DFU suffix checksum is 0x72a280b5 but the contents give 0x71f31be7.",
    );
    let flash = harness.get_by_role_and_label(Role::Button, "Flash 1 board");
    assert!(flash.accesskit_node().is_disabled());
}

#[test]
fn demo_boards_appear_and_disappear() {
    let mut harness = app(true, DemoTimings::default());
    wait_for_boards(&mut harness);
    assert!(
        row_label(&harness, "1-1")
            .unwrap()
            .contains("ESP32-S2, download mode, Ready")
    );
    assert!(row_label(&harness, "1-2").unwrap().contains("ESP32-S3"));

    click_in_row(&mut harness, "1-1", "Unplug");
    wait_for(&mut harness, "1-1 to go", |h| row_label(h, "1-1").is_none());

    // Demo boards are in the help.
    harness.get_by_role_and_label(Role::Button, "Help").click();
    wait_for(&mut harness, "the help's demo boards", |h| {
        has_label(h, "Plug in an emulated ESP32-S2")
    });
    harness
        .get_by_role_and_label(Role::Button, "Plug in an emulated ESP32-S2")
        .click();
    wait_for(&mut harness, "a new board at 1-1", |h| {
        row_label(h, "1-1").is_some()
    });
}

#[test]
fn arrow_keys_move_the_selection() {
    let mut harness = app(true, DemoTimings::default());
    wait_for_boards(&mut harness);
    let selected = |h: &Harness<'_, App>, path: &str| {
        h.get_by_label_contains(&format!("Board {path}:"))
            .accesskit_node()
            .toggled()
            == Some(Toggled::True)
    };
    assert!(selected(&harness, "1-1"), "the first board is selected");
    harness.key_press(egui::Key::ArrowDown);
    harness.step();
    assert!(selected(&harness, "1-2"));
    harness.key_press(egui::Key::ArrowUp);
    harness.step();
    assert!(selected(&harness, "1-1"));
    harness.get_by_label_contains("Board 1-2:").click();
    harness.run_ok();
    assert!(selected(&harness, "1-2"));
}

#[test]
fn flash_reaches_pass_on_the_emulator_and_a_file_for_another_chip_is_refused() {
    let mut harness = app(true, quick(Duration::from_millis(25)));
    wait_for_boards(&mut harness);
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });

    // The S3 board: the file (for ESP32-S2) says so, and Flash is off.
    harness.get_by_label_contains("Board 1-2:").click();
    harness.run_ok();
    // In the list and on the selected board's card; under the primary button, why.
    assert_eq!(
        harness
            .query_all_by_label("✖ Can't flash: the file is for ESP32-S2")
            .count(),
        2
    );
    harness.get_by_label("Can't flash: the file is for ESP32-S2");
    let flash = harness.get_by_role_and_label(Role::Button, "Flash 1 board");
    assert!(flash.accesskit_node().is_disabled());

    harness.get_by_label_contains("Board 1-1:").click();
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::Button, "Flash 1 board")
        .click();
    // The result and the news of the board's DFU-mode re-enumeration come from two
    // threads, in either order.
    wait_for(&mut harness, "PASS on the board in DFU mode", |h| {
        row_label(h, "1-1").is_some_and(|l| l.contains("PASS") && l.contains("download mode"))
    });
    assert!(has_label(
        &harness,
        "Press RESET on the board to start the new firmware."
    ));
    assert!(row_label(&harness, "1-2").unwrap().ends_with("Ready"));
    // Demo boards never count in the shift.
    harness.get_by_label("PASS 0 · FAIL 0");
}

/// Demo boards with 1-1 flashing, in an erase long enough (2 s a sector) that what a
/// test does next comes while it still erases.
fn erasing_1_1() -> Harness<'static, App> {
    let mut harness = app(true, quick(Duration::from_secs(2)));
    wait_for_boards(&mut harness);
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    harness
        .get_by_role_and_label(Role::Button, "Flash 1 board")
        .click();
    wait_for_state(&mut harness, "1-1", "Erasing");
    harness
}

#[test]
fn unplugging_during_a_flash_fails_with_the_reason() {
    let mut harness = erasing_1_1();
    click_in_row(&mut harness, "1-1", "Unplug");
    // The failed job and the board's removal come from two threads, in either order.
    wait_for(&mut harness, "the failed row of the unplugged board", |h| {
        row_label(h, "1-1").is_some_and(|l| l.contains("FAIL")) && has_label(h, "Unplugged")
    });
    // The reason in the engineer's words waits under the result's Details.
    let detail = "the device is gone (unplugged or re-enumerated)";
    assert!(!has_label(&harness, detail));
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());
    harness
        .query_all_by_label("Details")
        .last()
        .unwrap()
        .click();
    harness.run_steps(2);
    assert!(has_label(&harness, detail));
    harness.get_by_label("PASS 0 · FAIL 0");
}

#[test]
fn cancel_stops_the_flash() {
    let mut harness = erasing_1_1();
    harness
        .get_by_role_and_label(Role::Button, "Cancel")
        .click();
    wait_for_state(&mut harness, "1-1", "FAIL");
    assert!(has_label(
        &harness,
        "✖ FAIL. Flashing was stopped. Flash the board again before it is used."
    ));
}

#[test]
fn closing_during_a_flash_asks_then_stops_the_flash_before_quitting() {
    let mut harness = erasing_1_1();
    let closes = |h: &Harness<'_, App>| {
        h.output().viewport_output[&egui::ViewportId::ROOT]
            .commands
            .iter()
            .filter(|c| matches!(c, egui::ViewportCommand::Close))
            .count()
    };
    (harness
        .input_mut()
        .viewports
        .get_mut(&egui::ViewportId::ROOT))
    .unwrap()
    .events
    .push(egui::ViewportEvent::Close);
    harness.step();
    harness.step();
    harness.get_by_label("1 board is flashing. Stop them and quit?");
    assert_eq!(closes(&harness), 0, "the window stays open until asked");
    harness
        .get_by_role_and_label(Role::Button, "Stop them and quit")
        .click();
    wait_for(&mut harness, "the window to close", |h| closes(h) > 0);
    assert!(has_label(
        &harness,
        "✖ FAIL. Flashing was stopped. Flash the board again before it is used."
    ));
}

#[test]
fn frames_keep_coming_while_a_board_erases_slowly() {
    let mut harness = app(true, quick(Duration::from_secs(10)));
    wait_for_boards(&mut harness);
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
    harness
        .get_by_role_and_label(Role::Button, "Flash 1 board")
        .click();
    wait_for_state(&mut harness, "1-1", "Erasing 1.bin");
    // The worker sits in a 10 s erase; the UI goes on drawing and answering: ten frames,
    // none of which waits for the worker (a waiting frame would take seconds).
    for _ in 0..10 {
        let frame = Instant::now();
        harness.step();
        assert!(
            frame.elapsed() < Duration::from_secs(5),
            "a frame waited for the worker"
        );
    }
    assert!(
        row_label(&harness, "1-1")
            .unwrap()
            .contains("Erasing 1.bin"),
        "the frames came while the board was still erasing"
    );
    harness.get_by_label_contains("Board 1-2:").click();
    harness.run_ok();
    harness.get_by_label("2  Board: ESP32-S3 at USB 1-2");
}

/// On a Linux desktop without the XDG desktop portal or zenity, Open... says so and how
/// to go on, instead of showing nothing. The child test runs with no session bus and no
/// zenity on its PATH.
#[cfg(target_os = "linux")]
#[test]
fn open_without_a_file_dialog_service_says_so() {
    let empty = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "open_without_a_file_dialog_service_alone",
            "--ignored",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("PATH", empty.path())
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{output}");
    assert!(output.contains("1 passed"), "{output}");
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "runs in its own process without a file-dialog service, started by open_without_a_file_dialog_service_says_so"]
fn open_without_a_file_dialog_service_alone() {
    assert!(dfu_station::ui::dialogs_available().is_err());
    let mut harness = app(false, DemoTimings::default());
    harness
        .get_by_role_and_label(Role::Button, "Open...")
        .click();
    wait_for(&mut harness, "the no-dialog message", |h| {
        has_label(
            h,
            "⚠ No file dialog can be shown on this computer. Drag the dfu.bin onto this \
             window instead, or install a file-dialog service (the XDG desktop portal, or \
             zenity).",
        )
    });
    // Open... can be pressed again, and a drop still works.
    assert!(
        !harness
            .get_by_role_and_label(Role::Button, "Open...")
            .accesskit_node()
            .is_disabled()
    );
    drop_file(&mut harness, "/bench/dfu.bin", vector_1());
    wait_for(&mut harness, "the dropped file", |h| {
        has_label(h, "✔ Valid DFU file")
    });
}

// ---- Snapshots: the app fed scripted station events. ----

/// The station's side, played by the test.
struct Script {
    commands: Receiver<Command>,
    events: Sender<Event>,
}

impl Script {
    fn send(&self, event: Event) {
        self.events.send(event).unwrap();
    }

    /// Answers the next file load, as the station would (factory settings pass by).
    fn answer_load(&self) {
        let load = self.commands.try_iter().find_map(|command| match command {
            Command::LoadImage { path, read } => Some((path, read)),
            _ => None,
        });
        let (path, read) = load.expect("a load command");
        let result = check_file(&path, read);
        self.send(Event::ImageLoaded { path, result });
    }

    fn plug(&self, path: &str, chip: Chip, mode: InterfaceMode) -> DeviceId {
        self.plug_from(DEMO, path, chip, mode)
    }

    /// A board from `source` (USB boards count in the shift, demo boards do not).
    fn plug_from(
        &self,
        source: &'static str,
        path: &str,
        chip: Chip,
        mode: InterfaceMode,
    ) -> DeviceId {
        let id = DeviceId {
            source,
            path: path.into(),
        };
        self.send(Event::DeviceAdded(Device {
            id: id.clone(),
            vid: 0x303A,
            pid: chip.pid(),
            mode,
            serial: "7CDFA1E0C8F4".into(),
        }));
        id
    }
}

fn scripted() -> (Harness<'static, App>, Script) {
    scripted_with(egui::vec2(1366.0, 768.0), Options::default())
}

/// The app started with `options` in a window of `size`, fed scripted station events.
fn scripted_with(size: egui::Vec2, options: Options) -> (Harness<'static, App>, Script) {
    let (commands, command_rx) = unbounded();
    let (events, event_rx) = unbounded();
    let harness = Harness::builder().with_size(size).build_eframe(move |cc| {
        let station = Station {
            commands,
            events: event_rx,
        };
        App::new(cc, station, options)
    });
    let script = Script {
        commands: command_rx,
        events,
    };
    (harness, script)
}

/// A realistic image for the ESP32-S3, dropped and checked.
fn load_realistic(harness: &mut Harness<'_, App>, script: &Script) {
    drop_file(
        harness,
        "/home/tech/blink-s3/build/dfu.bin",
        realistic_image(Chip::Esp32S3),
    );
    harness.step();
    script.answer_load();
    harness.step();
}

/// A flash at `phase` in part 2 of app.bin's 3 parts (the realistic image's app is 1.1 MiB,
/// in 512 KiB parts).
fn progress(phase: Phase, done: u64, rate: f64) -> JobProgress {
    let total = 1_245_184;
    JobProgress {
        phase,
        done,
        total,
        part: Some(FilePart::new("app.bin", 2, 3)),
        bytes_per_second: Some(rate),
        eta: Some(Duration::from_secs_f64((total - done) as f64 / rate)),
        erase_limit: (phase == Phase::Erasing).then_some(Duration::from_secs(40)),
    }
}

/// The screens a technician meets, each built from scripted station events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Empty,
    FileLoaded,
    Flashing,
    Pass,
    Fail,
    DamagedFile,
    RawAppImage,
    WrongChip,
    Help,
    /// Station only: a fixture of 8 slots (a locked profile) in every state at once,
    /// with the help open.
    Fixture,
    /// Station only: a board flashing on a line whose database cannot be reached (the
    /// banner, the line's totals and the rows left in the strip).
    LineAway,
}

impl Screen {
    /// Desk's screens.
    const ALL: [Screen; 9] = [
        Screen::Empty,
        Screen::FileLoaded,
        Screen::Flashing,
        Screen::Pass,
        Screen::Fail,
        Screen::DamagedFile,
        Screen::RawAppImage,
        Screen::WrongChip,
        Screen::Help,
    ];

    /// Station's screens: Desk's but the raw app image (Desk's and the help's), the
    /// fixture, and the line's database away.
    const STATION: [Screen; 10] = [
        Screen::Empty,
        Screen::FileLoaded,
        Screen::Fixture,
        Screen::Flashing,
        Screen::Pass,
        Screen::Fail,
        Screen::DamagedFile,
        Screen::WrongChip,
        Screen::Help,
        Screen::LineAway,
    ];

    fn name(self) -> &'static str {
        match self {
            Screen::Empty => "empty",
            Screen::FileLoaded => "file_loaded",
            Screen::Flashing => "two_boards_flashing",
            Screen::Pass => "pass",
            Screen::Fail => "fail",
            Screen::DamagedFile => "damaged_file",
            Screen::RawAppImage => "raw_app_image",
            Screen::WrongChip => "wrong_chip",
            Screen::Help => "help",
            Screen::Fixture => "fixture",
            Screen::LineAway => "line_away",
        }
    }
}

/// The failure of a board that reported errVERIFY once the firmware was written: it did
/// not keep it (the code stays `dfu-device-error`).
fn did_not_keep() -> Failure {
    Failure::from(dfu::DfuError::Device {
        status: dfu::Status::ErrVerify,
        state: dfu::State::DfuError,
        at: dfu::Location {
            phase: Phase::Manifesting,
            block: Some(19_457),
        },
    })
}

/// A board pulled out while it was written: the DNLOAD request failed.
fn connection_broke() -> Failure {
    Failure::new(
        Code::DfuTransferFailed,
        "The DNLOAD request failed while writing (block 5210): the device is gone (unplugged or re-enumerated).",
    )
    .because(dfu::TransportError::NoDevice)
}

/// The window locked to a profile for an ESP32-S3 image with `slots` (USB port paths).
fn with_profile(slots: &[&str]) -> Options {
    let dir = tempfile::tempdir().unwrap();
    let image = realistic_image(Chip::Esp32S3);
    std::fs::write(dir.path().join("dfu.bin"), &image).unwrap();
    let profile = station::profile::Profile {
        station: "line 3".into(),
        image: "dfu.bin".into(),
        image_sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&image)),
        auto_flash: true,
        sound: true,
        log_folder: "logs".into(),
        pin_sha256: String::new(),
        slots: slots.iter().map(|s| (*s).to_owned()).collect(),
        provision: None,
        line: None,
    };
    let path = dir.path().join("line3.toml");
    profile.save(&path, station::files::Existing::Keep).unwrap();
    // The image is read and checked here: the folder may go.
    let profile = dfu_station::ui::StartProfile::find(Some(&path)).unwrap();
    Options {
        profile,
        ..Options::default()
    }
}

/// A failure with `code` and an engineer's message.
fn failed(code: Code, message: &str) -> Outcome {
    Outcome::Fail(Failure::new(code, message))
}

/// The fixture: eight slots, each in another state (the help is opened after).
fn fixture(script: &Script) {
    // USB boards: they count in the shift.
    let usb = station::usb_source::USB;
    let ids: Vec<DeviceId> = (1..=7)
        .map(|port| script.plug_from(usb, &format!("1-{port}"), Chip::Esp32S3, InterfaceMode::Dfu))
        .collect();
    let finish = |id: &DeviceId, outcome: Outcome| {
        script.send(Event::JobStarted(id.clone()));
        script.send(Event::JobFinished {
            device: id.clone(),
            outcome,
        });
    };
    let pass = |ms| Outcome::Pass {
        elapsed: Duration::from_millis(ms),
    };
    // 1: PASS, still in; 2: PASS, taken out.
    finish(&ids[0], pass(21_400));
    finish(&ids[1], pass(22_900));
    script.send(Event::DeviceRemoved(ids[1].clone()));
    // 3: FAIL, still in (Retry).
    finish(&ids[2], Outcome::Fail(did_not_keep()));
    // 4: FAIL, then unplugged.
    finish(&ids[3], Outcome::Fail(connection_broke()));
    script.send(Event::DeviceRemoved(ids[3].clone()));
    // 5: left the bus after DETACH and never came back.
    script.send(Event::JobStarted(ids[4].clone()));
    script.send(Event::DeviceRemoved(ids[4].clone()));
    let not_back = "The board did not come back in DFU mode within 5 s after DETACH: timed out.";
    script.send(Event::JobFinished {
        device: ids[4].clone(),
        outcome: failed(Code::DfuNotBackAfterDetach, not_back),
    });
    // 6 and 7: flashing; 8: empty.
    for (id, p) in [
        (&ids[5], progress(Phase::Writing, 788_000, 61_440.0)),
        (&ids[6], progress(Phase::Erasing, 131_072, 58_000.0)),
    ] {
        script.send(Event::JobStarted(id.clone()));
        script.send(Event::JobProgress {
            device: id.clone(),
            progress: p,
        });
    }
}

/// `screen` in `mode` ("Desk" or "Station") and `theme`, settled, the pointer gone.
fn screen(screen: Screen, mode: &str, theme: egui::Theme) -> Harness<'static, App> {
    screen_at(screen, mode, theme, egui::vec2(1366.0, 768.0))
}

/// [`screen`] in a window of `size`.
fn screen_at(
    screen: Screen,
    mode: &str,
    theme: egui::Theme,
    size: egui::Vec2,
) -> Harness<'static, App> {
    let slots = ["1-1", "1-2", "1-3", "1-4", "1-5", "1-6", "1-7", "1-8"];
    let options = if screen == Screen::Fixture {
        with_profile(&slots)
    } else {
        Options::default()
    };
    let (mut harness, script) = scripted_with(size, options);
    harness.ctx.set_theme(theme);
    let s3 = || script.plug("1-1", Chip::Esp32S3, InterfaceMode::Dfu);
    match screen {
        Screen::Empty => {}
        Screen::FileLoaded => {
            script.plug("1-1", Chip::Esp32S3, InterfaceMode::Runtime);
            load_realistic(&mut harness, &script);
            harness.run_steps(3);
            if mode == "Desk" {
                harness.get_by_label(&t!("window-details")).click();
            }
        }
        Screen::Flashing => {
            let a = s3();
            let b = script.plug("1-2", Chip::Esp32S3, InterfaceMode::Dfu);
            load_realistic(&mut harness, &script);
            for (id, p) in [
                (a, progress(Phase::Writing, 812_000, 61_440.0)),
                (b, progress(Phase::Erasing, 557_056, 58_000.0)),
            ] {
                script.send(Event::JobStarted(id.clone()));
                script.send(Event::JobProgress {
                    device: id,
                    progress: p,
                });
            }
        }
        Screen::Pass => {
            let id = s3();
            load_realistic(&mut harness, &script);
            script.send(Event::JobStarted(id.clone()));
            script.send(Event::JobFinished {
                device: id,
                outcome: Outcome::Pass {
                    elapsed: Duration::from_millis(21_400),
                },
            });
        }
        Screen::Fail => {
            let id = s3();
            load_realistic(&mut harness, &script);
            script.send(Event::JobStarted(id.clone()));
            script.send(Event::JobFinished {
                device: id,
                outcome: Outcome::Fail(did_not_keep()),
            });
        }
        Screen::DamagedFile => {
            s3();
            let mut image = realistic_image(Chip::Esp32S3);
            image[5000] ^= 0x40;
            drop_file(&mut harness, "/home/tech/blink-s3/build/dfu.bin", image);
            harness.step();
            script.answer_load();
        }
        Screen::RawAppImage => {
            script.plug("1-1", Chip::Esp32S3, InterfaceMode::Runtime);
            let mut app = common::sample(0x2_0000, 7);
            app[0] = 0xE9;
            drop_file(&mut harness, "/home/tech/blink-s3/build/blink-s3.bin", app);
            harness.step();
            script.answer_load();
        }
        Screen::WrongChip => {
            script.plug("1-1", Chip::Esp32S2, InterfaceMode::Runtime);
            load_realistic(&mut harness, &script);
        }
        Screen::Help => {
            harness.run_steps(2);
            harness
                .get_by_role_and_label(Role::Button, &t!("help-button"))
                .click();
        }
        Screen::LineAway => {
            let id = s3();
            load_realistic(&mut harness, &script);
            script.send(Event::RowsLeft {
                left: 180,
                rows: 200,
            });
            script.send(Event::Line(LineState {
                store: "postgres://dfu@db.factory/line3".into(),
                reachable: false,
                error: Some("error connecting to server: Connection refused (os error 111)".into()),
                waiting: 3,
                totals: Some(line::LineTotals {
                    passed: 19,
                    failed: 1,
                    rows_left: 180,
                    ..line::LineTotals::default()
                }),
            }));
            script.send(Event::JobStarted(id.clone()));
            script.send(Event::JobProgress {
                device: id,
                progress: progress(Phase::Writing, 812_000, 61_440.0),
            });
        }
        Screen::Fixture => {
            fixture(&script);
            harness.run_steps(3);
            harness
                .get_by_role_and_label(Role::Button, &t!("help-button"))
                .click();
        }
    }
    harness.run_steps(3);
    // A locked profile opens in Station.
    if mode == "Station" && screen != Screen::Fixture {
        harness
            .get_by_role_and_label(Role::Button, &t!("window-mode-station"))
            .click();
        harness.run_steps(3);
    }
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(3);
    harness
}

/// The window sizes every Desk screen is drawn at: the usual and the smallest.
const SIZES: [(f32, f32, &str); 2] = [(1366.0, 768.0, ""), (960.0, 560.0, "_smallest")];

/// Every Desk screen dark and light, at 1366×768 and at the smallest window (960×560),
/// in `folder` (`screens` for English, `zh-CN`): no text may be cut off or run into
/// another, and the primary button is always in sight.
fn snapshot_desk(folder: &str) {
    let mut results = SnapshotResults::new();
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        for s in Screen::ALL {
            for (width, height, suffix) in SIZES {
                let mut harness = screen_at(s, "Desk", theme, egui::vec2(width, height));
                let name = format!("{folder}/desk_{}_{}{suffix}", s.name(), theme_name(theme));
                // Step 3's button is inside the window, whatever the steps above hold:
                // Flash, or with a result shown Flash next (and Flash again).
                let primary = match s {
                    Screen::Pass | Screen::Fail => t!("window-flash-next"),
                    _ => t!("window-flash-boards", count = 1),
                };
                let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height));
                let button = harness.get_by_role_and_label(Role::Button, &primary);
                assert!(
                    window.contains_rect(button.rect()),
                    "{name}: {primary} is out of sight"
                );
                harness.snapshot(&name);
                results.extend_harness(&mut harness);
            }
        }
    }
}

/// The two window sizes Station is looked at in: the usual and the smallest the window
/// allows.
const STATION_SIZES: [[f32; 2]; 2] = [[1366.0, 768.0], [960.0, 560.0]];

fn theme_name(theme: egui::Theme) -> &'static str {
    if theme == egui::Theme::Dark {
        "dark"
    } else {
        "light"
    }
}

/// The name of Station's snapshot of `screen` in the reader's language, `theme` and `size`.
fn station_snapshot(screen: Screen, theme: egui::Theme, [width, height]: [f32; 2]) -> String {
    let (lang, theme) = (i18n::lang(), theme_name(theme));
    format!("station/{lang}/{}_{theme}_{width}x{height}", screen.name())
}

/// The committed picture of snapshot `name`, as its PNG file holds it.
fn snapshot_png(name: &str) -> image::RgbaImage {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.png"));
    image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgba8()
}

/// Every Station screen in the reader's language, in the floor's light look and in the
/// dark, at both sizes (`tests/snapshots/station/<lang>/<screen>_<theme>_<size>.png`).
fn snapshot_station_screens(results: &mut SnapshotResults) {
    for theme in [egui::Theme::Light, egui::Theme::Dark] {
        for s in Screen::STATION {
            let mut harness = screen(s, "Station", theme);
            for [width, height] in STATION_SIZES {
                harness.set_size(egui::vec2(width, height));
                harness.run_steps(3);
                harness.snapshot(station_snapshot(s, theme, [width, height]));
                results.extend_harness(&mut harness);
            }
        }
    }
}

/// Desk in English (`tests/snapshots/screens/desk_*`).
#[test]
fn snapshot_desk_in_english_dark_and_light_at_both_sizes() {
    with_lang(Lang::En, || snapshot_desk("screens"));
}

/// Desk in Simplified Chinese (`tests/snapshots/zh-CN/desk_*`).
#[test]
fn snapshot_desk_in_chinese_dark_and_light_at_both_sizes() {
    with_lang(Lang::ZhCn, || snapshot_desk("zh-CN"));
}

/// Every Station screen in English, in the floor's light look and in the dark, at
/// 1366×768 and 960×560 (`tests/snapshots/station/en/`).
#[test]
fn snapshot_every_station_screen_in_english() {
    let mut results = SnapshotResults::new();
    with_lang(Lang::En, || snapshot_station_screens(&mut results));
}

/// The same in Simplified Chinese (`tests/snapshots/station/zh-CN/`).
#[test]
fn snapshot_every_station_screen_in_chinese() {
    let mut results = SnapshotResults::new();
    with_lang(Lang::ZhCn, || snapshot_station_screens(&mut results));
}

/// In Chinese the window reads Chinese to a screen reader too: the board's row, the
/// result banner and the primary button; the failure code stays ASCII.
#[test]
fn the_chinese_window_reads_chinese() {
    with_lang(Lang::ZhCn, || {
        let harness = screen(Screen::Pass, "Desk", egui::Theme::Dark);
        assert_eq!(harness.query_all_by_label("✔ 通过").count(), 2);
        harness.get_by_label_contains("板子 1-1：ESP32-S3");
        let harness = screen(Screen::Fail, "Desk", egui::Theme::Dark);
        harness
            .get_by_label("板子没有保存住写入的内容。请重新烧录；如果再次失败，请把板子放到一边。");
        harness.get_by_role_and_label(Role::Button, "重新烧录");
        let harness = screen(Screen::FileLoaded, "Desk", egui::Theme::Dark);
        harness.get_by_role_and_label(Role::Button, "烧录 1 块板子");
        harness.get_by_label("闪存容量");
    });
}

/// Labels that speak the protocol (what is under Details and in the log's detail), among
/// those `harness` shows.
fn protocol_words_shown(harness: &Harness<'_, App>) -> Vec<String> {
    let words = [
        "DNLOAD",
        "errVERIFY",
        "block",
        "suffix",
        "0x",
        "DETACH",
        "app.bin.1",
    ];
    harness
        .query_all(egui_kittest::kittest::by())
        .filter_map(|node| {
            let node = node.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .filter(|label| words.iter().any(|word| label.contains(word)))
        .collect()
}

/// What the screens say: the result banner, the plain headline with the detail under
/// Details, and a readiness line that takes the file into account.
#[test]
fn results_and_refusals_read_in_plain_words() {
    let harness = screen(Screen::Pass, "Desk", egui::Theme::Dark);
    // The banner and the board's badge in the list.
    assert_eq!(harness.query_all_by_label("✔ PASS").count(), 2);
    harness.get_by_role_and_label(Role::Button, "Flash next");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Flash again")
            .is_none(),
        "after a PASS, the next board"
    );

    // errVERIFY after writing: the board did not keep it. Flash again (the primary
    // action) beside Flash next.
    let harness = screen(Screen::Fail, "Desk", egui::Theme::Dark);
    assert_eq!(harness.query_all_by_label("✖ FAIL").count(), 2);
    harness.get_by_label(
        "The board did not keep what was written. Flash it again; if it fails again, set the \
         board aside.",
    );
    assert!(
        !harness
            .get_by_role_and_label(Role::Button, "Flash again")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_role_and_label(Role::Button, "Flash next");
    assert!(!has_label(
        &harness,
        "Check that the file is for this board"
    ));
    // The protocol's words are under Details (closed), nowhere else: not on the log's
    // line, not on the board's card.
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());
    harness.get_by_label_contains("1-1  FAIL: The board did not keep what was written.");

    // Two boards flashing: "app.bin, part 2 of 3", never the archive's "app.bin.1".
    let harness = screen(Screen::Flashing, "Desk", egui::Theme::Dark);
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());
    harness.get_by_label("Writing app.bin, part 2 of 3 · 65%");
    harness.get_by_label("Erasing app.bin, part 2 of 3 (up to 40 s)");

    let harness = screen(Screen::DamagedFile, "Desk", egui::Theme::Dark);
    harness.get_by_label("✖ The file is damaged. Get a fresh copy of it.");
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Flash 1 board")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label("The file is damaged. Get a fresh copy of it.");
    // Never "Ready. Open a firmware file" beside a damaged one; the top bar says it too.
    assert!(!has_label(&harness, "Open a firmware file to flash it"));
    let refused = "• Ready. The file in step 1 can't be flashed: open another.";
    assert_eq!(
        harness.query_all_by_label(refused).count(),
        2,
        "the list and step 2"
    );
    harness.get_by_label("✖ The file is damaged.");
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());
    // Station's header too: the plain headline, the checksum under Details.
    let harness = screen(Screen::DamagedFile, "Station", egui::Theme::Dark);
    harness.get_by_label("✖ The file is damaged. Get a fresh copy of it.");
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());

    // A raw app image: refused on the card and in the top bar, and the help opens.
    let harness = screen(Screen::RawAppImage, "Desk", egui::Theme::Dark);
    harness.get_by_label("✖ This is not a dfu.bin yet. Make a dfu.bin from it first.");
    harness.get_by_label("✖ This is not a dfu.bin yet.");
    harness.get_by_label("blink-s3.bin is a program, not a dfu.bin.");
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());

    let harness = screen(Screen::WrongChip, "Desk", egui::Theme::Dark);
    harness.get_by_label("Can't flash: the file is for ESP32-S3");
    harness.get_by_label("This file is made for ESP32-S3, but the board is ESP32-S2.");
}

/// A board pulled out while it was written: the window's line of the session log says
/// what happened in plain words; the request, block and code are the line's detail,
/// shown when the log's Details is ticked.
#[test]
fn the_log_line_of_a_failure_is_plain_and_its_detail_waits_under_details() {
    let (mut harness, script) = scripted();
    let id = script.plug("1-1", Chip::Esp32S3, InterfaceMode::Dfu);
    load_realistic(&mut harness, &script);
    script.send(Event::JobStarted(id.clone()));
    script.send(Event::DeviceRemoved(id.clone()));
    script.send(Event::JobFinished {
        device: id,
        outcome: Outcome::Fail(connection_broke()),
    });
    harness.run_steps(3);
    harness.get_by_label_contains(
        "1-1  FAIL: The connection to the board broke. Check the cable and flash again.",
    );
    assert_eq!(protocol_words_shown(&harness), Vec::<String>::new());
    // Unplugged: Flash again is off, and says why.
    let again = harness.get_by_role_and_label(Role::Button, "Flash again");
    assert!(again.accesskit_node().is_disabled());
    harness.get_by_label("The board is unplugged");
    harness.get_by_label_contains("Show log (").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::CheckBox, "Details")
        .click();
    harness.run_steps(2);
    harness.get_by_label_contains("[dfu-transfer-failed] The DNLOAD request failed");
}

/// Told apart without colour: PASS, FAIL, a board the file does not fit and a ready one
/// differ by icon and word. The station view in greyscale is a snapshot of its own.
#[test]
fn states_are_told_apart_in_greyscale() {
    let (mut harness, script) = scripted();
    let ids: Vec<DeviceId> = (1..=3)
        .map(|port| script.plug(&format!("1-{port}"), Chip::Esp32S3, InterfaceMode::Dfu))
        .collect();
    script.plug("1-4", Chip::Esp32S2, InterfaceMode::Runtime);
    load_realistic(&mut harness, &script);
    script.send(Event::JobStarted(ids[0].clone()));
    script.send(Event::JobFinished {
        device: ids[0].clone(),
        outcome: Outcome::Pass {
            elapsed: Duration::from_millis(21_400),
        },
    });
    script.send(Event::JobStarted(ids[1].clone()));
    script.send(Event::JobFinished {
        device: ids[1].clone(),
        outcome: Outcome::Fail(Failure::new(
            Code::DfuDeviceError,
            "The board reported an error.",
        )),
    });
    harness.run_steps(3);
    harness
        .get_by_role_and_label(Role::Button, "Station")
        .click();
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(4);
    for word in ["✔ PASS", "✖ FAIL", "✖ Can't flash", "▶ Ready"] {
        harness.get_by_label(word);
    }
    greyscale_snapshot(&mut harness, "screens/station_states_greyscale");
}

/// Told apart without colour: a file with warnings reads "⚠ Valid, 2 warnings", not the
/// "✔" of a clean file nor the "✖" of a damaged one. Desk in greyscale, a snapshot.
#[test]
fn a_file_with_warnings_is_told_apart_in_greyscale() {
    let (mut harness, script) = scripted();
    script.plug("1-1", Chip::Esp32S3, InterfaceMode::Dfu);
    // Made for any chip (PID 0xFFFF) and with the app in one 1.2 MiB part (a long erase).
    let image = common::realistic_image_packed(&PackOptions {
        pid: 0xFFFF,
        flash_size: 4 << 20,
        part_size: 2 << 20,
    });
    drop_file(&mut harness, "/home/tech/old-idf/build/dfu.bin", image);
    harness.step();
    script.answer_load();
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(4);
    harness.get_by_label("⚠ Valid, 2 warnings");
    greyscale_snapshot(&mut harness, "screens/desk_file_warnings_greyscale");
}

/// The window as a colour-blind reader might see it: each pixel's luma only.
fn greyscale_snapshot(harness: &mut Harness<'_, App>, name: &str) {
    let mut image = harness.render().expect("rendered");
    for pixel in image.pixels_mut() {
        let [r, g, b, a] = pixel.0;
        let luma = (0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b)) as u8;
        pixel.0 = [luma, luma, luma, a];
    }
    egui_kittest::image_snapshot(&image, name);
}

#[test]
fn snapshot_drop_highlight() {
    let (mut harness, _script) = scripted();
    harness.input_mut().hovered_files.push(egui::HoveredFile {
        path: Some("/home/tech/dfu.bin".into()),
        ..Default::default()
    });
    harness.run_steps(2);
    // Screen readers hear it too.
    harness.get_by_label("Drop the DFU file to check it");
    harness.snapshot("drop_highlight");
    harness.input_mut().hovered_files.clear();
}

// ---- Contrast: Station read from two metres, measured on the rendered screens. ----

/// What the contrast test found in one widget: its text's colour against its own
/// background, as drawn.
struct Measured {
    what: String,
    text: [u8; 3],
    background: [u8; 3],
    ratio: f32,
}

/// The most frequent colour in `pixels` (the background) and the one that contrasts with
/// it most (the text's colour where the glyphs are fully inked), with their ratio.
fn text_against_background(pixels: &[[u8; 3]]) -> Option<([u8; 3], [u8; 3], f32)> {
    let mut counts = std::collections::HashMap::new();
    for pixel in pixels {
        *counts.entry(*pixel).or_insert(0usize) += 1;
    }
    let (&background, _) = counts.iter().max_by_key(|(colour, n)| (**n, **colour))?;
    let colour = |[r, g, b]: [u8; 3]| egui::Color32::from_rgb(r, g, b);
    let (text, ratio) = (counts.keys())
        .map(|&c| (c, contrast(colour(c), colour(background))))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some((text, background, ratio))
}

/// The pixels of `rect` (in points) in `image`, within the window.
fn pixels_in(image: &image::RgbaImage, rect: egui::Rect, ppp: f32) -> Vec<[u8; 3]> {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let x0 = (rect.left() * ppp).floor().clamp(0.0, w) as u32;
    let x1 = (rect.right() * ppp).ceil().clamp(0.0, w) as u32;
    let y0 = (rect.top() * ppp).floor().clamp(0.0, h) as u32;
    let y1 = (rect.bottom() * ppp).ceil().clamp(0.0, h) as u32;
    let mut pixels = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            let [r, g, b, _] = image.get_pixel(x, y).0;
            pixels.push([r, g, b]);
        }
    }
    pixels
}

/// Every text the window shows (labels, links, enabled buttons), measured in `image`
/// (the snapshot of `harness`): the text's colour against its own background.
fn measure_texts(harness: &Harness<'_, App>, image: &image::RgbaImage) -> Vec<Measured> {
    let ppp = harness.ctx.pixels_per_point();
    let window = egui::Rect::from_min_size(
        egui::Pos2::ZERO,
        egui::vec2(image.width() as f32, image.height() as f32) / ppp,
    );
    let mut found = Vec::new();
    let texts = harness.query_all(egui_kittest::kittest::By::new().predicate(|node| {
        matches!(node.role(), Role::Label | Role::Link | Role::Button)
            && !node.is_disabled()
            && node
                .label()
                .or_else(|| node.value())
                .is_some_and(|t| !t.trim().is_empty())
    }));
    for node in texts {
        let rect = node.rect();
        // Scrolled out of sight, or too small to hold a glyph.
        if !window.contains_rect(rect) || rect.width() < 4.0 || rect.height() < 6.0 {
            continue;
        }
        let ak = node.accesskit_node();
        let words = ak.label().or_else(|| ak.value()).unwrap_or_default();
        if let Some((text, background, ratio)) =
            text_against_background(&pixels_in(image, rect, ppp))
        {
            found.push(Measured {
                what: format!("{:?} {words:?} at {rect:?}", ak.role()),
                text,
                background,
                ratio,
            });
        }
    }
    found
}

/// Station reads from two metres, measured on what is drawn, in both languages, on the
/// floor's light look (Station's default) and in the dark: every text at least 4.5:1
/// against its own background; PASS and FAIL tiles at least 60 apart in greyscale; the
/// progress bar's fill at least 3:1 against its track, which stands out from the tile.
/// The measured ratios are in the failure message.
#[test]
fn station_reads_from_two_metres_in_contrast_and_greyscale() {
    let mut failures = Vec::new();
    let mut lowest: Option<Measured> = None;
    for lang in [Lang::En, Lang::ZhCn] {
        with_lang(lang, || {
            for theme in [egui::Theme::Light, egui::Theme::Dark] {
                for s in Screen::STATION {
                    let mut harness = screen(s, "Station", theme);
                    for [width, height] in STATION_SIZES {
                        harness.set_size(egui::vec2(width, height));
                        harness.run_steps(3);
                        // Measured on the committed snapshot (the test above checks that
                        // it is what the window draws).
                        let at = station_snapshot(s, theme, [width, height]);
                        let image = snapshot_png(&at);
                        for m in measure_texts(&harness, &image) {
                            if m.ratio < 4.5 {
                                failures.push(format!(
                                    "{at}: {} is {:.2}:1 ({:?} on {:?})",
                                    m.what, m.ratio, m.text, m.background
                                ));
                            }
                            if lowest.as_ref().is_none_or(|l| m.ratio < l.ratio) {
                                lowest = Some(Measured {
                                    what: format!("{at}: {}", m.what),
                                    ..m
                                });
                            }
                        }
                        if s == Screen::Fixture {
                            failures.extend(tiles_in_greyscale(&harness, &image, &at));
                        }
                    }
                }
            }
        });
    }
    if let Some(l) = &lowest {
        println!(
            "lowest text contrast: {:.2}:1 ({:?} on {:?}) {}",
            l.ratio, l.text, l.background, l.what
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fill of the fixture's PASS and FAIL tiles in greyscale, and the progress bars, in
/// `image` (the snapshot of `harness`).
fn tiles_in_greyscale(
    harness: &Harness<'_, App>,
    image: &image::RgbaImage,
    at: &str,
) -> Vec<String> {
    let ppp = harness.ctx.pixels_per_point();
    let mut failures = Vec::new();
    let fill = |state: &str| {
        let tile = harness
            .query_all_by_role(Role::ListItem)
            .find(|n| {
                n.accesskit_node().label().is_some_and(|l| {
                    l.ends_with(&format!("，{state}")) || l.ends_with(&format!(", {state}"))
                })
            })
            .unwrap_or_else(|| panic!("{at}: a {state} tile"));
        let (_, background, _) =
            text_against_background(&pixels_in(image, tile.rect(), ppp)).unwrap();
        background
    };
    let (pass, fail) = (fill(&t!("station-pass")), fill(&t!("station-fail")));
    let luma = |[r, g, b]: [u8; 3]| dfu_station::ui::luma(egui::Color32::from_rgb(r, g, b));
    let apart = (luma(pass) - luma(fail)).abs();
    println!(
        "{at}: PASS tile {pass:?} luma {:.0}, FAIL tile {fail:?} luma {:.0}: {apart:.0} apart",
        luma(pass),
        luma(fail)
    );
    if apart < 60.0 {
        failures.push(format!(
            "{at}: PASS {pass:?} (luma {:.0}) and FAIL {fail:?} (luma {:.0}) are {apart:.0} apart in greyscale",
            luma(pass),
            luma(fail)
        ));
    }
    for bar in harness.query_all_by_role(Role::ProgressIndicator) {
        let rect = bar.rect();
        let inside = pixels_in(image, rect.shrink(3.0), ppp);
        let (track_or_fill, other, ratio) = text_against_background(&inside).unwrap();
        // Just outside the bar: the tile.
        let around = pixels_in(image, rect.expand(3.0), ppp);
        let (_, tile, _) = text_against_background(
            &around
                .into_iter()
                .filter(|p| !inside.contains(p))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let edge = pixels_in(image, rect, ppp)
            .into_iter()
            .map(|p| {
                contrast(
                    egui::Color32::from_rgb(p[0], p[1], p[2]),
                    egui::Color32::from_rgb(tile[0], tile[1], tile[2]),
                )
            })
            .fold(0.0f32, f32::max);
        println!(
            "{at}: bar {track_or_fill:?}/{other:?} {ratio:.2}:1, outline against tile {tile:?} {edge:.2}:1"
        );
        if ratio < 3.0 || edge < 3.0 {
            failures.push(format!(
                "{at}: progress bar fill and track {ratio:.2}:1 ({track_or_fill:?}, {other:?}), its outline against the tile {tile:?} {edge:.2}:1"
            ));
        }
    }
    failures
}
