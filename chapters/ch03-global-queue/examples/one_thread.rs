//! The one-thread runtime: `cargo run -p ch03-global-queue --example one_thread`.

use std::time::{Duration, Instant};

use ch02_futures::timer::{count_polls, Timer};
use ch03_global_queue::one_thread::{spawn, Runtime};
use ch03_global_queue::yield_now;

// ANCHOR: demo
fn main() {
    let rt = Runtime::new();
    let main_thread = std::thread::current().id();
    let total = rt.block_on(async {
        println!("three tasks on one thread, each yielding between steps:");
        let handles: Vec<_> = (1..=3u64)
            .map(|task| {
                spawn(async move {
                    for step in 1..=2 {
                        println!("  task {task}, step {step}");
                        yield_now().await;
                    }
                    assert_eq!(std::thread::current().id(), main_thread);
                    task * 10
                })
            })
            .collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await;
        }
        total
    });
    println!("sum of the outputs: {total}, every task ran on {main_thread:?}");

    // A wake from another thread: the runtime parks until the timer fires.
    let start = Instant::now();
    let ((), polls) = rt.block_on(rt.spawn(count_polls(Timer::new(Duration::from_millis(100)))));
    println!(
        "a 100 ms timer, woken from its own thread: ready after {} ms, polled {polls} times",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: demo
