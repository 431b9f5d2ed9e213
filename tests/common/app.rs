//! Driving the app in-process with egui_kittest: dropped files, stepping frames with a
//! deadline, finding labels and board rows.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfu_station::ui::App;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// A dropped file, as a file manager would hand it over.
#[derive(Debug)]
struct DroppedBytes {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl egui::DroppedFile for DroppedBytes {
    fn path(&self) -> &Path {
        &self.path
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        Ok(self.bytes.clone())
    }
}

/// Drops `bytes` as the file at `path` on the window (delivered at the next step).
pub fn drop_file(harness: &mut Harness<'_, App>, path: &str, bytes: Vec<u8>) {
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedBytes {
            path: path.into(),
            bytes,
        }));
}

/// Steps frames until `done`, failing after 30 s. The app's clock follows the real one
/// meanwhile (not a quarter second per frame): the app's timers, such as the no-board
/// help, cannot run ahead of the worker threads the test waits for.
pub fn wait_for(
    harness: &mut Harness<'_, App>,
    what: &str,
    done: impl Fn(&Harness<'_, App>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last_frame = Instant::now();
    while !done(harness) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
        let app_time = harness.ctx.input(|i| i.time);
        harness.input_mut().time = Some(app_time + last_frame.elapsed().as_secs_f64());
        last_frame = Instant::now();
        harness.step();
    }
}

/// Whether some widget's label contains `text`.
pub fn has_label(harness: &Harness<'_, App>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// The accessible name of the row of the board at `path`, if listed.
pub fn row_label(harness: &Harness<'_, App>, path: &str) -> Option<String> {
    let prefix = format!("Board {path}:");
    harness
        .query_all_by_label_contains(&prefix)
        .find_map(|node| node.accesskit_node().label())
}
