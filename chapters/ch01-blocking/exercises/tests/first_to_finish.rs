//! Tests for Exercise 1.1 (first_to_finish).

use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::Duration;

use ch01_exercises::first_to_finish::first_to_finish;

const LIMIT: Duration = Duration::from_secs(5);

type Job = Box<dyn FnOnce() -> u32 + Send>;

#[test]
fn the_first_job_to_finish_wins_and_the_others_are_not_waited_for() {
    // Job 0 cannot finish until the test lets it go, which it does only
    // after `first_to_finish` has returned. So the answer must be job 1, and
    // it must come back while job 0 is still blocked.
    let (release, gate) = mpsc::channel::<()>();
    let winner = testkit::within(
        LIMIT,
        "first_to_finish waited for a job that was still running (job 0 \
         blocks until first_to_finish returns; job 1 finished at once)",
        move || {
            let jobs: Vec<Job> = vec![
                Box::new(move || {
                    let _ = gate.recv();
                    0
                }),
                Box::new(|| 7),
            ];
            first_to_finish(jobs)
        },
    );
    let _ = release.send(());
    assert_eq!(
        winner,
        Some((1, 7)),
        "job 1 finished first, so the answer is Some((1, 7))"
    );
}

#[test]
fn the_jobs_run_at_the_same_time() {
    // Every job waits at a barrier for all four: run one after another, or
    // on fewer than four threads, none of them ever finishes.
    let winner = testkit::within(
        LIMIT,
        "no job finished: the four jobs wait for each other, so they must all \
         run at once, each on its own thread",
        || {
            let barrier = Arc::new(Barrier::new(4));
            let jobs: Vec<_> = (0..4u32)
                .map(|i| {
                    let barrier = Arc::clone(&barrier);
                    move || {
                        barrier.wait();
                        i * 10
                    }
                })
                .collect();
            first_to_finish(jobs)
        },
    );
    let (index, value) = winner.expect("four jobs finished, so there is a winner");
    assert_eq!(
        value,
        index as u32 * 10,
        "the value must be the one that job {index} returned"
    );
}

#[test]
fn no_job_runs_on_the_calling_thread() {
    let caller = thread::current().id();
    let winner = testkit::within(LIMIT, "first_to_finish did not return", move || {
        let jobs: Vec<_> = (0..3).map(|_| || thread::current().id()).collect();
        first_to_finish(jobs).map(|(_, id)| id)
    });
    assert_ne!(
        winner.expect("three jobs, so there is a winner"),
        caller,
        "a job ran on the thread that called first_to_finish"
    );
}

#[test]
fn when_every_job_panics_the_answer_is_none() {
    let winner = testkit::within(
        LIMIT,
        "first_to_finish never returned although every job had panicked: is \
         something still able to send a result?",
        || {
            let jobs: Vec<Job> = vec![
                Box::new(|| panic!("job 0 fails on purpose")),
                Box::new(|| panic!("job 1 fails on purpose")),
            ];
            first_to_finish(jobs)
        },
    );
    assert_eq!(winner, None, "no job finished, so there is no winner");
}

#[test]
fn a_job_that_panics_does_not_stop_the_race() {
    // Job 0 panics at once; job 1 finishes only after job 0 has panicked
    // (it waits for a value that job 0 drops while it unwinds).
    let winner = testkit::within(LIMIT, "first_to_finish did not return", || {
        let (unwound, wait_for_it) = mpsc::channel::<()>();
        let jobs: Vec<Job> = vec![
            Box::new(move || {
                let _held_until_the_panic = unwound;
                panic!("job 0 fails on purpose")
            }),
            Box::new(move || {
                // Err once job 0's sender is dropped by its unwinding.
                let _ = wait_for_it.recv();
                5
            }),
        ];
        first_to_finish(jobs)
    });
    assert_eq!(
        winner,
        Some((1, 5)),
        "job 0 panicked, so job 1 is the first (and only) job to finish"
    );
}

#[test]
fn no_jobs_no_winner() {
    let winner = testkit::within(LIMIT, "first_to_finish did not return", || {
        first_to_finish(Vec::<Job>::new())
    });
    assert_eq!(winner, None);
}
