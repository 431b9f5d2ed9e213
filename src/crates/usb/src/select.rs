//! dfu-util's device selectors (`-d`, `-p`, `-S`, `-a`) and the choice of one board.

use std::fmt;
use std::num::ParseIntError;

use super::DfuTarget;
use dfu::InterfaceMode;

/// A VID:PID filter; `None` (written `*` or left out) matches anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdFilter {
    /// The vendor ID to match.
    pub vid: Option<u16>,
    /// The product ID to match.
    pub pid: Option<u16>,
}

impl IdFilter {
    fn matches(self, vid: u16, pid: u16) -> bool {
        self.vid.is_none_or(|v| v == vid) && self.pid.is_none_or(|p| p == pid)
    }

    /// Parses `VID[:PID]` in hex; `*` is a wildcard.
    fn parse(text: &str) -> Result<IdFilter, SelectorError> {
        let (vid, pid) = text.split_once(':').unwrap_or((text, "*"));
        Ok(IdFilter {
            vid: parse_id(vid)?,
            pid: parse_id(pid)?,
        })
    }
}

fn parse_id(text: &str) -> Result<Option<u16>, SelectorError> {
    if text == "*" {
        return Ok(None);
    }
    let digits = text.trim_start_matches("0x").trim_start_matches("0X");
    u16::from_str_radix(digits, 16)
        .map(Some)
        .map_err(|source| SelectorError {
            text: text.to_owned(),
            source,
        })
}

/// Why a `-d` selector is refused: one of its IDs is not a USB ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{text}\" is not a USB ID in hex (e.g. 303a, 0x0002 or *)")]
pub struct SelectorError {
    /// The ID as read (empty when a `:` or `,` has nothing after it).
    pub text: String,
    /// Why it is not a 16-bit hex number: empty, not a hex digit, or too large.
    pub source: ParseIntError,
}

/// The alt setting to use in DFU mode: its number or its interface string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AltFilter {
    /// The alt setting with this number (bAlternateSetting).
    Number(u8),
    /// The alt setting with this interface string.
    Name(String),
}

impl AltFilter {
    /// A number if `text` is one (as dfu-util's `-a`), else a name.
    pub fn parse(text: &str) -> AltFilter {
        text.parse()
            .map_or_else(|_| AltFilter::Name(text.to_owned()), AltFilter::Number)
    }
}

/// Which DFU interfaces to use, with dfu-util's meanings. Runtime interfaces are matched
/// on the runtime VID:PID and serial, DFU-mode ones on the DFU-mode pair and the alt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// Runtime VID:PID; `None` matches no runtime interface (`-d ,VID:PID`).
    pub runtime_id: Option<IdFilter>,
    /// DFU-mode VID:PID (`-d`, or the pair after its comma).
    pub dfu_id: IdFilter,
    /// USB port path (`-p 1-2`).
    pub path: Option<String>,
    /// Serial number of runtime interfaces (`-S`).
    pub runtime_serial: Option<String>,
    /// Serial number of DFU-mode interfaces (`-S`, or the one after its comma).
    pub dfu_serial: Option<String>,
    /// Alt setting of DFU-mode interfaces (`-a`).
    pub alt: Option<AltFilter>,
}

impl Default for Selector {
    /// Matches every DFU interface.
    fn default() -> Selector {
        Selector {
            runtime_id: Some(IdFilter::default()),
            dfu_id: IdFilter::default(),
            path: None,
            runtime_serial: None,
            dfu_serial: None,
            alt: None,
        }
    }
}

impl Selector {
    /// Applies `-d VID:PID[,DFU_VID:DFU_PID]`: without the DFU-mode pair, the runtime
    /// pair applies to both modes; an empty runtime pair (`,VID:PID`) matches DFU mode only.
    pub fn set_device(&mut self, text: &str) -> Result<(), SelectorError> {
        let (runtime, dfu) = match text.split_once(',') {
            Some(("", dfu)) => (None, IdFilter::parse(dfu)?),
            Some((runtime, dfu)) => (Some(IdFilter::parse(runtime)?), IdFilter::parse(dfu)?),
            None => {
                let both = IdFilter::parse(text)?;
                (Some(both), both)
            }
        };
        (self.runtime_id, self.dfu_id) = (runtime, dfu);
        Ok(())
    }

    /// Applies `-S SERIAL[,DFU_SERIAL]`: without the second, one serial for both modes.
    pub fn set_serial(&mut self, text: &str) {
        let (runtime, dfu) = text.split_once(',').unwrap_or((text, text));
        self.runtime_serial = Some(runtime.to_owned());
        self.dfu_serial = Some(dfu.to_owned());
    }

    /// Whether `target` is selected.
    pub fn matches(&self, target: &DfuTarget) -> bool {
        let mode_ok = match target.mode {
            InterfaceMode::Runtime => {
                self.runtime_id
                    .is_some_and(|id| id.matches(target.vid, target.pid))
                    && matches_text(&self.runtime_serial, &target.serial)
            }
            InterfaceMode::Dfu => {
                self.dfu_id.matches(target.vid, target.pid)
                    && matches_text(&self.dfu_serial, &target.serial)
                    && match &self.alt {
                        None => true,
                        Some(AltFilter::Number(alt)) => *alt == target.alt,
                        Some(AltFilter::Name(name)) => *name == target.name,
                    }
            }
        };
        mode_ok && matches_text(&self.path, &target.path)
    }

    /// The one target selected among `targets`.
    pub fn pick<'t>(&self, targets: &'t [DfuTarget]) -> Result<&'t DfuTarget, Pick> {
        let mut selected = targets.iter().filter(|t| self.matches(t));
        match (selected.next(), selected.next()) {
            (Some(one), None) => Ok(one),
            (None, _) => Err(Pick::NoMatch {
                present: targets.len(),
            }),
            (Some(first), Some(second)) => {
                let mut all = vec![first.clone(), second.clone()];
                all.extend(selected.cloned());
                Err(Pick::Ambiguous(all))
            }
        }
    }
}

fn matches_text(wanted: &Option<String>, actual: &str) -> bool {
    wanted.as_deref().is_none_or(|w| w == actual)
}

/// Why [`Selector::pick`] found no single target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// Nothing matches; `present` DFU interfaces were found in all.
    NoMatch {
        /// How many DFU interfaces were found in all.
        present: usize,
    },
    /// More than one target matches: these.
    Ambiguous(Vec<DfuTarget>),
}

impl fmt::Display for Pick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pick::NoMatch { present: 0 } => f.write_str("No DFU board found."),
            Pick::NoMatch { present } => write!(
                f,
                "None of the {present} DFU interfaces found matches the selection. Run \
                 `dfu-station list` and check -d, -p, -S and -a."
            ),
            Pick::Ambiguous(targets) => {
                writeln!(f, "{} DFU interfaces match:", targets.len())?;
                for target in targets {
                    writeln!(f, "  {target}")?;
                }
                f.write_str("Choose one with -p PATH (or -S SERIAL, -d VID:PID, -a ALT).")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::tests::esp_runtime;

    fn dfu_mode(path: &str, pid: u16, alt: u8) -> DfuTarget {
        let mut target = esp_runtime(path, 9);
        (target.mode, target.pid, target.alt) = (InterfaceMode::Dfu, pid, alt);
        target.name = format!("alt{alt}");
        target
    }

    fn selector(device: &str) -> Selector {
        let mut selector = Selector::default();
        selector.set_device(device).unwrap();
        selector
    }

    #[test]
    fn device_without_dfu_pair_applies_to_both_modes() {
        let s = selector("303a:0002");
        assert_eq!(
            s.runtime_id,
            Some(IdFilter {
                vid: Some(0x303a),
                pid: Some(2)
            })
        );
        assert_eq!(s.dfu_id, s.runtime_id.unwrap());
        assert!(s.matches(&esp_runtime("1-1", 5)));
        assert!(s.matches(&dfu_mode("1-1", 2, 0)));
        assert!(!s.matches(&dfu_mode("1-1", 9, 0)));
    }

    #[test]
    fn device_with_dfu_pair_matches_each_mode_on_its_pair() {
        let s = selector("303a:0002,cafe:0x00ff");
        assert!(s.matches(&esp_runtime("1-1", 5)));
        assert!(!s.matches(&dfu_mode("1-1", 2, 0)));
        let mut other = dfu_mode("1-1", 0xff, 0);
        other.vid = 0xcafe;
        assert!(s.matches(&other));
    }

    #[test]
    fn wildcards_vid_only_and_dfu_only() {
        assert!(selector("303a").matches(&dfu_mode("1-1", 0x1234, 0)));
        assert!(selector("*:0002").matches(&esp_runtime("1-1", 5)));
        let dfu_only = selector(",303a:0002");
        assert_eq!(dfu_only.runtime_id, None);
        assert!(!dfu_only.matches(&esp_runtime("1-1", 5)));
        assert!(dfu_only.matches(&dfu_mode("1-1", 2, 0)));
    }

    #[test]
    fn bad_ids_are_refused() {
        for bad in ["xyz:1", "303a:12345", "303a:0002,", ":"] {
            assert!(Selector::default().set_device(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_refused_id_is_named_with_why() {
        use std::num::IntErrorKind;
        let too_large = Selector::default().set_device("303a:12345").unwrap_err();
        assert_eq!(too_large.text, "12345");
        assert_eq!(too_large.source.kind(), &IntErrorKind::PosOverflow);
        assert_eq!(
            too_large.to_string(),
            r#""12345" is not a USB ID in hex (e.g. 303a, 0x0002 or *)"#
        );
        let empty = Selector::default().set_device("303a:0002,").unwrap_err();
        assert_eq!(empty.text, "");
        assert_eq!(empty.source.kind(), &IntErrorKind::Empty);
    }

    #[test]
    fn path_serial_and_alt() {
        let mut s = Selector {
            path: Some("1-2".into()),
            ..Selector::default()
        };
        assert!(!s.matches(&esp_runtime("1-1", 5)));
        assert!(s.matches(&esp_runtime("1-2", 6)));

        s.set_serial("0,ABC");
        assert!(s.matches(&esp_runtime("1-2", 6)));
        assert!(!s.matches(&dfu_mode("1-2", 2, 0)));
        s.set_serial("0");
        assert!(s.matches(&dfu_mode("1-2", 2, 0)));

        s.alt = Some(AltFilter::parse("1"));
        assert!(!s.matches(&dfu_mode("1-2", 2, 0)));
        assert!(s.matches(&dfu_mode("1-2", 2, 1)));
        // -a does not apply to runtime interfaces (as in dfu-util).
        assert!(s.matches(&esp_runtime("1-2", 6)));
        s.alt = Some(AltFilter::parse("alt0"));
        assert_eq!(s.alt, Some(AltFilter::Name("alt0".into())));
        assert!(s.matches(&dfu_mode("1-2", 2, 0)));
    }

    #[test]
    fn pick_one_none_or_ambiguous_listing_all() {
        let boards = [esp_runtime("1-1", 5), esp_runtime("1-2", 6)];
        let all = Selector::default();
        let Err(ambiguous) = all.pick(&boards) else {
            panic!("two boards must be ambiguous");
        };
        assert_eq!(ambiguous, Pick::Ambiguous(boards.to_vec()));
        let text = ambiguous.to_string();
        assert!(text.starts_with("2 DFU interfaces match:\n"), "{text}");
        assert!(text.contains(r#"path="1-1""#) && text.contains(r#"path="1-2""#));
        assert!(text.contains("-p PATH"));

        let one = Selector {
            path: Some("1-2".into()),
            ..Selector::default()
        };
        assert_eq!(one.pick(&boards), Ok(&boards[1]));

        assert_eq!(
            selector("303a:0009").pick(&boards),
            Err(Pick::NoMatch { present: 2 })
        );
        let none = all.pick(&[]).unwrap_err().to_string();
        assert_eq!(
            none, "No DFU board found.",
            "the advice comes from crate::advice"
        );
    }
}
