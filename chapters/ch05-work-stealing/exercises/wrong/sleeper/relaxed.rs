// Wrong: the right steps in the right order, but Relaxed and no fences.
// The worker's store of the flag and its load of the queue may then be
// reordered (store buffering), and so may the pusher's: each side reads the
// other's old value, and the wake-up is lost. Only the loom model
// (tests/loom_sleeper.rs) sees this; the staged tests run one step at a time.

use std::sync::atomic::Ordering;

pub use ch05_work_stealing::park::Park;
// std's atomic and fence, except that the tests can stage the other side's
// actions between two of your operations (and that under `--cfg loom` they
// are loom's).
use exercise_support::lockstep::AtomicUsize;

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
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }

    /// A pusher queues one task, then wakes the worker if it sleeps or is
    /// on its way to sleep.
    pub fn push(&self) {
        // Task first, then the look at the flag: a worker that announced
        // after this look will see the task in its last look.
        self.tasks.fetch_add(1, Ordering::Relaxed);
        // The write above and the read below must not be reordered; the
        // worker's fence is the other half (the chapter's `Idle` does the
        // same).
        // `swap`: of several pushers, one unparks.
        if self.sleeping.swap(0, Ordering::Relaxed) == 1 {
            self.park.unpark(0);
        }
    }

    /// The worker: returns once a task is queued (it does not take it),
    /// parking while there is none, and never spinning.
    pub fn wait_for_work(&self) {
        loop {
            if self.tasks.load(Ordering::Relaxed) > 0 {
                return;
            }
            // Announce first, look last: a push before the announcement is
            // seen by the look below, and a push after it sees the flag.
            self.sleeping.store(1, Ordering::Relaxed);
            if self.tasks.load(Ordering::Relaxed) > 0 {
                self.sleeping.store(0, Ordering::Relaxed);
                return;
            }
            self.park.park(0);
            // Woken (or a spurious return): awake again, and look again.
            self.sleeping.store(0, Ordering::Relaxed);
        }
    }
}
