//! Auto mode's memory: which boards are on the bus and which were flashed since they
//! were plugged in. Pure bookkeeping, driven by the station thread.
//!
//! A board is flashed once per plug-in. A board that re-enumerates after DETACH
//! (removed, then back at the same path in DFU mode) is the same board; one that comes
//! back in download boot (runtime) mode, or in any mode after a real unplug, is a new
//! attempt.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Device, DeviceId, LoadedImage};
use dfu::InterfaceMode;

/// What became of a board flashed since it was plugged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flashed {
    /// Flashed from download boot mode: one removal and a return in DFU mode are its own
    /// re-enumeration after DETACH.
    AwaitingReenumeration,
    /// Back in DFU mode, or flashed in DFU mode: a removal is an unplug.
    Settled,
}

/// Boards on the bus, those flashed since plugged in, and auto mode's image.
#[derive(Debug, Default)]
pub(super) struct AutoFlash {
    /// Auto mode is on with this image.
    image: Option<Arc<LoadedImage>>,
    present: BTreeMap<DeviceId, Device>,
    flashed: HashMap<DeviceId, Flashed>,
}

impl AutoFlash {
    /// Turns auto mode on with `image`, or off; returns the boards on the bus to flash now.
    pub fn set_image(&mut self, image: Option<Arc<LoadedImage>>) -> Vec<Device> {
        self.image = image;
        self.waiting()
    }

    /// The boards on the bus auto mode would flash now (not flashed since plugged in).
    pub fn waiting(&self) -> Vec<Device> {
        self.present
            .values()
            .filter(|d| self.wants(d))
            .cloned()
            .collect()
    }

    /// A board appeared; returns it if auto mode should flash it.
    pub fn added(&mut self, device: &Device) -> Option<Device> {
        self.present.insert(device.id.clone(), device.clone());
        match (self.flashed.get(&device.id), device.mode) {
            (Some(Flashed::AwaitingReenumeration), InterfaceMode::Dfu) => {
                self.flashed.insert(device.id.clone(), Flashed::Settled);
            }
            (Some(_), InterfaceMode::Runtime) => {
                self.flashed.remove(&device.id);
            }
            _ => {}
        }
        self.wants(device).then(|| device.clone())
    }

    /// A board left the bus.
    pub fn removed(&mut self, id: &DeviceId) {
        self.present.remove(id);
        if self.flashed.get(id) == Some(&Flashed::Settled) {
            self.flashed.remove(id);
        }
    }

    /// A flash started on `device` (asked for or automatic): not again until replugged.
    pub fn started(&mut self, device: &Device) {
        let flashed = match device.mode {
            InterfaceMode::Runtime => Flashed::AwaitingReenumeration,
            InterfaceMode::Dfu => Flashed::Settled,
        };
        self.flashed.insert(device.id.clone(), flashed);
    }

    /// The image, if auto mode is on.
    pub fn image(&self) -> Option<&Arc<LoadedImage>> {
        self.image.as_ref()
    }

    fn wants(&self, device: &Device) -> bool {
        self.image
            .as_ref()
            .is_some_and(|image| image.mismatch(device).is_none())
            && self.present.contains_key(&device.id)
            && !self.flashed.contains_key(&device.id)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use firmware::{FirmwareImage, FlashFile, PackOptions, pack};

    fn image() -> Arc<LoadedImage> {
        let file = pack(
            &[FlashFile {
                address: 0x10000,
                name: "app.bin".into(),
                data: vec![0x5A; 100],
            }],
            &PackOptions::default(),
        )
        .unwrap();
        Arc::new(LoadedImage {
            path: PathBuf::from("dfu.bin"),
            image: FirmwareImage::describe(&file).unwrap(),
            file,
        })
    }

    fn board(path: &str, pid: u16, mode: InterfaceMode) -> Device {
        Device {
            id: DeviceId {
                source: "demo",
                path: path.into(),
            },
            vid: 0x303A,
            pid,
            mode,
            serial: "0".into(),
        }
    }

    /// Feeds `added` and records what auto mode starts, as the station thread does.
    fn plug(auto: &mut AutoFlash, device: &Device) -> bool {
        let start = auto.added(device);
        if let Some(device) = &start {
            auto.started(device);
        }
        start.is_some()
    }

    #[test]
    fn each_plug_in_is_flashed_once_and_re_enumeration_is_not_a_plug_in() {
        let mut auto = AutoFlash::default();
        let s2 = board("1-1", 0x0002, InterfaceMode::Runtime);
        let s2_dfu = board("1-1", 0x0002, InterfaceMode::Dfu);
        assert!(!plug(&mut auto, &s2), "auto mode is off");
        assert_eq!(auto.set_image(Some(image())), vec![s2.clone()]);
        auto.started(&s2);

        // DETACH: the board leaves and comes back in DFU mode: the same board.
        auto.removed(&s2.id);
        assert!(!plug(&mut auto, &s2_dfu));
        // It stays plugged: nothing more; toggling auto mode does not flash it again.
        assert!(auto.set_image(Some(image())).is_empty());
        // Unplugged and plugged in again (download boot): a new attempt.
        auto.removed(&s2.id);
        assert!(plug(&mut auto, &s2));
        // A board plugged in straight in DFU mode, flashed, unplugged and replugged.
        let dfu_board = board("1-2", 0x0002, InterfaceMode::Dfu);
        assert!(plug(&mut auto, &dfu_board));
        auto.removed(&dfu_board.id);
        assert!(plug(&mut auto, &dfu_board));
    }

    #[test]
    fn boards_of_another_chip_are_left_alone() {
        let mut auto = AutoFlash::default();
        auto.set_image(Some(image()));
        assert!(!plug(
            &mut auto,
            &board("1-3", 0x0009, InterfaceMode::Runtime)
        ));
        assert!(plug(
            &mut auto,
            &board("1-4", 0x0002, InterfaceMode::Runtime)
        ));
    }

    #[test]
    fn a_board_flashed_by_hand_is_not_flashed_again_by_auto_mode() {
        let mut auto = AutoFlash::default();
        let s2 = board("1-1", 0x0002, InterfaceMode::Dfu);
        auto.added(&s2);
        auto.started(&s2);
        assert!(auto.set_image(Some(image())).is_empty());
        auto.set_image(None);
        auto.removed(&s2.id);
        assert!(!plug(&mut auto, &s2), "auto mode is off");
    }
}
