//! The loom model of Exercise 3.2 (task_state): every interleaving of a
//! worker and the wakers, not just the ones a test run happens to hit.
//!
//! Run it with `cargo xtask loom task_state`, which is
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p ch03-exercises --test loom_task_state --release`.
#![cfg(loom)]

use ch03_exercises::task_state::{AfterPoll, State, WakeAction};
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

/// A wake that races with a poll is never lost and never queues the task
/// twice.
#[test]
fn a_wake_during_a_poll_is_neither_lost_nor_doubled() {
    loom::model(|| {
        let state = Arc::new(State::new_scheduled());
        let event = Arc::new(AtomicBool::new(false));
        let queued = Arc::new(AtomicUsize::new(0));

        let waker = {
            let (state, event, queued) = (state.clone(), event.clone(), queued.clone());
            thread::spawn(move || {
                event.store(true, Ordering::SeqCst);
                if state.wake() == WakeAction::Schedule {
                    queued.fetch_add(1, Ordering::SeqCst);
                }
            })
        };

        // The worker: one poll that looks for the event.
        assert!(state.start_running(), "a new task must start running");
        let seen_by_poll = event.load(Ordering::SeqCst);
        if state.finish_pending() == AfterPoll::Reschedule {
            queued.fetch_add(1, Ordering::SeqCst);
        }
        waker.join().unwrap();

        let queued = queued.load(Ordering::SeqCst);
        assert!(
            queued <= 1,
            "the task was queued twice: the wake and the worker both queued it"
        );
        assert!(
            seen_by_poll || queued == 1,
            "lost wake-up: the event happened after the poll looked for it, and neither \
             the wake nor finish_pending queued the task, so it sleeps for ever"
        );
    });
}

/// Two wakes of an IDLE task, at the same moment: exactly one queues it.
#[test]
fn two_racing_wakes_of_an_idle_task_queue_it_once() {
    loom::model(|| {
        let state = Arc::new(State::new_scheduled());
        assert!(state.start_running());
        assert_eq!(state.finish_pending(), AfterPoll::Idle);
        let queued = Arc::new(AtomicUsize::new(0));
        let wakers: Vec<_> = (0..2)
            .map(|_| {
                let (state, queued) = (state.clone(), queued.clone());
                thread::spawn(move || {
                    if state.wake() == WakeAction::Schedule {
                        queued.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for w in wakers {
            w.join().unwrap();
        }
        let queued = queued.load(Ordering::SeqCst);
        assert!(
            queued == 1,
            "two wakes of an IDLE task queued it {queued} times: exactly one must (the \
             one whose read-modify-write found IDLE)"
        );
    });
}

/// A worker that polls until the task's event has been seen, against a
/// waker: the task always gets the poll it needs, and is never in two
/// places at once.
#[test]
fn a_worker_and_a_waker_never_lose_the_task() {
    loom::model(|| {
        let state = Arc::new(State::new_scheduled());
        let event = Arc::new(AtomicBool::new(false));
        // Queue entries the waker made (the worker's own are counted below).
        let queued_by_waker = Arc::new(AtomicUsize::new(0));

        let waker = {
            let (state, event, queued) = (state.clone(), event.clone(), queued_by_waker.clone());
            thread::spawn(move || {
                event.store(true, Ordering::SeqCst);
                if state.wake() == WakeAction::Schedule {
                    queued.fetch_add(1, Ordering::SeqCst);
                }
            })
        };

        // The worker polls while the task is in its hands; a task handed to
        // the waker's queue is polled once the waker is done.
        let mut polls = 0;
        let mut done = false;
        let mut runnable = true;
        while runnable && polls < 3 {
            assert!(state.start_running(), "a queued task must start running");
            polls += 1;
            if event.load(Ordering::SeqCst) {
                state.complete();
                done = true;
                break;
            }
            runnable = state.finish_pending() == AfterPoll::Reschedule;
        }
        waker.join().unwrap();
        let handed_over = queued_by_waker.load(Ordering::SeqCst);
        assert!(
            handed_over == 0 || (!done && !runnable),
            "the task was queued twice: the waker queued it while the worker still had \
             it (running it, or about to run it again)"
        );
        if !done {
            assert!(
                !runnable && handed_over == 1,
                "lost wake-up: the task went IDLE after a poll that missed the event, and \
                 nobody queued it again"
            );
            assert!(state.start_running(), "the queued task must start running");
            assert!(event.load(Ordering::SeqCst));
            state.complete();
        }
    });
}
