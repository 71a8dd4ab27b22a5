//! Tests for Exercise 5.3 (sleeper). Run them with
//! `cargo test -p ch05-exercises --test sleeper`.
//!
//! A lost wake-up needs the other side to act at one exact moment. These
//! tests stage it there: with `exercise_support::lockstep::interleave`, a
//! push runs just before the 1st, 2nd, 3rd, ... atomic operation of your
//! `wait_for_work` (and the worker starts just before each operation of
//! your `push`). A protocol with a gap hangs at that point on every run,
//! and the test's timeout turns the hang into a failure.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use ch05_exercises::sleeper::{Park, Sleeper};
use exercise_support::lockstep::{interleave, run_staged_now};

/// A `Park` for one worker that tells the test when the worker parks, and
/// runs a staged push first, so it happens while the worker sleeps.
#[derive(Default)]
struct WatchedPark {
    state: Mutex<Watched>,
    changed: Condvar,
}

#[derive(Default)]
struct Watched {
    unparked: bool,
    parks: usize,
    /// Returns from the first park without an unpark, as a real park may.
    spurious_first: bool,
    worker_done: bool,
}

impl WatchedPark {
    fn state(&self) -> MutexGuard<'_, Watched> {
        self.state.lock().unwrap()
    }

    /// Waits until `until` holds; a test's timeout ends a wait that never does.
    fn wait_for(&self, until: impl Fn(&Watched) -> bool) {
        let mut state = self.state();
        while !until(&state) {
            state = self.changed.wait(state).unwrap();
        }
    }

    fn worker_done(&self) {
        self.state().worker_done = true;
        self.changed.notify_all();
    }
}

impl Park for WatchedPark {
    fn new(_workers: usize) -> Self {
        WatchedPark::default()
    }

    fn park(&self, _index: usize) {
        run_staged_now();
        let mut state = self.state();
        state.parks += 1;
        self.changed.notify_all();
        if state.parks == 1 && state.spurious_first {
            return;
        }
        while !state.unparked {
            state = self.changed.wait(state).unwrap();
        }
        state.unparked = false;
    }

    fn unpark(&self, _index: usize) {
        self.state().unparked = true;
        self.changed.notify_all();
    }
}

fn sleeper() -> Arc<Sleeper<WatchedPark>> {
    Arc::new(Sleeper::new(WatchedPark::default()))
}

const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn a_push_at_any_moment_of_going_to_sleep_wakes_the_worker() {
    for point in 1..=6 {
        testkit::within(
            LIMIT,
            &format!(
                "lost wake-up: a push landed just before operation {point} of \
                 wait_for_work, and the worker slept through it. Announce \
                 first, then look at the queue one last time, then park"
            ),
            move || {
                let sleeper = sleeper();
                let pusher = sleeper.clone();
                interleave(point, move || pusher.push(), || sleeper.wait_for_work());
                assert!(sleeper.take(), "wait_for_work returned with no task queued");
            },
        );
    }
}

#[test]
fn a_worker_going_to_sleep_at_any_moment_of_a_push_is_woken() {
    for point in 1..=4 {
        testkit::within(
            LIMIT,
            &format!(
                "lost wake-up: the worker went to sleep just before operation \
                 {point} of push, and the push never woke it. Queue the task \
                 first, then look whether the worker sleeps"
            ),
            move || {
                let sleeper = sleeper();
                let worker: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
                let start_worker = {
                    let (sleeper, worker) = (sleeper.clone(), worker.clone());
                    move || {
                        let handle = thread::spawn({
                            let sleeper = sleeper.clone();
                            move || {
                                sleeper.wait_for_work();
                                sleeper.park().worker_done();
                            }
                        });
                        *worker.borrow_mut() = Some(handle);
                        // Until it has parked, or found the task at once.
                        sleeper
                            .park()
                            .wait_for(|state| state.parks > 0 || state.worker_done);
                    }
                };
                interleave(point, start_worker, || sleeper.push());
                let handle = worker.borrow_mut().take().expect("the worker started");
                handle.join().expect("the worker panicked");
                assert!(sleeper.take(), "the worker returned with no task queued");
            },
        );
    }
}

#[test]
fn an_idle_worker_parks_instead_of_spinning() {
    testkit::within(
        LIMIT,
        "the worker never parked with an empty queue: an idle worker must \
         sleep in park, not spin",
        || {
            let sleeper = sleeper();
            let worker = thread::spawn({
                let sleeper = sleeper.clone();
                move || sleeper.wait_for_work()
            });
            sleeper.park().wait_for(|state| state.parks > 0);
            sleeper.push();
            worker.join().expect("the worker panicked");
            assert!(sleeper.take());
        },
    );
}

#[test]
fn a_park_that_returns_for_no_reason_is_followed_by_another_look() {
    testkit::within(LIMIT, "the worker did not wake for the push", || {
        let sleeper = sleeper();
        sleeper.park().state().spurious_first = true;
        let worker = thread::spawn({
            let sleeper = sleeper.clone();
            move || {
                sleeper.wait_for_work();
                sleeper.park().worker_done();
            }
        });
        sleeper
            .park()
            .wait_for(|state| state.parks >= 2 || state.worker_done);
        assert!(
            !sleeper.park().state().worker_done,
            "park returned without an unpark (parks may), and wait_for_work \
             returned with no task queued: look at the queue again and park \
             again"
        );
        sleeper.push();
        worker.join().expect("the worker panicked");
        assert!(sleeper.take());
    });
}
