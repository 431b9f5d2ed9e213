//! ESP-IDF's NVS Partition Generator (PyPI `esp-idf-nvs-partition-gen`, installed by
//! `bash tests/run.sh --deps`), the reference NVS images are compared with. Its absence
//! fails the test with how to install it: these tests never skip.

use std::path::Path;
use std::process::Command;

/// The generator's image of `csv` for a partition of `size` bytes in NVS format
/// `version` (`"1"` or `"2"`), made in `dir` (where `file` rows are read from), or its
/// complaint when it refuses.
pub fn reference_nvs(dir: &Path, csv: &str, size: u32, version: &str) -> Result<Vec<u8>, String> {
    let present = Command::new("python3")
        .args(["-c", "import esp_idf_nvs_partition_gen"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        present,
        "ESP-IDF's NVS Partition Generator is missing (python3 cannot import \
         esp_idf_nvs_partition_gen): run `bash tests/run.sh --deps`"
    );
    std::fs::write(dir.join("in.csv"), csv).unwrap();
    let out = dir.join("out.bin");
    let _ = std::fs::remove_file(&out);
    let run = Command::new("python3")
        .args([
            "-m",
            "esp_idf_nvs_partition_gen",
            "generate",
            "in.csv",
            "out.bin",
        ])
        .arg(format!("{size:#x}"))
        .args(["--version", version])
        .current_dir(dir)
        .output()
        .unwrap();
    let image = std::fs::read(&out).unwrap_or_default();
    match run.status.success() && !image.is_empty() {
        true => Ok(image),
        false => Err(String::from_utf8_lossy(&run.stderr).into_owned()),
    }
}
