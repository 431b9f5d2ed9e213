//! The native file pickers (rfd) the window asks the station to show: the station runs
//! them on a thread of its own, so the window never waits on a dialog.

use crate::station::Picker;

/// The picker for a DFU file to flash.
pub fn dfu_file() -> Picker {
    Box::new(|| {
        rfd::FileDialog::new()
            .set_title("Open a DFU file")
            .add_filter("DFU file", &["bin", "dfu"])
            .add_filter("Any file", &["*"])
            .pick_file()
    })
}

/// The picker for a binary to pack, titled `title`.
pub fn binary(title: &'static str) -> Picker {
    Box::new(move || {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter("Binary file", &["bin"])
            .add_filter("Any file", &["*"])
            .pick_file()
    })
}
