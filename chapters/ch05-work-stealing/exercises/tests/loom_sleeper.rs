//! The loom model of Exercise 5.3 (sleeper): every interleaving of a worker
//! going to sleep and the pushes that should wake it, with the memory
//! orderings of your code, not just its order of steps. A lost wake-up
//! leaves the worker parked for ever, which loom reports as a deadlock.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom cargo test -p ch05-exercises --test loom_sleeper --release`
//! (add `--features solution` for the reference solution).
#![cfg(loom)]

use ch05_exercises::sleeper::{Park, Sleeper};
use ch05_work_stealing::CondvarPark;
use loom::sync::Arc;
use loom::thread;
use testkit::model::check;

#[test]
fn one_push_always_wakes_the_sleeping_worker() {
    check("sleeper: a worker and one push", || {
        let sleeper = Arc::new(Sleeper::new(CondvarPark::new(1)));
        let worker = {
            let sleeper = sleeper.clone();
            thread::spawn(move || {
                sleeper.wait_for_work();
                assert!(sleeper.take(), "woke up with no task queued");
            })
        };
        sleeper.push();
        worker.join().unwrap();
    });
}

#[test]
fn two_pushes_from_two_threads_both_reach_the_worker() {
    check("sleeper: a worker and two pushers", || {
        let sleeper = Arc::new(Sleeper::new(CondvarPark::new(1)));
        let pusher = {
            let sleeper = sleeper.clone();
            thread::spawn(move || sleeper.push())
        };
        sleeper.push();
        // The worker takes both tasks, sleeping between them if it must.
        for _ in 0..2 {
            sleeper.wait_for_work();
            assert!(sleeper.take());
        }
        pusher.join().unwrap();
    });
}
