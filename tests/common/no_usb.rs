//! Making libusb really fail to start, as it does on a machine where it cannot: libusb
//! needs file descriptors of its own (event, timer and udev monitor descriptors), and a
//! process whose file-descriptor limit leaves none gets libusb's own error.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// The soft limit on file descriptors that leaves exactly one spare to a freshly started
/// program (its standard streams are 0, 1 and 2): enough for the dynamic loader, which
/// opens one library at a time, and too few for libusb, which needs several at once.
const ONE_SPARE: libc::rlim_t = 4;

/// Makes `command` start with one spare file descriptor, so that libusb cannot start.
pub fn without_usb(command: &mut Command) -> &mut Command {
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe { command.pre_exec(|| set_soft_limit(ONE_SPARE)) }
}

/// Runs `start` with no spare file descriptor in this process, then restores the limit.
/// Other threads cannot open files meanwhile: call it only in a test that runs alone in
/// its process.
pub fn with_no_spare_descriptor<T>(start: impl FnOnce() -> T) -> T {
    let before = limits().expect("the file-descriptor limit").rlim_cur;
    // The lowest free descriptor is what the next open would get: allow none from it.
    let lowest_free = std::fs::File::open("/dev/null").map(|file| {
        use std::os::fd::AsRawFd;
        file.as_raw_fd() as libc::rlim_t
    });
    set_soft_limit(lowest_free.expect("a free file descriptor")).expect("lower the limit");
    let result = start();
    set_soft_limit(before).expect("restore the limit");
    result
}

fn limits() -> std::io::Result<libc::rlimit> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes `limit`, a valid rlimit.
    match unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } {
        0 => Ok(limit),
        _ => Err(std::io::Error::last_os_error()),
    }
}

fn set_soft_limit(soft: libc::rlim_t) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: soft,
        ..limits()?
    };
    // SAFETY: setrlimit only reads `limit`, a valid rlimit.
    match unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}
