//! A short tone per result: two rising beeps for PASS, one low buzz for FAIL. The tone is
//! made in memory as a WAV file and played by the platform's own player (PipeWire,
//! PulseAudio or ALSA's command-line player on Linux, `afplay` on macOS, `PlaySound` on
//! Windows), so building needs no audio headers and a machine without audio stays
//! silent. Played on a thread of its own; the first time a tone cannot be played, the
//! station is told why, once.

use crossbeam_channel::{Sender, unbounded};

/// Told, once, why a tone could not be played.
pub type Silent = Box<dyn FnOnce(String) + Send>;

/// Plays result tones one after another.
pub struct Sound {
    results: Sender<bool>,
}

impl Sound {
    /// Starts the sound thread; `silent` hears, once, why a tone could not be played.
    pub fn new(silent: Silent) -> Sound {
        Sound::with_player(platform::play, silent)
    }

    fn with_player(play: fn(&[u8]) -> Result<(), String>, silent: Silent) -> Sound {
        let (results, rx) = unbounded::<bool>();
        std::thread::Builder::new()
            .name("sound".into())
            .spawn(move || {
                let mut silent = Some(silent);
                for pass in rx {
                    if let Err(why) = tone(pass).and_then(|wav| play(&wav))
                        && let Some(tell) = silent.take()
                    {
                        tell(why);
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
fn tone(pass: bool) -> Result<Vec<u8>, String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut wav, spec).map_err(|e| e.to_string())?;
    let fade = SAMPLE_RATE / 100;
    for &(frequency, ms) in notes(pass) {
        for n in 0..SAMPLE_RATE * ms / 1000 {
            let t = n as f32 / SAMPLE_RATE as f32;
            let envelope = (n as f32 / fade as f32).min(1.0);
            let value = (t * frequency * std::f32::consts::TAU).sin() * envelope * 0.25;
            writer
                .write_sample((value * f32::from(i16::MAX)) as i16)
                .map_err(|e| e.to_string())?;
        }
    }
    writer.finalize().map_err(|e| e.to_string())?;
    Ok(wav.into_inner())
}

#[cfg(not(feature = "sound"))]
fn tone(_pass: bool) -> Result<Vec<u8>, String> {
    Err("this build of DFU Station has no sound (cargo feature `sound`)".into())
}

/// Plays a WAV file with the player a desktop has.
#[cfg(all(feature = "sound", not(windows)))]
mod platform {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// Players tried in turn, with their arguments before the file.
    #[cfg(target_os = "macos")]
    const PLAYERS: &[(&str, &[&str])] = &[("afplay", &[])];
    #[cfg(not(target_os = "macos"))]
    const PLAYERS: &[(&str, &[&str])] = &[("pw-play", &[]), ("paplay", &[]), ("aplay", &["-q"])];

    /// The longest a player may take for one tone before it is stopped.
    const DEADLINE: Duration = Duration::from_secs(5);

    pub fn play(wav: &[u8]) -> Result<(), String> {
        play_with(PLAYERS, wav)
    }

    /// Plays `wav` with the first of `players` that is installed and succeeds.
    pub(super) fn play_with(players: &[(&str, &[&str])], wav: &[u8]) -> Result<(), String> {
        let mut file = tempfile::Builder::new()
            .prefix("dfu-station-tone-")
            .suffix(".wav")
            .tempfile()
            .map_err(|e| format!("no room for the tone: {e}"))?;
        file.write_all(wav)
            .map_err(|e| format!("no room for the tone: {e}"))?;
        let mut failures = Vec::new();
        for (player, args) in players {
            match run(player, args, file.path()) {
                Ok(()) => return Ok(()),
                Err(why) => failures.push(format!("{player}: {why}")),
            }
        }
        Err(format!(
            "no audio player could play the result tone ({})",
            failures.join("; ")
        ))
    }

    /// Runs one player on the file, within [`DEADLINE`].
    fn run(player: &str, args: &[&str], file: &std::path::Path) -> Result<(), String> {
        let mut child = Command::new(player)
            .args(args)
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + DEADLINE;
        loop {
            match child.try_wait().map_err(|e| e.to_string())? {
                Some(status) if status.success() => return Ok(()),
                Some(status) => return Err(format!("ended with {status}")),
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("still playing after {} s", DEADLINE.as_secs()));
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

    pub fn play(wav: &[u8]) -> Result<(), String> {
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
            Err("Windows could not play the result tone (no audio device?)".into())
        }
    }
}

#[cfg(not(feature = "sound"))]
mod platform {
    pub fn play(_wav: &[u8]) -> Result<(), String> {
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
        assert!(missing.unwrap_err().contains("dfu-station-no-such-player"));
        let failing = platform::play_with(&[("false", &[])], &wav);
        assert!(failing.unwrap_err().contains("false: ended with"));
        assert_eq!(
            platform::play_with(&[("false", &[]), ("true", &[])], &wav),
            Ok(())
        );
    }

    #[test]
    fn a_machine_without_audio_is_told_once() {
        let (told, heard) = unbounded();
        let sound = Sound::with_player(
            |_| Err("no audio".into()),
            Box::new(move |why| told.send(why).unwrap()),
        );
        sound.play(true);
        sound.play(false);
        drop(sound);
        assert_eq!(
            heard.recv_timeout(Duration::from_secs(5)),
            Ok("no audio".into())
        );
        // The thread ends once the last tone was tried; nothing more was said.
        assert!(heard.recv_timeout(Duration::from_secs(5)).is_err());
    }
}
