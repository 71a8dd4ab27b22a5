//! Tests for Exercise 1.2 (run_with_limit).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use ch01_exercises::run_with_limit::run_with_limit;

/// Counts how many jobs run at once and remembers the highest count.
#[derive(Default)]
struct Peak {
    running: AtomicUsize,
    highest: AtomicUsize,
}

impl Peak {
    fn enter(&self) {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.highest.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
    }
}

#[test]
fn never_more_than_limit_jobs_at_once() {
    let peak = Arc::new(Peak::default());
    let jobs: Vec<_> = (0..12)
        .map(|i| {
            let peak = Arc::clone(&peak);
            move || {
                peak.enter();
                // Long enough that jobs would pile up if nothing held them back.
                thread::sleep(Duration::from_millis(10));
                peak.leave();
                i
            }
        })
        .collect();
    let results = testkit::timeout(move || run_with_limit(jobs, 3));
    assert_eq!(results, (0..12).collect::<Vec<_>>());
    let highest = peak.highest.load(Ordering::SeqCst);
    assert!(
        highest <= 3,
        "{highest} jobs ran at once with a limit of 3: start at most `limit` threads"
    );
}

#[test]
fn limit_jobs_do_run_at_once() {
    // Each job waits until three jobs are running together. With fewer than
    // three threads at a time this never happens and the test times out.
    // Six jobs = two rounds of three.
    let results = testkit::with_timeout(Duration::from_secs(5), || {
        let barrier = Arc::new(Barrier::new(3));
        let jobs: Vec<_> = (0..6)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                move || {
                    barrier.wait();
                    i * i
                }
            })
            .collect();
        run_with_limit(jobs, 3)
    });
    assert_eq!(results, [0, 1, 4, 9, 16, 25]);
}

#[test]
fn a_limit_larger_than_the_job_count_works() {
    let results = testkit::timeout(|| {
        let jobs: Vec<_> = (0..2).map(|i| move || i + 1).collect();
        run_with_limit(jobs, 100)
    });
    assert_eq!(results, [1, 2]);
}

#[test]
fn no_jobs_no_results() {
    let results: Vec<u8> = testkit::timeout(|| run_with_limit(Vec::<fn() -> u8>::new(), 4));
    assert!(results.is_empty());
}
