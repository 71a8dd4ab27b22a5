//! The store-buffering litmus test on this machine's real hardware:
//! `cargo run -p ch03-global-queue --example litmus`.
//!
//! Two threads meet at the start of every round, then each runs
//! `announce_then_look` on a fresh pair of flags. The program counts the
//! rounds in which both threads read 0, the outcome no interleaving explains.

use std::hint::spin_loop;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use ch03_global_queue::litmus::{announce_then_look, Variant};

const ROUNDS: usize = 50_000;

// ANCHOR: side
/// One thread's part: for every round, wait for the other thread, then
/// announce on its own flag and look at the other one.
fn side(me: usize, flags: &[[AtomicUsize; 2]], arrived: &AtomicUsize, v: Variant) -> Vec<usize> {
    let mut seen = Vec::with_capacity(flags.len());
    for (round, pair) in flags.iter().enumerate() {
        // Both threads start the round together, or the first would finish
        // before the second began and the race would never be run.
        arrived.fetch_add(1, Ordering::AcqRel);
        let mut spins = 0u32;
        while arrived.load(Ordering::Acquire) < 2 * (round + 1) {
            spins += 1;
            // The other thread may be off the CPU: give it the core.
            if spins > 1_000 {
                thread::yield_now();
            } else {
                spin_loop();
            }
        }
        seen.push(announce_then_look(&pair[me], &pair[1 - me], v));
    }
    seen
}
// ANCHOR_END: side

fn both_saw_zero(variant: Variant) -> usize {
    let flags: Vec<[AtomicUsize; 2]> = (0..ROUNDS)
        .map(|_| [AtomicUsize::new(0), AtomicUsize::new(0)])
        .collect();
    let arrived = AtomicUsize::new(0);
    let (a, b) = thread::scope(|s| {
        let a = s.spawn(|| side(0, &flags, &arrived, variant));
        let b = s.spawn(|| side(1, &flags, &arrived, variant));
        // A panic in a side is a bug in this program: show it.
        (a.join().expect("side 0"), b.join().expect("side 1"))
    });
    a.iter()
        .zip(&b)
        .filter(|(x, y)| **x == 0 && **y == 0)
        .count()
}

fn main() {
    println!("store buffering: {ROUNDS} rounds of two threads, each storing 1 then loading the other's flag");
    for variant in [
        Variant::Relaxed,
        Variant::ReleaseAcquire,
        Variant::SeqCstFence,
        Variant::ReadModifyWrite,
    ] {
        let n = both_saw_zero(variant);
        println!(
            "  {:<16} both loads read 0 in {n:>6} rounds",
            format!("{variant:?}:")
        );
    }
}
