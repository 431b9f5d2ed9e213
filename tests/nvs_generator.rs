//! NVS images byte for byte against ESP-IDF's NVS Partition Generator (PyPI
//! `esp-idf-nvs-partition-gen`, installed by `bash tests/run.sh --deps`), run as
//! `python3 -m esp_idf_nvs_partition_gen generate IN.csv OUT.bin SIZE`. Without it these
//! tests fail: they never skip.

use std::path::Path;

use firmware::nvs::{self, NvsError, Version};
use proptest::prelude::*;

mod common;

/// The reference generator's image, or its complaint when it refuses.
fn python(dir: &Path, csv: &str, size: u32, version: Version) -> Result<Vec<u8>, String> {
    let version = match version {
        Version::V1 => "1",
        Version::V2 => "2",
    };
    common::nvs_gen::reference_nvs(dir, csv, size, version)
}

/// DFU Station's image, `file` rows read relative to `dir` as the generator does.
fn ours(dir: &Path, csv: &str, size: u32, version: Version) -> Result<Vec<u8>, NvsError> {
    nvs::generate_csv(csv.as_bytes(), size, version, &mut |path| {
        std::fs::read(dir.join(path))
    })
}

/// Both generators make the same bytes; returns them.
fn same(dir: &Path, csv: &str, size: u32, version: Version) -> Vec<u8> {
    let reference = python(dir, csv, size, version)
        .unwrap_or_else(|e| panic!("the reference generator refused:\n{e}\n{csv}"));
    let mine = ours(dir, csv, size, version).unwrap_or_else(|e| panic!("refused: {e}"));
    assert_eq!(mine.len(), reference.len(), "image length");
    if let Some(at) = (0..mine.len()).find(|&i| mine[i] != reference[i]) {
        panic!(
            "first difference at {at:#x} (page {}, byte {:#x}): ours {:02x?}, ESP-IDF's {:02x?}",
            at / 4096,
            at % 4096,
            &mine[at..(at + 8).min(mine.len())],
            &reference[at..(at + 8).min(mine.len())]
        );
    }
    mine
}

/// Both generators refuse; returns our error.
fn both_refuse(dir: &Path, csv: &str, size: u32) -> NvsError {
    assert!(
        python(dir, csv, size, Version::V2).is_err(),
        "the reference generator accepted:\n{csv}"
    );
    ours(dir, csv, size, Version::V2).expect_err("we accepted what ESP-IDF refuses")
}

const HEADER: &str = "key,type,encoding,value\n";

#[test]
fn every_type_and_encoding_in_several_namespaces() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{HEADER}# comment line\nints,namespace,,\n\
         u8min,data,u8,0\nu8max,data,u8,255\ni8min,data,i8,-128\ni8max,data,i8,127\n\
         u16max,data,u16,65535\ni16min,data,i16,-32768\nu32max,data,u32,4294967295\n\
         i32min,data,i32,-2147483648\nu64max,data,u64,18446744073709551615\n\
         i64min,data,i64,-9223372036854775808\nspaced,data,u16, 1_000 \n\
         text,namespace,,\n\
         empty,data,string,\nhello,data,string,\"Hello, \"\"world\"\"\"\n\
         utf8,data,string,Grüße ✓\nmultiline,data,string,\"two\nlines\"\n\
         blobs,namespace,,\n\
         hex,data,hex2bin,00112233445566778899aabbccddeeFF\nnohex,data,hex2bin,\n\
         b64,data,base64,SGVsbG8gTlZTIQ==\nbin,data,binary,plain bytes\n\
         fill,data,blob_fill(20;0xa5),serial\nszfill,data,blob_sz_fill(8;0x00),abc\n"
    );
    same(dir.path(), &csv, 0x6000, Version::V2);
    same(dir.path(), &csv, 0x6000, Version::V1);
    same(dir.path(), &csv.replace('\n', "\r\n"), 0x6000, Version::V2);
}

#[test]
fn long_strings_up_to_the_longest_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    for len in [31, 32, 1000, 2000, 3967] {
        let csv = format!(
            "{HEADER}app,namespace,,\nfirst,data,u8,1\ns,data,string,{}\nafter,data,u8,2\n",
            "x".repeat(len)
        );
        same(dir.path(), &csv, 0x4000, Version::V2);
    }
    let v1 = format!(
        "{HEADER}app,namespace,,\ns,data,string,{}\n",
        "x".repeat(1983)
    );
    same(dir.path(), &v1, 0x4000, Version::V1);
    for len in [3968, 3999, 4000, 4001] {
        let csv = format!(
            "{HEADER}app,namespace,,\ns,data,string,{}\n",
            "x".repeat(len)
        );
        let err = both_refuse(dir.path(), &csv, 0x4000);
        assert!(err.to_string().contains("at most 3968 fit"), "{err}");
    }
}

#[test]
fn blobs_span_pages_and_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + i / 255) as u8).collect();
    std::fs::write(dir.path().join("big.bin"), &big).unwrap();
    std::fs::write(
        dir.path().join("cert.pem"),
        "-----BEGIN-----\nabc\n-----END-----\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("key.hex"), " 0a0b0c0d \n").unwrap();
    std::fs::write(dir.path().join("key.b64"), "AAECAwQFBgcICQ==\n").unwrap();
    std::fs::write(dir.path().join("n.txt"), "4660\n").unwrap();
    let hex: String = big[..5000].iter().map(|b| format!("{b:02x}")).collect();
    let csv = format!(
        "{HEADER}files,namespace,,\nsmall,data,u8,9\nbig,file,binary,big.bin\n\
         cert,file,string,cert.pem\nkeyhex,file,hex2bin,key.hex\nkeyb64,file,base64,key.b64\n\
         number,file,u32,n.txt\nspread,data,hex2bin,{hex}\nlast,data,u8,1\n"
    );
    same(dir.path(), &csv, 0x8000, Version::V2);
    let missing = ours(
        dir.path(),
        &format!("{HEADER}f,namespace,,\nk,file,binary,nope.bin\n"),
        0x3000,
        Version::V2,
    );
    let kind = match missing {
        Err(NvsError::File { kind, .. }) => kind,
        other => panic!("{other:?}"),
    };
    assert_eq!(kind, std::io::ErrorKind::NotFound);
}

#[test]
fn a_nearly_full_partition_fits_and_one_entry_more_does_not() {
    let dir = tempfile::tempdir().unwrap();
    // 0x3000 bytes: two pages for data (126 entries each), the last page kept empty.
    let entries = |n: usize| {
        let mut csv = format!("{HEADER}full,namespace,,\n");
        (0..n).for_each(|i| csv.push_str(&format!("k{i},data,u8,{}\n", i % 256)));
        csv
    };
    same(dir.path(), &entries(251), 0x3000, Version::V2);
    let err = both_refuse(dir.path(), &entries(252), 0x3000);
    assert!(
        matches!(err, NvsError::Full { ref key, .. } if key == "k251"),
        "{err}"
    );
    // A blob whose last chunk fills the partition leaves no room for its index.
    let blob = |len: usize| {
        format!(
            "{HEADER}full,namespace,,\nb,data,hex2bin,{}\n",
            "ab".repeat(len)
        )
    };
    same(dir.path(), &blob(2 * 4000 - 200), 0x3000, Version::V2);
    both_refuse(dir.path(), &blob(2 * 4000), 0x3000);
}

#[test]
fn small_partitions_are_read_only_and_sizes_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("{HEADER}app,namespace,,\nn,data,u8,1\n");
    assert_eq!(same(dir.path(), &csv, 0x1000, Version::V2).len(), 0x1000);
    // The generator writes only the pages it fills below 0x3000.
    assert_eq!(same(dir.path(), &csv, 0x2000, Version::V2).len(), 0x1000);
    assert_eq!(same(dir.path(), &csv, 0x3000, Version::V2).len(), 0x3000);
    assert_eq!(same(dir.path(), HEADER, 0x3000, Version::V2).len(), 0x3000);
    assert!(matches!(
        both_refuse(dir.path(), &csv, 0x1800),
        NvsError::SizeNotPages { .. }
    ));
}

#[test]
fn wifi_keys_get_the_entries_the_generator_adds() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{HEADER}nvs.net80211,namespace,,\nap.ssid,data,binary,factory-ap\n\
         ap.passwd,data,binary,secret-passphrase\nap.authmode,data,u8,3\n\
         sta.ssid,data,binary,office\nsta.pswd,data,binary,hunter22\nap.ssid,data,binary,again\n"
    );
    same(dir.path(), &csv, 0x4000, Version::V2);
}

#[test]
fn what_the_generator_refuses_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (rows, expected) in [
        (
            "app,namespace,,\nn,data,u8,256\n",
            "256 does not fit u8 (0 to 255)",
        ),
        (
            "app,namespace,,\nn,data,i8,x\n",
            "`x` is not a whole number",
        ),
        (
            "app,namespace,,\nn,data,hex2bin,abc\n",
            "even number of hex digits",
        ),
        (
            "app,namespace,,\nn,data,hex2bin,zz\n",
            "`z` (character 1) is not a hex digit",
        ),
        ("app,namespace,,\nn,data,base64,SGk\n", "not valid base64"),
        (
            "app,namespace,,\nthis_key_is_too_long,data,u8,1\n",
            "at most 15",
        ),
        ("app,namespace,,\nn,data,u99,1\n", "unknown encoding `u99`"),
        ("app,namespace,,\nn,data,u8,\n", "`` is not a whole number"),
    ] {
        let err = both_refuse(dir.path(), &format!("{HEADER}{rows}"), 0x3000).to_string();
        assert!(err.starts_with("line 3, column `"), "{err}");
        assert!(err.contains(expected), "{err}");
    }
}

/// A row of a mix: its kind (0 `u32`, 1 `string`, 2 `hex2bin`, 3 `binary`), the length
/// of its string or blob (around an entry's 32 bytes and a page's 4 KiB), its `u32`.
type Row = (u8, usize, u32);

/// Mixes of 1 to 60 rows, in format 2 (three in four) or 1. Format 1 keeps a string or
/// blob on one page, at most 1984 bytes, so its rows are drawn from the lengths that fit.
fn mixes() -> impl Strategy<Value = (Version, Vec<Row>)> {
    prop_oneof![3 => Just(Version::V2), 1 => Just(Version::V1)].prop_flat_map(|version| {
        let lengths: &'static [usize] = match version {
            Version::V2 => &[0, 1, 31, 32, 33, 100, 500, 2000, 3000],
            Version::V1 => &[0, 1, 31, 32, 33, 100, 500],
        };
        let row = (0u8..4, prop::sample::select(lengths), 0u32..1 << 30);
        (Just(version), prop::collection::vec(row, 1..=60))
    })
}

proptest! {
    // Each case runs ESP-IDF's generator (a Python process).
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_mixes_land_on_the_same_page_boundaries((version, rows) in mixes()) {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from(HEADER);
        let mut used = 0;
        for (n, &(kind, len, value)) in rows.iter().enumerate() {
            if n % 20 == 0 {
                csv.push_str(&format!("ns{n},namespace,,\n"));
            }
            used += len + 64;
            let row = match kind {
                0 => format!("k{n},data,u32,{value}\n"),
                1 => format!("k{n},data,string,{}\n", "s".repeat(len)),
                2 => format!("k{n},data,hex2bin,{}\n", "5a".repeat(len)),
                _ => format!("k{n},data,binary,{}\n", "b".repeat(len)),
            };
            csv.push_str(&row);
        }
        let pages = (used / 3000 + 3) as u32;
        same(dir.path(), &csv, pages * 4096, version);
    }
}

#[test]
fn a_units_image_is_what_the_generator_makes_of_mfg_gens_csv() {
    use firmware::nvs::mfg::Units;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert-2.pem"), "unit two's certificate\n").unwrap();
    let config = "device,namespace,\nserial,data,string\nboard_rev,data,u16\nmac,data,hex2bin\n\
                  cert,file,string\nmodel,data,string,REPEAT\ncloud,namespace,\ntoken,data,base64\n";
    let values = "serial,board_rev,mac,cert,model,token\n\
                  SN-0001,3,a0b1c2d3e4f5,cert-1.pem,DS-1,AAEC\n\
                  SN-0002,4,a0b1c2d3e4f6,cert-2.pem,,AAED\n";
    std::fs::write(dir.path().join("cert-1.pem"), "unit one's certificate\n").unwrap();
    let mut read = |path: &str| std::fs::read(dir.path().join(path));
    let units = Units::parse(config.as_bytes(), values.as_bytes(), &mut read).unwrap();
    let unit = &units.units[1];
    assert_eq!(unit.id, "SN-0002");
    let image = units.image(unit, 0x6000, Version::V2, &mut read).unwrap();
    // The CSV mfg_gen writes for that unit (REPEAT filled in from the first row).
    let csv = "key,type,encoding,value\ndevice,namespace,,\nserial,data,string,SN-0002\n\
               board_rev,data,u16,4\nmac,data,hex2bin,a0b1c2d3e4f6\ncert,file,string,cert-2.pem\n\
               model,data,string,DS-1\ncloud,namespace,,\ntoken,data,base64,AAED\n";
    assert_eq!(image, same(dir.path(), csv, 0x6000, Version::V2));
}
