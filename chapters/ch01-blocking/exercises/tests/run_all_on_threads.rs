//! Tests for Exercise 1.1 (run_all_on_threads).

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use ch01_exercises::run_all_on_threads::run_all_on_threads;

#[test]
fn results_come_back_in_input_order() {
    let results = testkit::timeout(|| {
        // The first job finishes last, so the finishing order is the reverse
        // of the input order.
        let jobs: Vec<_> = (0..4u64)
            .map(|i| {
                move || {
                    thread::sleep(Duration::from_millis(40 - 10 * i));
                    i * 10
                }
            })
            .collect();
        run_all_on_threads(jobs)
    });
    assert_eq!(
        results,
        [0, 10, 20, 30],
        "the results must come back in the order of the jobs, not the order they finished in"
    );
}

#[test]
fn all_jobs_run_at_the_same_time() {
    // Each job waits until all four are running. Run one after another (or
    // on fewer than four threads), the first job would wait forever, and the
    // timeout turns that into a failure.
    let results = testkit::with_timeout(Duration::from_secs(5), || {
        let barrier = Arc::new(Barrier::new(4));
        let jobs: Vec<_> = (0..4)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                move || {
                    barrier.wait();
                    i
                }
            })
            .collect();
        run_all_on_threads(jobs)
    });
    assert_eq!(
        results,
        [0, 1, 2, 3],
        "the results must come back in the order of the jobs"
    );
}

#[test]
fn each_job_runs_on_a_new_thread() {
    let caller = thread::current().id();
    let ids = testkit::timeout(|| {
        let jobs: Vec<_> = (0..3).map(|_| || thread::current().id()).collect();
        run_all_on_threads(jobs)
    });
    assert!(ids.iter().all(|&id| id != caller));
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
}

#[test]
#[should_panic(expected = "job 1 failed")]
fn a_panicking_job_panics_the_caller() {
    testkit::timeout(|| {
        let jobs: Vec<Box<dyn FnOnce() -> u32 + Send>> =
            vec![Box::new(|| 0), Box::new(|| panic!("job 1 failed"))];
        run_all_on_threads(jobs)
    });
}
