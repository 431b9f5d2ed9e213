//! A short tone per result, generated in memory: two rising beeps for PASS, one low
//! buzz for FAIL. Played on a thread of its own; where there is no audio device (CI,
//! a bench without speakers) nothing happens.

use std::time::Duration;

use crossbeam_channel::{Sender, unbounded};
use rodio::Source;
use rodio::source::SineWave;

/// Plays result tones one after another.
pub struct Sound {
    results: Sender<bool>,
}

impl Sound {
    /// Starts the sound thread (the audio device is opened only when a tone plays).
    pub fn new() -> Sound {
        let (results, rx) = unbounded::<bool>();
        std::thread::Builder::new()
            .name("sound".into())
            .spawn(move || {
                for pass in rx {
                    play(pass);
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

impl Default for Sound {
    fn default() -> Sound {
        Sound::new()
    }
}

/// The notes of a result: (frequency in Hz, milliseconds).
fn notes(pass: bool) -> &'static [(f32, u64)] {
    if pass {
        &[(880.0, 120), (1320.0, 180)]
    } else {
        &[(220.0, 450)]
    }
}

fn play(pass: bool) {
    let Ok(mut sink) = rodio::DeviceSinkBuilder::open_default_sink() else {
        return;
    };
    sink.log_on_drop(false);
    let player = rodio::Player::connect_new(sink.mixer());
    for &(frequency, ms) in notes(pass) {
        player.append(
            SineWave::new(frequency)
                .take_duration(Duration::from_millis(ms))
                .fade_in(Duration::from_millis(10))
                .amplify(0.25),
        );
    }
    player.sleep_until_end();
}
