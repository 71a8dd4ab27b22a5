//! Tests for Exercise 5.2 (idle_counts).

use std::sync::{Arc, Barrier};

use ch05_exercises::idle_counts::IdleCounts;

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
fn racing_pushes_wake_exactly_one_sleeper() {
    testkit::timeout(|| {
        for _ in 0..200 {
            let counts = Arc::new(IdleCounts::new(16));
            for _ in 0..4 {
                counts.announce_sleep(false);
            }
            let start = Arc::new(Barrier::new(8));
            let pushers: Vec<_> = (0..8)
                .map(|_| {
                    let (counts, start) = (counts.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        counts.claim_wake()
                    })
                })
                .collect();
            let woken = pushers
                .into_iter()
                .map(|p| p.join().expect("pusher panicked"))
                .filter(|&woke| woke)
                .count();
            assert_eq!(woken, 1);
            assert_eq!((counts.searching(), counts.sleeping()), (1, 3));
        }
    })
}

#[test]
fn racing_searchers_respect_the_limit() {
    testkit::timeout(|| {
        for _ in 0..200 {
            let counts = Arc::new(IdleCounts::new(8));
            let start = Arc::new(Barrier::new(16));
            let workers: Vec<_> = (0..16)
                .map(|_| {
                    let (counts, start) = (counts.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        counts.try_start_searching()
                    })
                })
                .collect();
            let admitted = workers
                .into_iter()
                .map(|w| w.join().expect("worker panicked"))
                .filter(|&ok| ok)
                .count();
            assert_eq!(admitted, 4);
        }
    })
}
