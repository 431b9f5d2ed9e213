//! The launcher the Windows shortcuts start: a GUI-subsystem program (no console window)
//! that starts `dfu-station` beside it, without a console, with the same arguments (the
//! window, or `--profile line3.toml`). Elsewhere it does the same, harmlessly.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let started = std::env::current_exe().and_then(|exe| {
        let mut command = Command::new(exe.with_file_name(APP));
        command.args(std::env::args_os().skip(1));
        without_console(&mut command);
        command.spawn()
    });
    match started {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            i18n::set(i18n::detect(None));
            let error = error.to_string();
            tell(&i18n::t!("start-app-failed", app = APP, error = error));
            ExitCode::FAILURE
        }
    }
}

/// The program that opens the window, next to this one.
const APP: &str = if cfg!(windows) {
    "dfu-station.exe"
} else {
    "dfu-station"
};

#[cfg(windows)]
fn without_console(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    /// `CREATE_NO_WINDOW`: a console program run without a console window.
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    command.creation_flags(CREATE_NO_WINDOW);
}

#[cfg(not(windows))]
fn without_console(_command: &mut Command) {}

/// Says why nothing opened: in a message box on Windows (there is no terminal).
#[cfg(windows)]
fn tell(message: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{MB_ICONERROR, MB_OK, MessageBoxW};
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let (text, caption) = (wide(message), wide("DFU Station")); // not for people: the product's name as the dialog's title
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call.
    unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            text.as_ptr(),
            caption.as_ptr(),
            MB_OK | MB_ICONERROR,
        );
    }
}

#[cfg(not(windows))]
fn tell(message: &str) {
    eprintln!("{message}");
}
