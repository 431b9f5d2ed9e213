//! Properties: pack then describe round-trips any region set; no input makes the
//! reader panic (10,000 cases each).

mod common;

use common::vector;
use firmware::{FirmwareImage, FlashFile, PackOptions, pack};
use proptest::prelude::*;

/// Random non-overlapping files: (gap before, size, fill seed) laid out in order.
fn region_sets() -> impl Strategy<Value = Vec<(u32, usize, u8)>> {
    prop::collection::vec((0u32..0x4000, 1usize..3000, any::<u8>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn pack_then_describe_round_trips(set in region_sets(), part_size in 1u32..2048) {
        let mut address = 0u32;
        let files: Vec<FlashFile> = set
            .iter()
            .enumerate()
            .map(|(i, &(gap, size, seed))| {
                address += gap;
                let file = FlashFile {
                    address,
                    name: format!("f{i}.bin"),
                    data: (0..size).map(|j| seed.wrapping_add(j as u8)).collect(),
                };
                address += size as u32;
                file
            })
            .collect();
        let options = PackOptions { part_size, flash_size: 1 << 20, ..PackOptions::default() };
        let bytes = pack(&files, &options).unwrap();
        let image = FirmwareImage::describe(&bytes).unwrap();
        prop_assert_eq!(image.regions.len(), files.len());
        for (region, file) in image.regions.iter().zip(&files) {
            prop_assert_eq!(&region.name, &file.name);
            prop_assert_eq!(region.address, file.address);
            prop_assert_eq!(region.size as usize, file.data.len());
            prop_assert_eq!(region.parts.len(), file.data.len().div_ceil(part_size as usize));
            let joined: Vec<u8> = region
                .parts
                .iter()
                .flat_map(|p| bytes[p.payload_offset..p.payload_offset + p.size as usize].to_vec())
                .collect();
            prop_assert_eq!(&joined, &file.data);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = FirmwareImage::describe(&bytes);
        let with_suffix = common::suffixed(bytes, 0x303A, 2);
        prop_assert!(FirmwareImage::describe(&with_suffix).is_err() || with_suffix.starts_with(b"070701"));
    }

    #[test]
    fn mutated_vectors_never_panic(
        which in 0usize..2,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        fix_crc in any::<bool>(),
    ) {
        let mut bytes = std::fs::read(vector(["1/dfu.bin", "2/dfu.bin"][which])).unwrap();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if fix_crc {
            bytes = common::suffixed(bytes[..bytes.len() - 16].to_vec(), 0x303A, 2);
        }
        let _ = FirmwareImage::describe(&bytes);
        bytes.truncate(cut.index(bytes.len() + 1));
        let _ = FirmwareImage::describe(&bytes);
    }
}
