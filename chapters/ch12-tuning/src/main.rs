//! `cargo run -p ch12-tuning`: a chain of spawns and ping-pong pairs on
//! chapter 6's runtime and on this chapter's, and how many polls came from
//! the LIFO slot. Timings from a debug build say little; the bench crate
//! measures release builds.

use std::time::{Duration, Instant};

use futures_channel::oneshot;

const WORKERS: usize = 2;
const DEPTH: usize = 1_000;
const PAIRS: usize = 1_000;

// ANCHOR: workloads
/// The two workloads the LIFO slot is for, written once for any chapter
/// crate that exports `Runtime` and `spawn`.
macro_rules! workloads {
    ($krate:ident) => {{
        let runtime = $krate::Runtime::new(WORKERS);
        let started = Instant::now();
        runtime.block_on(async {
            // chained_spawn: each task spawns the next; the last answers.
            fn link(left: usize, done: oneshot::Sender<()>) {
                drop($krate::spawn(async move {
                    match left {
                        0 => drop(done.send(())),
                        _ => link(left - 1, done),
                    }
                }));
            }
            let (done, finished) = oneshot::channel();
            link(DEPTH, done);
            finished.await.expect("the chain broke");
            // ping_pong: each pair sends one message each way.
            let mut pongs = Vec::new();
            for _ in 0..PAIRS {
                let (ping_tx, ping_rx) = oneshot::channel::<()>();
                let (pong_tx, pong_rx) = oneshot::channel::<()>();
                drop($krate::spawn(async move {
                    ping_rx.await.expect("no ping");
                    let _ = pong_tx.send(());
                }));
                drop($krate::spawn(async move {
                    let _ = ping_tx.send(());
                }));
                pongs.push(pong_rx);
            }
            for pong in pongs {
                pong.await.expect("no pong");
            }
        });
        (started.elapsed(), runtime)
    }};
}
// ANCHOR_END: workloads

fn main() {
    let (before, _) = workloads!(ch06_reactor);
    let (after, runtime) = workloads!(ch12_tuning);
    println!("chain of {DEPTH} spawns, then {PAIRS} ping-pong pairs, {WORKERS} workers");
    println!("ch06 (no LIFO slot): {}", ms(before));
    println!("ch12 (LIFO slot):    {}", ms(after));
    for (worker, polls) in runtime.scheduler().lifo_polls().iter().enumerate() {
        println!("ch12 worker {worker}: {polls} polls from its LIFO slot");
    }
    for line in runtime.stats() {
        println!("ch12 {line}");
    }
}

fn ms(elapsed: Duration) -> String {
    format!("{:.2} ms", elapsed.as_secs_f64() * 1e3)
}
