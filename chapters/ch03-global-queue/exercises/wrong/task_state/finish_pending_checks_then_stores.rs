// Wrong: `finish_pending` reads the state, then stores IDLE or SCHEDULED. A
// wake that lands between the read (RUNNING) and the store turns RUNNING
// into NOTIFIED and leaves the queueing to the worker, and the store then
// overwrites NOTIFIED with IDLE: the wake-up is lost.

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

    /// A waker fired. Only the wake that moves the task from IDLE to
    /// SCHEDULED may queue it.
    pub fn wake(&self) -> WakeAction {
        let mut action = WakeAction::Nothing;
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                Some(match current {
                    IDLE => {
                        action = WakeAction::Schedule;
                        SCHEDULED
                    }
                    RUNNING => {
                        action = WakeAction::Nothing;
                        NOTIFIED
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

    pub fn finish_pending(&self) -> AfterPoll {
        if self.0.load(Ordering::Acquire) == NOTIFIED {
            self.0.store(SCHEDULED, Ordering::Release);
            AfterPoll::Reschedule
        } else {
            self.0.store(IDLE, Ordering::Release);
            AfterPoll::Idle
        }
    }

    /// The task finished, panicked or was cancelled: later wakes do nothing.
    pub fn complete(&self) {
        self.0.store(COMPLETE, Ordering::Release);
    }
}
