//! `cargo run -p ch14-timer-wheel`: four timers on four levels of the
//! wheel, with a simulated clock, printed as they cascade down and fire;
//! then the same deadlines as real sleeps on this chapter's runtime.

use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};
use std::time::{Duration, Instant};

use ch14_timer_wheel::time::sleep;
use ch14_timer_wheel::wheel::Wheel;
use ch14_timer_wheel::{spawn, Runtime};

/// Deadlines in milliseconds: levels 0, 1, 2 and 3 at tick 0.
const DEADLINES: [u64; 4] = [40, 300, 5_000, 270_000];

struct Named(&'static str, Arc<Mutex<Vec<&'static str>>>);

impl Wake for Named {
    fn wake(self: Arc<Self>) {
        self.1.lock().expect("log lock").push(self.0);
    }
}

fn main() {
    let names = ["40 ms", "300 ms", "5 s", "270 s"];
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut wheel = Wheel::new();
    let keys: Vec<_> = DEADLINES
        .iter()
        .zip(names)
        .map(|(&when, name)| {
            (
                name,
                wheel.insert(when, Waker::from(Arc::new(Named(name, log.clone())))),
            )
        })
        .collect();
    let show = |wheel: &Wheel| {
        let places: Vec<String> = keys
            .iter()
            .filter_map(|(name, key)| {
                wheel
                    .position(*key)
                    .map(|(l, s)| format!("{name} @ L{l}/S{s}"))
            })
            .collect();
        places.join(", ")
    };
    println!("tick 0: {}", show(&wheel));
    // ANCHOR: demo
    // Jump from one non-empty slot to the next, as a worker's poll would.
    while let Some((level, slot, at)) = wheel.next_expiration() {
        let mut fired = Vec::new();
        wheel.advance(at, &mut fired);
        fired.into_iter().for_each(Waker::wake);
        let fired = std::mem::take(&mut *log.lock().expect("log lock"));
        let what = if fired.is_empty() {
            "cascade".to_string()
        } else {
            format!("fire {}", fired.join(", "))
        };
        println!("tick {at}: L{level}/S{slot} {what}; left: {}", show(&wheel));
    }
    // ANCHOR_END: demo
    on_the_runtime();
}

fn on_the_runtime() {
    let runtime = Runtime::new(2);
    let order = runtime.block_on(async {
        let start = Instant::now();
        let handles: Vec<_> = [300u64, 40, 120]
            .into_iter()
            .map(|ms| {
                spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    (ms, start.elapsed())
                })
            })
            .collect();
        let mut done = Vec::new();
        for handle in handles {
            done.push(handle.await.expect("a sleeping task"));
        }
        done
    });
    for (ms, took) in order {
        println!(
            "runtime: sleep({ms} ms) woke after {:.1} ms",
            took.as_secs_f64() * 1e3
        );
    }
}
