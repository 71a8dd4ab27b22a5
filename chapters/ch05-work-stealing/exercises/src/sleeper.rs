//! Exercise 5.3: Going to sleep without missing a wake-up (book: Chapter 5, section "Exercises").

use std::sync::atomic::Ordering;

pub use ch05_work_stealing::park::Park;
// std's atomic and fence, except that the tests can stage the other side's
// actions between two of your operations (and that under `--cfg loom` they
// are loom's).
use exercise_support::lockstep::{fence, AtomicUsize};

/// One worker that sleeps when its queue is empty, and any number of
/// pushers. The queue is a count of tasks, so only the protocol is left.
pub struct Sleeper<P: Park> {
    /// Tasks queued and not yet taken.
    tasks: AtomicUsize,
    /// 1 from the moment the worker announces that it will park until it
    /// is awake again; 0 otherwise.
    sleeping: AtomicUsize,
    /// The worker parks as worker 0 of this `Park`.
    park: P,
}

impl<P: Park> Sleeper<P> {
    pub fn new(park: P) -> Self {
        Sleeper {
            tasks: AtomicUsize::new(0),
            sleeping: AtomicUsize::new(0),
            park,
        }
    }

    pub fn park(&self) -> &P {
        &self.park
    }

    /// The worker takes one task, if there is one.
    pub fn take(&self) -> bool {
        self.tasks
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    /// A pusher queues one task, then wakes the worker if it sleeps or is
    /// on its way to sleep.
    pub fn push(&self) {
        // TODO: update `self.tasks` and `self.sleeping`, and unpark worker 0
        // when it needs it. Which orderings (or `fence`s) make it safe?
        let _ = fence;
        todo!("Exercise 5.3 (sleeper): see the book, Chapter 5, \"Exercise 5.3: Going to sleep without missing a wake-up\"")
    }

    /// The worker: returns once a task is queued (it does not take it),
    /// parking while there is none, and never spinning.
    pub fn wait_for_work(&self) {
        // TODO: announce, look one last time, park; and go round again.
        todo!("Exercise 5.3 (sleeper): see the book, Chapter 5, \"Exercise 5.3: Going to sleep without missing a wake-up\"")
    }
}
