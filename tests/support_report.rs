#![cfg(all(feature = "umockdev", target_os = "linux"))]
//! What a support request carries, on an emulated ESP32-S2 behind the real libusb:
//! `-v` traces the DFU conversation on stderr, and `dfu-station report` after a flash
//! holds the board's descriptors and the flash's state sequence, and no firmware.

mod common;

use common::harness::run;
use common::vector;

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

#[test]
fn verbose_flash_traces_the_dfu_conversation() {
    let state = tempfile::tempdir().unwrap();
    let state = state.path().display();
    let file = vector("1/dfu.bin");
    let file = file.to_str().unwrap();
    let quiet = run(
        &["--board", "s2@1-1:xfer=1024,erase=0"],
        &[
            "sh",
            "-c",
            &format!("XDG_STATE_HOME='{state}' {DFU_STATION} flash {file}"),
        ],
    );
    let loud = run(
        &["--board", "s2@1-1:xfer=1024,erase=0"],
        &[
            "sh",
            "-c",
            &format!("XDG_STATE_HOME='{state}' {DFU_STATION} -v flash {file}"),
        ],
    );
    assert_eq!((quiet.code, loud.code), (0, 0), "{}", loud.output());
    assert!(!quiet.stderr.contains("GETSTATUS"), "{}", quiet.output());
    for seen in [
        "DETACH",
        "DNLOAD",
        "GETSTATUS",
        "dfuDNLOAD-IDLE",
        "dfuMANIFEST",
    ] {
        assert!(loud.stderr.contains(seen), "{seen}: {}", loud.output());
    }
}

#[test]
fn a_report_after_a_flash_holds_descriptors_and_states() {
    let state = tempfile::tempdir().unwrap();
    let file = vector("1/dfu.bin");
    let script = format!(
        "export XDG_STATE_HOME='{dir}'; {DFU_STATION} flash '{file}' && {DFU_STATION} report -o '{dir}/r.txt' && cat '{dir}/r.txt' && {{ {DFU_STATION} report -o '{dir}/r.txt'; echo \"again: $?\"; }}",
        dir = state.path().display(),
        file = file.display(),
    );
    let ran = run(
        &["--board", "s2@1-1:xfer=1024,erase=0"],
        &["sh", "-c", &script],
    );
    assert_eq!(ran.code, 0, "{}", ran.output());
    let report = &ran.stdout;
    for part in [
        "DFU Station support report",
        "libusb: 1.",
        // The board in DFU mode after the flash, descriptors in full: the DFU interface
        // and its functional descriptor (type 0x21) as raw bytes.
        "idVendor 0x303a idProduct 0x0002",
        "class 0xfe/0x01/0x02",
        "extra [09 21",
        // The flash and its state sequence, from DETACH to manifestation.
        "== Last flashes (1, oldest first) ==",
        "PASS",
        "DETACH",
        "dfuIDLE",
        "dfuDNLOAD-IDLE",
        "dfuMANIFEST",
        "requests left out",
    ] {
        assert!(report.contains(part), "{part:?} missing from:\n{report}");
    }
    assert!(report.contains("SHA-256"), "{report}");
    // An existing report is never overwritten.
    assert!(report.ends_with("again: 2\n"), "{report}");
    assert!(ran.stderr.contains("exists"), "{}", ran.output());
}
