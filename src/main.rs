//! `dfu-station`: the command line, and the window when started without a command.
//!
//! On Windows this is a console program, so cmd and PowerShell wait for it and see its
//! exit code in `%ERRORLEVEL%` / `$LASTEXITCODE`; shortcuts start `dfu-station-app.exe`,
//! which opens the window without a console.

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(windows)]
    leave_own_console();
    dfu_station::cli::run()
}

/// Double-clicked in Explorer, a console program gets a console window of its own: with
/// no command to run (the window opens) it is let go at once. A console shared with
/// the shell that started the program is kept.
#[cfg(windows)]
fn leave_own_console() {
    use windows_sys::Win32::System::Console::{FreeConsole, GetConsoleProcessList};
    if std::env::args_os().len() > 1 {
        return;
    }
    let mut processes = [0u32; 2];
    // SAFETY: the buffer is valid for the length given; the call writes at most that.
    let attached = unsafe { GetConsoleProcessList(processes.as_mut_ptr(), 2) };
    if attached == 1 {
        // SAFETY: a Win32 call without arguments; the console is this process's alone.
        unsafe {
            FreeConsole();
        }
    }
}
