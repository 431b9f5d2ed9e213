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
use dfu_station::ui::{App, Options};
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
use station::{
    Command, Device, DeviceId, Environment, Event, JobProgress, Outcome, Station, check_file,
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
    assert!(has_label(
        &harness,
        "the device is gone (unplugged or re-enumerated)"
    ));
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
        let id = DeviceId {
            source: DEMO,
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
    let (commands, command_rx) = unbounded();
    let (events, event_rx) = unbounded();
    let harness = Harness::builder()
        .with_size([1366.0, 768.0])
        .build_eframe(move |cc| {
            let station = Station {
                commands,
                events: event_rx,
            };
            App::new(cc, station, Options::default())
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

fn progress(phase: Phase, done: u64, part: &str, rate: f64) -> JobProgress {
    let total = 1_245_184;
    JobProgress {
        phase,
        done,
        total,
        part: Some(part.into()),
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
    WrongChip,
    Help,
}

impl Screen {
    const ALL: [Screen; 8] = [
        Screen::Empty,
        Screen::FileLoaded,
        Screen::Flashing,
        Screen::Pass,
        Screen::Fail,
        Screen::DamagedFile,
        Screen::WrongChip,
        Screen::Help,
    ];

    fn name(self) -> &'static str {
        match self {
            Screen::Empty => "empty",
            Screen::FileLoaded => "file_loaded",
            Screen::Flashing => "two_boards_flashing",
            Screen::Pass => "pass",
            Screen::Fail => "fail",
            Screen::DamagedFile => "damaged_file",
            Screen::WrongChip => "wrong_chip",
            Screen::Help => "help",
        }
    }
}

/// `screen` in `mode` ("Desk" or "Station") and `theme`, settled, the pointer gone.
fn screen(screen: Screen, mode: &str, theme: egui::Theme) -> Harness<'static, App> {
    let (mut harness, script) = scripted();
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
                (a, progress(Phase::Writing, 812_000, "app.bin.1", 61_440.0)),
                (b, progress(Phase::Erasing, 557_056, "app.bin.1", 58_000.0)),
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
            script.send(Event::DeviceRemoved(id.clone()));
            script.send(Event::JobFinished {
                device: id,
                outcome: Outcome::Fail(
                    Failure::new(
                        Code::DfuTransferFailed,
                        "The DNLOAD request failed while writing (block 5210): the device is gone (unplugged or re-enumerated).",
                    )
                    .because(dfu::TransportError::NoDevice),
                ),
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
    }
    harness.run_steps(3);
    if mode == "Station" {
        harness
            .get_by_role_and_label(Role::Button, &t!("window-mode-station"))
            .click();
        harness.run_steps(3);
    }
    harness.input_mut().events.push(egui::Event::PointerGone);
    harness.run_steps(3);
    harness
}

/// Every screen in Desk and in Station, dark and light (`tests/snapshots/screens/`).
#[test]
fn snapshot_every_screen_in_desk_and_station_dark_and_light() {
    let mut results = SnapshotResults::new();
    for mode in ["Desk", "Station"] {
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            for s in Screen::ALL {
                let mut harness = screen(s, mode, theme);
                let theme = if theme == egui::Theme::Dark {
                    "dark"
                } else {
                    "light"
                };
                let name = format!("screens/{}_{}_{theme}", mode.to_lowercase(), s.name());
                harness.snapshot(&name);
                results.extend_harness(&mut harness);
            }
        }
    }
}

/// The window in Simplified Chinese (`tests/snapshots/zh-CN/`), dark: empty, the file with
/// its flash map, two boards flashing, PASS, FAIL, and the station view; then the same at
/// the smallest window (960×560), where no text may be cut off or run into another.
#[test]
fn snapshot_the_window_in_chinese() {
    with_lang(Lang::ZhCn, || {
        let mut results = SnapshotResults::new();
        let screens = [
            (Screen::Empty, "Desk"),
            (Screen::FileLoaded, "Desk"),
            (Screen::Flashing, "Desk"),
            (Screen::Pass, "Desk"),
            (Screen::Fail, "Desk"),
            (Screen::Flashing, "Station"),
            (Screen::Pass, "Station"),
        ];
        for (s, mode) in screens {
            let mut harness = screen(s, mode, egui::Theme::Dark);
            let name = format!("zh-CN/{}_{}", mode.to_lowercase(), s.name());
            harness.snapshot(&name);
            results.extend_harness(&mut harness);
            harness.set_size(egui::vec2(960.0, 560.0));
            harness.run_steps(3);
            harness.snapshot(format!("{name}_smallest"));
            results.extend_harness(&mut harness);
        }
    });
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
        harness.get_by_label("与板子的连接断开了。请检查数据线，然后重新烧录。");
        let harness = screen(Screen::FileLoaded, "Desk", egui::Theme::Dark);
        harness.get_by_role_and_label(Role::Button, "烧录 1 块板子");
    });
}

/// What the screens say: the result banner, the plain headline with the detail under
/// Details, and a readiness line that takes the file into account.
#[test]
fn results_and_refusals_read_in_plain_words() {
    let harness = screen(Screen::Pass, "Desk", egui::Theme::Dark);
    // The banner and the board's badge in the list.
    assert_eq!(harness.query_all_by_label("✔ PASS").count(), 2);
    harness.get_by_role_and_label(Role::Button, "Flash next");
    let harness = screen(Screen::Fail, "Desk", egui::Theme::Dark);
    assert_eq!(harness.query_all_by_label("✖ FAIL").count(), 2);
    harness.get_by_label("The connection to the board broke. Check the cable and flash again.");
    // The protocol words are under Details and in the session log's line, nowhere else.
    let shown: Vec<String> = harness
        .query_all_by_label_contains("DNLOAD")
        .map(|node| {
            let node = node.accesskit_node();
            node.label().or_else(|| node.value()).unwrap_or_default()
        })
        .filter(|label| !label.starts_with("00:00:"))
        .collect();
    assert!(shown.is_empty(), "{shown:?}");
    let harness = screen(Screen::DamagedFile, "Desk", egui::Theme::Dark);
    harness.get_by_label("✖ The file is damaged. Get a fresh copy of it.");
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Flash 1 board")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label("The file is damaged. Get a fresh copy of it.");
    let harness = screen(Screen::WrongChip, "Desk", egui::Theme::Dark);
    harness.get_by_label("Can't flash: the file is for ESP32-S3");
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
    for word in ["✔ PASS", "✖ FAIL", "✖ Can't flash", "✔ Ready"] {
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
