// Wrong: a wake that finds the task RUNNING queues it at once. Another
// worker can take it off the queue and poll the same future while the
// first worker is still polling it, and the task ends up queued twice.

use ch03_global_queue::sync::{AtomicU8, Ordering};

pub use ch03_global_queue::state::{AfterPoll, WakeAction};

/// Waiting for a wake-up; in no queue.
pub const IDLE: u8 = 0;
/// In a run queue (or about to be pushed onto one).
pub const SCHEDULED: u8 = 1;
/// A worker is polling it right now.
pub const RUNNING: u8 = 2;
/// Woken while RUNNING: the worker must queue it again once its poll returns.
pub const NOTIFIED: u8 = 3;
/// Finished (or cancelled); wake-ups are ignored from now on.
pub const COMPLETE: u8 = 4;

/// One task's state, shared by its wakers (any thread) and the worker that
/// runs it.
#[derive(Debug)]
pub struct State(AtomicU8);

impl State {
    /// A new task starts SCHEDULED, because `spawn` queues it straight away.
    pub fn new_scheduled() -> Self {
        State(AtomicU8::new(SCHEDULED))
    }

    /// The state right now, for tests and debugging.
    pub fn get(&self) -> u8 {
        self.0.load(Ordering::Acquire)
    }

    pub fn wake(&self) -> WakeAction {
        let mut action = WakeAction::Nothing;
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                Some(match current {
                    IDLE | RUNNING => {
                        action = WakeAction::Schedule;
                        SCHEDULED
                    }
                    other => {
                        action = WakeAction::Nothing;
                        other
                    }
                })
            });
        action
    }

    /// A worker took the task off a queue and is about to poll it. False if
    /// it completed meanwhile (cancelled while queued): do not poll it.
    pub fn start_running(&self) -> bool {
        self.0
            .compare_exchange(SCHEDULED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The poll returned `Pending`: the task waits, unless a wake came
    /// during the poll, in which case the worker must queue it again.
    pub fn finish_pending(&self) -> AfterPoll {
        match self
            .0
            .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => AfterPoll::Idle,
            Err(_notified) => {
                self.0.swap(SCHEDULED, Ordering::AcqRel);
                AfterPoll::Reschedule
            }
        }
    }

    /// The task finished, panicked or was cancelled: later wakes do nothing.
    pub fn complete(&self) {
        self.0.store(COMPLETE, Ordering::Release);
    }
}
