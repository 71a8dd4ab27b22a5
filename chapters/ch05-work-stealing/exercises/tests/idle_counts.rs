//! Tests for Exercise 5.2 (idle_counts). Run them with
//! `cargo test -p ch05-exercises --test idle_counts`.
//!
//! The racing tests run their threads in lockstep (see
//! `exercise_support::lockstep`): each thread's atomic operations happen in
//! rounds, so both threads read the count before either writes it. A
//! check-then-act mistake loses that race on every run.

use std::sync::Arc;

use ch05_exercises::idle_counts::IdleCounts;
use exercise_support::lockstep::Lockstep;

/// Runs `attempt` on two threads at once, in lockstep, and returns how
/// many of them it returned true for.
fn race(counts: &Arc<IdleCounts>, attempt: fn(&IdleCounts) -> bool) -> usize {
    let counts = counts.clone();
    testkit::timeout(move || {
        let lockstep = Lockstep::new(2);
        let racers: Vec<_> = (0..2)
            .map(|_| {
                let (counts, lockstep) = (counts.clone(), lockstep.clone());
                std::thread::spawn(move || {
                    let _joined = lockstep.join();
                    attempt(&counts)
                })
            })
            .collect();
        racers
            .into_iter()
            .map(|racer| racer.join().expect("a racing thread panicked"))
            .filter(|&won| won)
            .count()
    })
}

#[test]
fn at_most_half_of_the_workers_search() {
    let counts = IdleCounts::new(4);
    assert!(counts.try_start_searching());
    assert!(counts.try_start_searching());
    assert!(!counts.try_start_searching(), "2 of 4 already search");
    assert_eq!(counts.searching(), 2);
    assert!(!counts.stop_searching());
    assert!(counts.try_start_searching(), "room again");
}

#[test]
fn a_lone_worker_may_always_search() {
    let counts = IdleCounts::new(1);
    assert!(counts.try_start_searching());
    assert!(!counts.try_start_searching());
}

#[test]
fn only_the_last_searcher_is_told_so() {
    let counts = IdleCounts::new(8);
    for _ in 0..3 {
        assert!(counts.try_start_searching());
    }
    assert!(!counts.stop_searching());
    assert!(!counts.stop_searching());
    assert!(counts.stop_searching());
    assert_eq!(counts.searching(), 0);
}

#[test]
fn going_to_sleep_moves_a_searcher_to_the_sleepers() {
    let counts = IdleCounts::new(4);
    assert!(counts.try_start_searching());
    counts.announce_sleep(true);
    assert_eq!((counts.searching(), counts.sleeping()), (0, 1));
    counts.announce_sleep(false);
    assert_eq!((counts.searching(), counts.sleeping()), (0, 2));
}

#[test]
fn a_push_wakes_a_sleeper_only_when_nobody_searches() {
    let counts = IdleCounts::new(4);
    assert!(!counts.claim_wake(), "nobody sleeps");
    counts.announce_sleep(false);
    assert!(counts.try_start_searching());
    assert!(!counts.claim_wake(), "the searcher will find the task");
    assert!(counts.stop_searching());
    assert!(counts.claim_wake());
    assert_eq!(
        (counts.searching(), counts.sleeping()),
        (1, 0),
        "the woken worker searches"
    );
    assert!(!counts.claim_wake());
}

#[test]
fn two_workers_racing_for_the_last_search_place_do_not_both_get_it() {
    let counts = Arc::new(IdleCounts::new(2));
    let admitted = race(&counts, IdleCounts::try_start_searching);
    assert_eq!(
        admitted,
        2 - 1,
        "with 2 workers only one may search; both read 0 searchers before \
         either counted itself in, so both went past the limit: check and \
         add in one atomic step (a compare-and-swap loop)"
    );
    assert_eq!(counts.searching(), 1);
}

#[test]
fn two_workers_racing_for_two_places_both_get_one() {
    let counts = Arc::new(IdleCounts::new(4));
    let admitted = race(&counts, IdleCounts::try_start_searching);
    assert_eq!(
        admitted, 2,
        "with 4 workers two may search; one worker's compare-and-swap failed \
         because the other had just counted itself in, and it gave up \
         instead of checking again with the new count"
    );
    assert_eq!(counts.searching(), 2);
}

#[test]
fn two_pushes_racing_for_the_last_sleeper_wake_it_once() {
    let counts = Arc::new(IdleCounts::new(4));
    counts.announce_sleep(false);
    let woken = race(&counts, IdleCounts::claim_wake);
    assert_eq!(
        woken, 1,
        "one sleeper, but both pushes claimed it: each read \"somebody \
         sleeps\" before either took the sleeper"
    );
    assert_eq!((counts.searching(), counts.sleeping()), (1, 0));
}
