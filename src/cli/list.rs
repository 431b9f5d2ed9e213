//! `dfu-station list [--json]`: every DFU interface, one `dfu-util -l` line each.

use std::process::ExitCode;

use crate::usb::{DfuTarget, Pick, Usb, UsbError};

pub fn run(json: bool) -> ExitCode {
    // Without USB there is nothing to list: say why and exit cleanly.
    let targets = Usb::new()
        .and_then(|usb| usb.list())
        .unwrap_or_else(|error| {
            eprintln!("{error}");
            Vec::new()
        });
    warn_unopenable(&targets);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&targets).expect("serializable")
        );
    } else if targets.is_empty() {
        eprintln!("{}", Pick::NoMatch { present: 0 });
    } else {
        targets.iter().for_each(|target| println!("{target}"));
    }
    ExitCode::SUCCESS
}

/// One warning per device that could not be opened to read its strings.
fn warn_unopenable(targets: &[DfuTarget]) {
    let mut warned: Vec<(u8, u8)> = Vec::new();
    for target in targets {
        if let Some(error) = &target.open_error
            && !warned.contains(&(target.bus, target.devnum))
        {
            warned.push((target.bus, target.devnum));
            eprintln!("{}", cannot_open(target, error));
        }
    }
}

/// "Cannot open DFU device 303a:0002 at path 1-1: ..." with the advice.
pub(super) fn cannot_open(target: &DfuTarget, error: &UsbError) -> String {
    format!(
        "Cannot open DFU device {:04x}:{:04x} at path {}: {error}",
        target.vid, target.pid, target.path
    )
}
