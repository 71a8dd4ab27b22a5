//! The store-buffering litmus test under loom: loom finds the outcome "both
//! threads read 0" for the weak orderings and proves it impossible for the
//! `SeqCst` fence and the read-modify-write versions.
//!
//! `cargo xtask loom` runs it, or by hand:
//! `RUSTFLAGS="--cfg loom" cargo test -p ch03-global-queue --test loom_litmus --release -- --nocapture`
#![cfg(loom)]

use std::sync::atomic::{AtomicUsize as StdCount, Ordering::Relaxed as Counted};

use ch03_global_queue::litmus::{announce_then_look, Variant};
use loom::sync::atomic::AtomicUsize;
use loom::sync::Arc;
use loom::thread;

// ANCHOR: model
/// Runs the two threads once (loom calls this for every execution it
/// explores) and returns what each one read.
fn both_sides(variant: Variant) -> (usize, usize) {
    let flags = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let other = {
        let flags = flags.clone();
        thread::spawn(move || announce_then_look(&flags[1], &flags[0], variant))
    };
    let mine = announce_then_look(&flags[0], &flags[1], variant);
    // The spawned thread cannot panic: it only touches two atomics.
    (mine, other.join().unwrap())
}

/// Explores every execution and counts those in which both threads read 0.
fn count_both_zero(variant: Variant) -> (usize, usize) {
    let runs = std::sync::Arc::new((StdCount::new(0), StdCount::new(0)));
    let counts = runs.clone();
    testkit::model::check(&format!("{variant:?}"), move || {
        counts.0.fetch_add(1, Counted);
        if both_sides(variant) == (0, 0) {
            counts.1.fetch_add(1, Counted);
        }
    });
    let (total, zero) = (runs.0.load(Counted), runs.1.load(Counted));
    println!("{variant:?}: both threads read 0 in {zero} of {total} executions");
    (total, zero)
}
// ANCHOR_END: model

// ANCHOR: tests
#[test]
fn relaxed_lets_both_threads_read_zero() {
    let (_, zero) = count_both_zero(Variant::Relaxed);
    assert!(zero > 0, "loom should find the store-buffering outcome");
}

#[test]
fn release_acquire_lets_both_threads_read_zero() {
    let (_, zero) = count_both_zero(Variant::ReleaseAcquire);
    assert!(
        zero > 0,
        "acquire/release does not order a store before a later load"
    );
}

#[test]
fn seqcst_fences_forbid_both_zero() {
    let (_, zero) = count_both_zero(Variant::SeqCstFence);
    assert_eq!(zero, 0);
}

#[test]
fn read_modify_writes_forbid_both_zero() {
    let (_, zero) = count_both_zero(Variant::ReadModifyWrite);
    assert_eq!(zero, 0);
}
// ANCHOR_END: tests
