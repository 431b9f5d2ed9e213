//! One crafted file per way a DFU file can be wrong: each gets its own error, its own
//! message, and exit code 2 from `dfu-station info`.

mod common;

use common::{Item, archive, esp_body, esp_file, index, resuffix, suffixed, vector};
use firmware::{ESPRESSIF_VID, FirmwareError, FirmwareImage, Warning};

fn vector1() -> Vec<u8> {
    std::fs::read(vector("1/dfu.bin")).unwrap()
}

/// Offset of the second CPIO header in vector 1 (after dfuinfo0.dat).
const SECOND_HEADER: usize = 0x1dc;

/// `file` with one byte of its first region's data flipped (and a fresh suffix).
fn corrupt_first_part(mut file: Vec<u8>) -> Vec<u8> {
    let at = FirmwareImage::describe(&file).unwrap().regions[0].parts[0].payload_offset;
    file[at] ^= 0xFF;
    resuffix(&file)
}

/// The start of a 32-bit little-endian Xtensa ELF file, as `build/app.elf` begins.
fn elf() -> Vec<u8> {
    let mut elf = b"\x7fELF\x01\x01\x01".to_vec();
    elf.extend([0u8; 9]);
    elf.extend([2, 0, 94, 0]); // ET_EXEC, EM_XTENSA
    elf.extend([0u8; 300]);
    elf
}

/// An ESP-IDF application image for ESP32-S3: 0xE9, then its header with chip ID 9.
fn s3_app_image() -> Vec<u8> {
    let mut app = vec![
        0xE9, 0x03, 0x02, 0x20, 0x00, 0x00, 0x38, 0x40, 0xEE, 0, 0, 0, 9, 0,
    ];
    app.extend([0x55; 500]);
    app
}

fn crafted() -> Vec<(&'static str, Vec<u8>)> {
    let app = Item::file("app.bin", 0x10000, &[7; 100]);
    let params = Item::params(4 << 20);
    vec![
        ("too-short", Vec::new()),
        ("too-short", b"0123456789".to_vec()),
        (
            "no-suffix",
            b"just some text that is long enough to hold a suffix".to_vec(),
        ),
        ("raw-esp-app", {
            let mut raw = vec![0xE9, 0x03, 0x02, 0x20];
            raw.extend([0x55; 200]);
            raw
        }),
        ("elf-file", elf()),
        ("suffix-crc-mismatch", {
            let mut f = vector1();
            f[0x300] ^= 1;
            f
        }),
        ("bad-suffix-length", {
            let mut f = vector1();
            let n = f.len();
            f[n - 5] = 17;
            let crc = firmware::jamcrc(&f[..n - 4]);
            f[n - 4..].copy_from_slice(&crc.to_le_bytes());
            f
        }),
        (
            "not-cpio",
            suffixed(vec![0xE9; 4096], ESPRESSIF_VID, 0x0002),
        ),
        ("cpio-bad-magic", {
            let mut f = vector1();
            f[SECOND_HEADER + 5] = b'7';
            resuffix(&f)
        }),
        ("cpio-bad-hex-field", {
            let mut f = vector1();
            f[6 + 8 * 6 + 3] = b'z';
            resuffix(&f)
        }),
        (
            "cpio-truncated",
            suffixed(vector1()[..SECOND_HEADER + 40].to_vec(), ESPRESSIF_VID, 2),
        ),
        ("cpio-bad-name", {
            let mut f = vector1();
            // The NUL after "dfuinfo0.dat" (namesize 13) becomes a letter.
            f[110 + 12] = b'X';
            resuffix(&f)
        }),
        ("cpio-size-past-end", {
            let mut f = vector1();
            f[6 + 8 * 6..6 + 8 * 7].copy_from_slice(b"00100000");
            resuffix(&f)
        }),
        (
            "index-missing",
            suffixed(archive(&[(b"app.bin", &[1; 16])]), ESPRESSIF_VID, 2),
        ),
        ("index-size", {
            let mut idx = index(&[app.record()]);
            idx.pop();
            suffixed(
                archive(&[(b"dfuinfo0.dat", &idx), (b"app.bin", &app.data)]),
                ESPRESSIF_VID,
                2,
            )
        }),
        ("index-count-mismatch", {
            let idx = index(&[app.record()]);
            suffixed(
                archive(&[
                    (b"dfuinfo0.dat", &idx),
                    (b"app.bin", &app.data),
                    (b"extra.bin", &[1; 4]),
                ]),
                ESPRESSIF_VID,
                2,
            )
        }),
        ("index-name-mismatch", {
            let boot = Item::file("boot.bin", 0x1000, &[3; 10]);
            let idx = index(&[app.record(), boot.record()]);
            suffixed(
                archive(&[
                    (b"dfuinfo0.dat", &idx),
                    (b"boot.bin", &boot.data),
                    (b"app.bin", &app.data),
                ]),
                ESPRESSIF_VID,
                2,
            )
        }),
        (
            "index-name-not-terminated",
            esp_file(&[Item::file(&"n".repeat(64), 0x10000, &[1; 8])]),
        ),
        ("md5-mismatch", {
            corrupt_first_part(esp_file(&[params, app]))
        }),
        (
            "bad-flash-params",
            esp_file(&[Item {
                data: vec![0; 16],
                ..Item::params(0)
            }]),
        ),
        (
            "overlapping-regions",
            esp_file(&[
                Item::file("a.bin", 0x1000, &[1; 0x2000]),
                Item::file("b.bin", 0x2000, &[2; 0x100]),
            ]),
        ),
        (
            "region-past-flash",
            esp_file(&[
                Item::params(4 << 20),
                Item::file("big.bin", 0x3F_F000, &[1; 0x2000]),
            ]),
        ),
        (
            "address-overflow",
            esp_file(&[Item::file("wrap.bin", 0xFFFF_F000, &[1; 0x2000])]),
        ),
    ]
}

#[test]
fn every_error_has_its_own_code_and_message() {
    let cases = crafted();
    let mut messages = std::collections::HashMap::new();
    for (expected, bytes) in &cases {
        let error = FirmwareImage::describe(bytes).expect_err(expected);
        assert_eq!(error.code(), *expected, "{error}");
        let message = error.to_string();
        assert!(
            message.len() > 40,
            "{expected}: message too thin: {message}"
        );
        messages.entry(error.code()).or_insert(message);
    }
    let distinct: std::collections::HashSet<_> = messages.values().collect();
    assert_eq!(
        distinct.len(),
        messages.len(),
        "messages must differ per error"
    );
    assert_eq!(messages.len(), 22, "one crafted file per error variant");
}

#[test]
fn info_exits_2_with_the_error_for_every_crafted_file() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (expected, bytes)) in crafted().iter().enumerate() {
        let path = dir.path().join(format!("{i}-{expected}.bin"));
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dfu-station"))
            .env("DFU_STATION_LANG", "en")
            .args(["info", "--json"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{expected}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["valid"], false);
        assert_eq!(report["error"]["code"], *expected);
        let text = std::process::Command::new(env!("CARGO_BIN_EXE_dfu-station"))
            .env("DFU_STATION_LANG", "en")
            .arg("info")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(text.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&text.stderr);
        assert!(stderr.contains("INVALID"), "{expected}: {stderr}");
    }
}

#[test]
fn md5_mismatch_names_the_entry() {
    let file = corrupt_first_part(esp_file(&[Item::file("app.bin", 0x10000, &[7; 100])]));
    match FirmwareImage::describe(&file) {
        Err(FirmwareError::Md5Mismatch { name, .. }) => assert_eq!(name, "app.bin"),
        other => panic!("expected an MD5 mismatch, got {other:?}"),
    }
}

#[test]
fn reordered_index_says_so() {
    let a = Item::file("a.bin", 0x1000, &[1; 4]);
    let b = Item::file("b.bin", 0x2000, &[2; 4]);
    let idx = index(&[b.record(), a.record()]);
    let file = suffixed(
        archive(&[
            (b"dfuinfo0.dat", &idx),
            (b"a.bin", &a.data),
            (b"b.bin", &b.data),
        ]),
        ESPRESSIF_VID,
        2,
    );
    let message = FirmwareImage::describe(&file).unwrap_err().to_string();
    assert!(message.contains("another order"), "{message}");
}

#[test]
fn non_esp_file_with_valid_suffix_is_a_generic_image() {
    let file = suffixed(b"\x00\x01 any firmware at all".to_vec(), 0x0483, 0xDF11);
    let image = FirmwareImage::describe(&file).unwrap();
    assert_eq!(image.kind.as_str(), "generic");
    assert_eq!(image.chip(), None);
    assert_eq!(image.payload_len, file.len() - 16);
    assert!(image.regions.is_empty());
    assert!(image.fits_device(0x0483, 0xDF11));
    assert!(!image.fits_device(0x0483, 0x0001));
}

#[test]
fn warnings_for_valid_but_notable_files() {
    let any = suffixed(
        esp_body(&[Item::params(4 << 20), Item::file("a.bin", 0, &[1; 8])]),
        ESPRESSIF_VID,
        0xFFFF,
    );
    let image = FirmwareImage::describe(&any).unwrap();
    assert_eq!(image.warnings, vec![Warning::AnyChip]);
    assert!(image.fits_device(ESPRESSIF_VID, 0x0009));

    let old = esp_file(&[Item::file("a.bin", 0, &[1; 8])]);
    assert_eq!(
        FirmwareImage::describe(&old).unwrap().warnings,
        vec![Warning::NoFlashParams]
    );

    let big = esp_file(&[
        Item::params(4 << 20),
        Item::file("big.bin", 0x10000, &vec![1; 600 * 1024]),
    ]);
    assert_eq!(
        FirmwareImage::describe(&big).unwrap().warnings,
        vec![Warning::LongErase {
            name: "big.bin".into(),
            size: 600 * 1024
        }]
    );

    let mut body = esp_body(&[Item::params(4 << 20), Item::file("a.bin", 0, &[1; 8])]);
    body.extend_from_slice(b"junk");
    let junk = FirmwareImage::describe(&suffixed(body, ESPRESSIF_VID, 2)).unwrap();
    assert_eq!(junk.warnings, vec![Warning::DataAfterTrailer { bytes: 4 }]);
    for w in [
        Warning::AnyChip,
        Warning::NoFlashParams,
        Warning::DataAfterTrailer { bytes: 4 },
    ] {
        assert!(w.to_string().len() > 40);
    }
}

/// An app image or an ELF file, the files a build leaves beside dfu.bin, are named as what
/// they are, with the exact command that makes a dfu.bin from them.
#[test]
fn an_app_image_or_elf_file_gets_the_command_that_packs_it() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "hello world.bin",
            s3_app_image(),
            "raw ESP application image for ESP32-S3",
            "dfu-station pack -o dfu.bin --chip esp32s3 0x10000 '",
        ),
        ("app.elf", elf(), "This is an ELF file", "idf.py dfu"),
    ];
    for (name, bytes, what, command) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        for args in [&["info"][..], &["flash"][..]] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_dfu-station"))
                .env("DFU_STATION_LANG", "en")
                .args(args)
                .arg(&path)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(what), "{stderr}");
            assert!(stderr.contains("Make a dfu.bin from it: "), "{stderr}");
            assert!(stderr.contains(command), "{stderr}");
            // The path is one shell word, quoted as needed.
            assert!(
                stderr.contains(&format!("{}'", path.display())) || !name.contains(' '),
                "{stderr}"
            );
        }
    }
}
