//! `dfu-station provision`: NVS images and values-file checks from the command line.

use std::process::{Command, Output};

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

fn dfu_station(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(DFU_STATION)
        .env("DFU_STATION_LANG", "en")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn provision_nvs_writes_the_library_image_and_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "key,type,encoding,value\napp,namespace,,\nserial,data,string,SN1\nblob,file,binary,b.bin\n";
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    std::fs::write(dir.path().join("b.bin"), [7u8; 5000]).unwrap();
    let out = dfu_station(
        dir.path(),
        &["provision", "nvs", "in.csv", "0x6000", "-o", "nvs.bin"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("Wrote nvs.bin: an NVS partition image of 0x6000 bytes"));
    let written = std::fs::read(dir.path().join("nvs.bin")).unwrap();
    let expected = firmware::nvs::generate_csv(
        csv.as_bytes(),
        24576,
        firmware::nvs::Version::V2,
        &mut |_| Ok(vec![7u8; 5000]),
    )
    .unwrap();
    assert_eq!(written, expected);

    // The same size in decimal; an existing file is kept without --force.
    let again = dfu_station(
        dir.path(),
        &["provision", "nvs", "in.csv", "24576", "-o", "nvs.bin"],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already: give --force"));
    let forced = [
        "provision",
        "nvs",
        "in.csv",
        "24576",
        "-o",
        "nvs.bin",
        "--force",
    ];
    assert!(dfu_station(dir.path(), &forced).status.success());

    // Bad input: the CSV's line and column, exit 2, nothing written.
    std::fs::write(
        dir.path().join("bad.csv"),
        "key,type,encoding,value\napp,namespace,,\nn,data,u8,256\n",
    )
    .unwrap();
    let bad = dfu_station(
        dir.path(),
        &["provision", "nvs", "bad.csv", "0x3000", "-o", "bad.bin"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("bad.csv: line 3, column `value`: 256 does not fit u8"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!dir.path().join("bad.bin").exists());
    let size = dfu_station(
        dir.path(),
        &["provision", "nvs", "in.csv", "0x6800", "-o", "x.bin"],
    );
    assert_eq!(size.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&size.stderr).contains("not a multiple of 0x1000"));
}

#[test]
fn provision_check_lists_every_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        "device,namespace,\nserial,data,string\nrev,data,u8\nmac,data,hex2bin\ntoken,data,base64\n";
    std::fs::write(dir.path().join("config.csv"), config).unwrap();
    std::fs::write(
        dir.path().join("good.csv"),
        "serial,rev,mac,token\nSN1,1,a0b1,AAEC\nSN2,2,a0b2,AAED\n",
    )
    .unwrap();
    let good = dfu_station(
        dir.path(),
        &["provision", "check", "config.csv", "good.csv"],
    );
    assert_eq!(good.status.code(), Some(0), "{}", stdout(&good));
    assert_eq!(stdout(&good), "good.csv: 2 units, no problems\n");

    // Six kinds of bad rows: out of range, bad hex, bad base64, missing cells, a
    // duplicate id, an empty id.
    let values = "serial,rev,mac,token\n\
                  SN1,1,a0b1,AAEC\n\
                  SN2,300,a0b2,AAED\n\
                  SN3,3,a0zz,AAEE\n\
                  SN4,4,a0b4,!!!\n\
                  SN5,5\n\
                  SN1,6,a0b6,AAEF\n\
                  ,7,a0b7,AAEG\n";
    std::fs::write(dir.path().join("values.csv"), values).unwrap();
    let bad = dfu_station(
        dir.path(),
        &["provision", "check", "config.csv", "values.csv"],
    );
    assert_eq!(bad.status.code(), Some(2));
    let printed = stdout(&bad);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(
        lines,
        [
            "values.csv:3: column rev: 300 does not fit u8 (0 to 255)",
            "values.csv:4: column mac: `z` (character 3) is not a hex digit",
            "values.csv:5: column token: not valid base64 (Invalid symbol 33, offset 0.)",
            "values.csv:6: column mac: the row has 2 cells; the header has 4",
            "values.csv:7: column serial: id `SN1` is on row 2 already",
            "values.csv:8: column serial: the unit id is empty",
            "6 problems",
        ],
        "{printed}"
    );
}
