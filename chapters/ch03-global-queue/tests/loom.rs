//! Model checks of the scheduler core with loom: every interleaving of the
//! threads below is explored (up to the preemption bound), not just the ones
//! a test run happens to hit.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p ch03-global-queue --test loom --release`
//! (`cargo xtask loom` runs every loom model in its own target folder).
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use ch03_global_queue::runtime::Runtime;
use ch03_global_queue::state::{AfterPoll, State, WakeAction};
use ch03_global_queue::GlobalQueue;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;

// ANCHOR: wake_during_poll
/// A wake that races with a poll is never lost and never queues the task twice.
#[test]
fn a_wake_during_poll_is_neither_lost_nor_doubled() {
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

        // The worker: one poll that looks at the event.
        assert!(state.start_running());
        let seen_by_poll = event.load(Ordering::SeqCst);
        if state.finish_pending() == AfterPoll::Reschedule {
            queued.fetch_add(1, Ordering::SeqCst);
        }
        waker.join().unwrap();

        let queued = queued.load(Ordering::SeqCst);
        assert!(queued <= 1, "the task was queued twice");
        assert!(
            seen_by_poll || queued == 1,
            "the event happened after the poll looked, and nobody queued the task: lost wake-up"
        );
    });
}
// ANCHOR_END: wake_during_poll

/// A one-shot signal whose waker lives behind a loom mutex.
#[derive(Default)]
struct Signal {
    inner: Mutex<(bool, Option<Waker>)>,
}

impl Signal {
    fn fire(&self) {
        let waker = {
            let mut inner = self.inner.lock().unwrap();
            inner.0 = true;
            inner.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

struct Wait(Arc<Signal>);

impl Future for Wait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut inner = self.0.inner.lock().unwrap();
        if inner.0 {
            Poll::Ready(())
        } else {
            inner.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// A task woken from a foreign thread completes on a one-worker runtime, and
/// the runtime shuts down cleanly (loom reports leaked `Arc`s and deadlocks).
#[test]
fn a_wake_from_another_thread_reaches_a_parked_worker() {
    loom::model(|| {
        let rt = Runtime::<GlobalQueue>::new(1);
        let signal = Arc::new(Signal::default());
        let join = rt.spawn(Wait(signal.clone()));
        let firer = thread::spawn(move || signal.fire());
        loom::future::block_on(join).expect("the task completes");
        firer.join().unwrap();
        drop(rt);
    });
}

/// Dropping the runtime while a task waits for a wake that never comes drops
/// the task's future exactly once (the loom `Arc` inside it would otherwise
/// be reported as leaked).
#[test]
fn shutdown_drops_a_waiting_task() {
    loom::model(|| {
        let rt = Runtime::<GlobalQueue>::new(1);
        let signal = Arc::new(Signal::default());
        let join = rt.spawn(Wait(signal.clone()));
        drop(rt);
        let result = loom::future::block_on(join);
        assert!(result.expect_err("never completed").is_cancelled());
        // Only the test's own reference is left.
        assert_eq!(Arc::strong_count(&signal), 1);
    });
}

/// The first version of `State::wake` in this book read the state with a
/// plain load and returned early when the task was already SCHEDULED. Loom
/// found the interleaving that loses a wake-up (see the test above); this
/// copy of that version keeps the counterexample reproducible.
mod load_then_cas {
    use loom::sync::atomic::{AtomicU8, Ordering};

    const SCHEDULED: u8 = 1;
    const RUNNING: u8 = 2;
    const NOTIFIED: u8 = 3;
    const IDLE: u8 = 0;

    pub struct State(pub AtomicU8);

    impl State {
        // ANCHOR: load_then_cas
        /// Returns true if the caller must queue the task.
        pub fn wake(&self) -> bool {
            let mut current = self.0.load(Ordering::Acquire);
            loop {
                let next = match current {
                    IDLE => SCHEDULED,
                    RUNNING => NOTIFIED,
                    _ => return false, // the bug: no write, so no ordering
                };
                match self.0.compare_exchange_weak(
                    current,
                    next,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => return next == SCHEDULED,
                    Err(actual) => current = actual,
                }
            }
        }
        // ANCHOR_END: load_then_cas

        pub fn start_running(&self) {
            // Acquire here does not help: the waker never writes, so there
            // is no release for it to pair with.
            let _ =
                self.0
                    .compare_exchange(SCHEDULED, RUNNING, Ordering::AcqRel, Ordering::Acquire);
        }

        /// Returns true if the task must be queued again.
        pub fn finish_pending(&self) -> bool {
            self.0
                .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        }
    }
}

// ANCHOR: finds_it
#[test]
fn loom_finds_the_lost_wake_up_in_the_load_then_cas_wake() {
    let found = std::panic::catch_unwind(|| {
        loom::model(|| {
            let state = Arc::new(load_then_cas::State(loom::sync::atomic::AtomicU8::new(1)));
            let event = Arc::new(AtomicBool::new(false));
            let queued = Arc::new(AtomicUsize::new(0));
            let waker = {
                let (state, event, queued) = (state.clone(), event.clone(), queued.clone());
                thread::spawn(move || {
                    event.store(true, Ordering::SeqCst);
                    if state.wake() {
                        queued.fetch_add(1, Ordering::SeqCst);
                    }
                })
            };
            state.start_running();
            let seen_by_poll = event.load(Ordering::SeqCst);
            if state.finish_pending() {
                queued.fetch_add(1, Ordering::SeqCst);
            }
            waker.join().unwrap();
            assert!(
                seen_by_poll || queued.load(Ordering::SeqCst) == 1,
                "lost wake-up"
            );
        });
    });
    assert!(
        found.is_err(),
        "loom should find the lost wake-up in the old wake"
    );
}
// ANCHOR_END: finds_it
