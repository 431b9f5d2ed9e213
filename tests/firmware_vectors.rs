//! ESP-IDF's own mkdfu test vectors: described correctly and re-packed byte for byte.

mod common;

use common::vector;
use firmware::{Chip, FirmwareImage, FlashFile, PackOptions, pack};

fn describe(path: &str) -> FirmwareImage {
    FirmwareImage::describe(&std::fs::read(vector(path)).unwrap()).unwrap()
}

#[test]
fn vector_1_describes_three_regions_for_esp32_s2() {
    let image = describe("1/dfu.bin");
    assert_eq!(image.chip(), Some(Chip::Esp32S2));
    assert_eq!(image.flash_size, Some(4 * 1024 * 1024));
    let layout: Vec<_> = image
        .regions
        .iter()
        .map(|r| (r.address, r.size, r.name.as_str(), r.parts.len()))
        .collect();
    assert_eq!(
        layout,
        vec![
            (0x1000, 1024, "1.bin", 1),
            (0x8000, 2048, "2.bin", 1),
            (0x10000, 3072, "3.bin", 1)
        ]
    );
    assert_eq!(image.payload_len, 10240);
    assert!(image.warnings.is_empty());
}

#[test]
fn vector_2_joins_its_two_parts_into_one_region() {
    let image = describe("2/dfu.bin");
    assert_eq!(image.regions.len(), 1);
    let region = &image.regions[0];
    assert_eq!(
        (region.name.as_str(), region.address, region.size),
        ("bin", 0, 10)
    );
    let parts: Vec<_> = region
        .parts
        .iter()
        .map(|p| (p.name.as_str(), p.address, p.size))
        .collect();
    assert_eq!(parts, vec![("bin", 0, 5), ("bin.1", 5, 5)]);
}

#[test]
fn pack_reproduces_vector_1_byte_for_byte() {
    let files: Vec<FlashFile> = [(0x1000, "1.bin"), (0x8000, "2.bin"), (0x10000, "3.bin")]
        .into_iter()
        .map(|(address, name)| FlashFile {
            address,
            name: name.into(),
            data: std::fs::read(vector(&format!("1/{name}"))).unwrap(),
        })
        .collect();
    let options = PackOptions {
        pid: 2,
        flash_size: 4 << 20,
        ..PackOptions::default()
    };
    assert_eq!(
        pack(&files, &options).unwrap(),
        std::fs::read(vector("1/dfu.bin")).unwrap()
    );
}

#[test]
fn pack_reproduces_vector_2_byte_for_byte() {
    let files = [FlashFile {
        address: 0,
        name: "bin".into(),
        data: vec![0xCE; 10],
    }];
    let options = PackOptions {
        pid: 2,
        flash_size: 4 << 20,
        part_size: 5,
    };
    assert_eq!(
        pack(&files, &options).unwrap(),
        std::fs::read(vector("2/dfu.bin")).unwrap()
    );
}

#[test]
fn pack_cli_reproduces_vector_1_from_flasher_args_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    for name in ["1.bin", "2.bin", "3.bin"] {
        std::fs::copy(
            vector(&format!("1/{name}")),
            dir.path().join("bin").join(name),
        )
        .unwrap();
    }
    let json = dir.path().join("flasher_args.json");
    std::fs::write(
        &json,
        r#"{"flash_files": {"0x10000": "bin/3.bin", "0x1000": "bin/1.bin", "0x8000": "bin/2.bin"}}"#,
    )
    .unwrap();
    let out = dir.path().join("dfu.bin");
    // As espflash and esptool name chips, with the JSON report every command gives.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_dfu-station"))
        .env("DFU_STATION_LANG", "en")
        .args([
            "pack",
            "--chip",
            "esp32s2",
            "--flash-size",
            "4MB",
            "--json",
            "-o",
        ])
        .arg(&out)
        .arg("--flasher-args")
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["chip"], "ESP32-S2");
    assert_eq!(report["regions"].as_array().unwrap().len(), 3);
    assert_eq!(
        std::fs::read(out).unwrap(),
        std::fs::read(vector("1/dfu.bin")).unwrap()
    );
}

#[test]
fn info_json_reports_vector_1() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dfu-station"))
        .env("DFU_STATION_LANG", "en")
        .args(["info", "--json"])
        .arg(vector("1/dfu.bin"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["kind"], "esp");
    assert_eq!(report["chip"], "ESP32-S2");
    assert_eq!(report["flash_size"], 4194304);
    assert_eq!(report["vid"], 0x303A);
    assert_eq!(report["pid"], 2);
    let regions: Vec<(u64, u64)> = report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["address"].as_u64().unwrap(), r["size"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        regions,
        vec![(0x1000, 1024), (0x8000, 2048), (0x10000, 3072)]
    );
    assert_eq!(
        report["regions"][0]["md5"][0],
        "f644c7b9a99eddad961b9d8258e06205"
    );
    assert_eq!(report["payload_bytes"], 10240);
    assert!(report["error"].is_null());
}

#[test]
fn bad_command_lines_exit_2() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dfu-station"))
            .env("DFU_STATION_LANG", "en")
            .args(args)
            .output()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let never_written = dir.path().join("never-written.bin");
    let odd = run(&[
        "pack",
        "-o",
        never_written.to_str().unwrap(),
        "--pid",
        "2",
        "0x1000",
    ]);
    assert_eq!(odd.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&odd.stderr).contains("pairs"));
    assert!(!never_written.exists());
    assert_eq!(
        run(&["info", "/nonexistent/dfu.bin"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["pack", "-o", "x", "--pid", "zz"]).status.code(),
        Some(2)
    );
    let unknown_chip = run(&["pack", "-o", "x", "--chip", "esp8266"]);
    assert_eq!(unknown_chip.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown_chip.stderr).contains("esp32s2, esp32s3"));
    let both = run(&["pack", "-o", "x", "--chip", "esp32s2", "--pid", "2"]);
    assert_eq!(both.status.code(), Some(2));
    assert_eq!(run(&["pack", "-o", "x"]).status.code(), Some(2));
}
