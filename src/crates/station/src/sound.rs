//! A short tone per result: two rising beeps for PASS, one low buzz for FAIL. The tone is
//! made in memory as a WAV file and played by the platform's own player (PipeWire,
//! PulseAudio or ALSA's command-line player on Linux, `afplay` on macOS, `PlaySound` on
//! Windows), so building needs no audio headers and a machine without audio stays
//! silent. Played on a thread of its own; the first time a tone cannot be played, the
//! station is told why, once.

use crossbeam_channel::{Sender, unbounded};

/// Told, once, why a tone could not be played.
pub type Silent = Box<dyn FnOnce(String) + Send>;

/// Why a tone could not be played.
#[derive(Debug, thiserror::Error)]
pub enum SoundError {
    /// The tone could not be made into a WAV file.
    #[cfg(feature = "sound")]
    #[error("the result tone could not be made: {0}")]
    Wav(#[source] hound::Error),
    /// The tone could not be written to a temporary file for the player.
    #[cfg(all(feature = "sound", not(windows)))]
    #[error("no room for the tone: {0}")]
    Io(#[source] std::io::Error),
    /// A player could not be started (not installed) or waited for.
    #[cfg(all(feature = "sound", not(windows)))]
    #[error("{player}: {source}")]
    Run {
        /// The player's program.
        player: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A player ended with a failure status.
    #[cfg(all(feature = "sound", not(windows)))]
    #[error("{player}: ended with {status}")]
    Failed {
        /// The player's program.
        player: String,
        /// How it ended.
        status: std::process::ExitStatus,
    },
    /// A player was still playing at its deadline, and was stopped.
    #[cfg(all(feature = "sound", not(windows)))]
    #[error("{player}: still playing after {} s", .after.as_secs())]
    TimedOut {
        /// The player's program.
        player: String,
        /// How long it was given.
        after: std::time::Duration,
    },
    /// No player played the tone: why each one tried failed.
    #[cfg(all(feature = "sound", not(windows)))]
    #[error("no audio player could play the result tone ({})", list(.tried))]
    NoPlayer {
        /// Each player's failure, in the order they were tried.
        tried: Vec<SoundError>,
    },
    /// Windows' `PlaySound` failed.
    #[cfg(all(feature = "sound", windows))]
    #[error("Windows could not play the result tone (no audio device?)")]
    Windows,
    /// This build has no sound.
    #[cfg(not(feature = "sound"))]
    #[error("this build of DFU Station has no sound (cargo feature `sound`)")]
    NotBuilt,
}

/// The failures of the players tried, `; `-separated.
#[cfg(all(feature = "sound", not(windows)))]
fn list(tried: &[SoundError]) -> String {
    let tried: Vec<String> = tried.iter().map(SoundError::to_string).collect();
    tried.join("; ")
}

/// Plays result tones one after another.
pub struct Sound {
    results: Sender<bool>,
}

impl Sound {
    /// Starts the sound thread; `silent` hears, once, why a tone could not be played.
    pub fn new(silent: Silent) -> Sound {
        Sound::with_player(platform::play, silent)
    }

    fn with_player(play: fn(&[u8]) -> Result<(), SoundError>, silent: Silent) -> Sound {
        let (results, rx) = unbounded::<bool>();
        std::thread::Builder::new()
            .name("sound".into())
            .spawn(move || {
                let mut silent = Some(silent);
                for pass in rx {
                    if let Err(why) = tone(pass).and_then(|wav| play(&wav))
                        && let Some(tell) = silent.take()
                    {
                        tell(why.to_string());
                    }
                }
            })
            .expect("spawn the sound thread");
        Sound { results }
    }

    /// Queues the tone of a PASS (`true`) or a FAIL.
    pub fn play(&self, pass: bool) {
        let _ = self.results.send(pass);
    }
}

/// The notes of a result: (frequency in Hz, milliseconds).
#[cfg(feature = "sound")]
fn notes(pass: bool) -> &'static [(f32, u32)] {
    if pass {
        &[(880.0, 120), (1320.0, 180)]
    } else {
        &[(220.0, 450)]
    }
}

/// Samples per second of the tones.
#[cfg(feature = "sound")]
const SAMPLE_RATE: u32 = 22_050;

/// The tone of a result as a mono 16-bit WAV file: each note fades in over 10 ms (no
/// click) at a quarter of full scale.
#[cfg(feature = "sound")]
fn tone(pass: bool) -> Result<Vec<u8>, SoundError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut wav, spec).map_err(SoundError::Wav)?;
    let fade = SAMPLE_RATE / 100;
    for &(frequency, ms) in notes(pass) {
        for n in 0..SAMPLE_RATE * ms / 1000 {
            let t = n as f32 / SAMPLE_RATE as f32;
            let envelope = (n as f32 / fade as f32).min(1.0);
            let value = (t * frequency * std::f32::consts::TAU).sin() * envelope * 0.25;
            writer
                .write_sample((value * f32::from(i16::MAX)) as i16)
                .map_err(SoundError::Wav)?;
        }
    }
    writer.finalize().map_err(SoundError::Wav)?;
    Ok(wav.into_inner())
}

#[cfg(not(feature = "sound"))]
fn tone(_pass: bool) -> Result<Vec<u8>, SoundError> {
    Err(SoundError::NotBuilt)
}

/// Plays a WAV file with the player a desktop has.
#[cfg(all(feature = "sound", not(windows)))]
mod platform {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use super::SoundError;

    /// Players tried in turn, with their arguments before the file.
    #[cfg(target_os = "macos")]
    const PLAYERS: &[(&str, &[&str])] = &[("afplay", &[])];
    #[cfg(not(target_os = "macos"))]
    const PLAYERS: &[(&str, &[&str])] = &[("pw-play", &[]), ("paplay", &[]), ("aplay", &["-q"])];

    /// The longest a player may take for one tone before it is stopped.
    const DEADLINE: Duration = Duration::from_secs(5);

    pub fn play(wav: &[u8]) -> Result<(), SoundError> {
        play_with(PLAYERS, wav)
    }

    /// Plays `wav` with the first of `players` that is installed and succeeds.
    pub(super) fn play_with(players: &[(&str, &[&str])], wav: &[u8]) -> Result<(), SoundError> {
        let mut file = tempfile::Builder::new()
            .prefix("dfu-station-tone-")
            .suffix(".wav")
            .tempfile()
            .map_err(SoundError::Io)?;
        file.write_all(wav).map_err(SoundError::Io)?;
        let mut tried = Vec::new();
        for (player, args) in players {
            match run(player, args, file.path()) {
                Ok(()) => return Ok(()),
                Err(why) => tried.push(why),
            }
        }
        Err(SoundError::NoPlayer { tried })
    }

    /// Runs one player on the file, within [`DEADLINE`].
    fn run(player: &str, args: &[&str], file: &std::path::Path) -> Result<(), SoundError> {
        let failed = |source| SoundError::Run {
            player: player.to_owned(),
            source,
        };
        let mut child = Command::new(player)
            .args(args)
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(failed)?;
        let deadline = Instant::now() + DEADLINE;
        loop {
            match child.try_wait().map_err(failed)? {
                Some(status) if status.success() => return Ok(()),
                Some(status) => {
                    return Err(SoundError::Failed {
                        player: player.to_owned(),
                        status,
                    });
                }
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(SoundError::TimedOut {
                        player: player.to_owned(),
                        after: DEADLINE,
                    });
                }
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

/// Plays a WAV file from memory with Windows' own `PlaySound`.
#[cfg(all(feature = "sound", windows))]
mod platform {
    use windows_sys::Win32::Media::Audio::{PlaySoundW, SND_MEMORY, SND_NODEFAULT, SND_SYNC};

    use super::SoundError;

    pub fn play(wav: &[u8]) -> Result<(), SoundError> {
        // SAFETY: with SND_MEMORY the first argument points at the whole WAV file, which
        // outlives the call (SND_SYNC returns when the tone has played).
        let played = unsafe {
            PlaySoundW(
                wav.as_ptr().cast(),
                std::ptr::null_mut(),
                SND_MEMORY | SND_SYNC | SND_NODEFAULT,
            )
        };
        if played != 0 {
            Ok(())
        } else {
            Err(SoundError::Windows)
        }
    }
}

#[cfg(not(feature = "sound"))]
mod platform {
    use super::SoundError;

    pub fn play(_wav: &[u8]) -> Result<(), SoundError> {
        Ok(())
    }
}

#[cfg(all(test, feature = "sound", not(windows)))]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn tones_are_wav_files_of_their_notes_length() {
        for (pass, ms) in [(true, 300), (false, 450)] {
            let wav = tone(pass).unwrap();
            let reader = hound::WavReader::new(std::io::Cursor::new(wav)).unwrap();
            assert_eq!(reader.spec().sample_rate, SAMPLE_RATE);
            assert_eq!(reader.duration(), SAMPLE_RATE * ms / 1000);
        }
    }

    #[test]
    fn a_missing_player_is_named_and_a_working_one_plays() {
        let wav = tone(true).unwrap();
        let missing = platform::play_with(&[("dfu-station-no-such-player", &[])], &wav);
        let missing = missing.unwrap_err();
        assert!(
            missing.to_string().contains("dfu-station-no-such-player"),
            "{missing}"
        );
        let SoundError::NoPlayer { tried } = missing else {
            panic!("not NoPlayer: {missing:?}");
        };
        // The OS error is kept, with its kind.
        assert!(
            matches!(&tried[..], [SoundError::Run { player, source }]
                if player == "dfu-station-no-such-player"
                    && source.kind() == std::io::ErrorKind::NotFound),
            "{tried:?}"
        );
        let failing = platform::play_with(&[("false", &[])], &wav).unwrap_err();
        assert!(
            failing.to_string().contains("false: ended with"),
            "{failing}"
        );
        let SoundError::NoPlayer { tried } = failing else {
            panic!("not NoPlayer: {failing:?}");
        };
        assert!(
            matches!(&tried[..], [SoundError::Failed { status, .. }] if status.code() == Some(1)),
            "{tried:?}"
        );
        assert!(platform::play_with(&[("false", &[]), ("true", &[])], &wav).is_ok());
    }

    #[test]
    fn a_machine_without_audio_is_told_once() {
        let (told, heard) = unbounded();
        let sound = Sound::with_player(
            |_| {
                Err(SoundError::TimedOut {
                    player: "aplay".into(),
                    after: Duration::from_secs(5),
                })
            },
            Box::new(move |why| told.send(why).unwrap()),
        );
        sound.play(true);
        sound.play(false);
        drop(sound);
        assert_eq!(
            heard.recv_timeout(Duration::from_secs(5)),
            Ok("aplay: still playing after 5 s".into())
        );
        // The thread ends once the last tone was tried; nothing more was said.
        assert!(heard.recv_timeout(Duration::from_secs(5)).is_err());
    }
}
