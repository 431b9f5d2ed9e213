// On Windows the app is a GUI program, so a double-click opens no console window; the
// command line still prints, to the terminal it was started from (see below).
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(windows)]
    attach_parent_console();
    dfu_station::cli::run()
}

/// A GUI-subsystem program starts without a console. Started from a terminal
/// (`dfu-station list`), it writes to that terminal; double-clicked, there is none and
/// the call fails harmlessly.
#[cfg(windows)]
fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: a Win32 call without pointers; failing (no parent console) is fine.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}
