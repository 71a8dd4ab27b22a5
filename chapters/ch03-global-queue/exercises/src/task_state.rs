//! Exercise 3.2: The task state machine (book: Chapter 3, section "Exercises").

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
        // TODO: follow the state diagram. Any number of threads may call
        // this at the same moment, and a worker may be polling the task.
        todo!("Exercise 3.2 (task_state): see the book, Chapter 3, \"Exercise 3.2: The task state machine\"")
    }

    /// A worker took the task off a queue and is about to poll it. False if
    /// it completed meanwhile (cancelled while queued): do not poll it.
    pub fn start_running(&self) -> bool {
        // TODO: SCHEDULED becomes RUNNING; anything else means "do not poll".
        todo!("Exercise 3.2 (task_state): see the book, Chapter 3, \"Exercise 3.2: The task state machine\"")
    }

    /// The poll returned `Pending`: the task waits, unless a wake came
    /// during the poll, in which case the worker must queue it again.
    pub fn finish_pending(&self) -> AfterPoll {
        // TODO: RUNNING becomes IDLE, NOTIFIED becomes SCHEDULED; a wake may
        // land at any moment while you decide.
        todo!("Exercise 3.2 (task_state): see the book, Chapter 3, \"Exercise 3.2: The task state machine\"")
    }

    /// The task finished, panicked or was cancelled: later wakes do nothing.
    pub fn complete(&self) {
        // TODO
        todo!("Exercise 3.2 (task_state): see the book, Chapter 3, \"Exercise 3.2: The task state machine\"")
    }
}
