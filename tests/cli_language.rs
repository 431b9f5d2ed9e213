//! The command line speaks the language `DFU_STATION_LANG` names: sentences for people
//! in Chinese, while failure codes and `--json` output stay ASCII English for scripts.

use std::process::Command;

const DFU_STATION: &str = env!("CARGO_BIN_EXE_dfu-station");

#[test]
fn a_refused_file_is_explained_in_chinese_with_its_code_in_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("firmware.bin");
    std::fs::write(&file, b"not firmware").unwrap();
    let info = |json: bool| {
        let mut command = Command::new(DFU_STATION);
        command
            .env("DFU_STATION_LANG", "zh-CN")
            .arg("info")
            .arg(&file);
        if json {
            command.arg("--json");
        }
        command.output().unwrap()
    };

    let text = info(false);
    assert_eq!(text.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&text.stderr);
    assert!(stderr.contains("：无效（too-short）"), "{stderr}");
    assert!(
        stderr.contains("请确认选对了文件，并且文件已完整复制。"),
        "{stderr}"
    );

    let json = info(true);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["error"]["code"], "too-short");
    assert_eq!(
        report["error"]["advice"],
        "Check that the right file was picked and that it was copied completely."
    );
}
