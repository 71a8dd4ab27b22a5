// Wrong: reads the flag but never sets it, so every wake-up after the
// first poll queues the task again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What a waker holds of its task.
#[derive(Debug)]
pub struct Header {
    pub id: u64,
    /// True while the task is in the queue (or about to be polled from it).
    pub scheduled: AtomicBool,
}

impl Header {
    /// A task just spawned: queued once, by the spawn.
    pub fn spawned(id: u64, queue: &Mutex<Vec<u64>>) -> Header {
        queue.lock().expect("queue").push(id);
        Header {
            id,
            scheduled: AtomicBool::new(true),
        }
    }
}

// ANCHOR: solution
/// `wake_by_ref`: queue the task, unless it is queued already. Called from
/// any thread, any number of times.
pub fn wake(header: &Header, queue: &Mutex<Vec<u64>>) {
    if !header.scheduled.load(Ordering::Acquire) {
        queue.lock().expect("queue").push(header.id);
    }
}

/// The runtime took the task from the queue and is about to poll it.
pub fn start_poll(header: &Header) {
    // Cleared before the poll, not after: a wake-up that arrives while the
    // task runs must queue it again, or it is lost.
    header.scheduled.store(false, Ordering::Release);
}
// ANCHOR_END: solution
