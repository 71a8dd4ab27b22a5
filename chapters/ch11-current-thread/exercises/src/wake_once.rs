//! Exercise 11.2: wake once (book: Chapter 11, section "Exercise 11.2: Wake once").

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
    // TODO: push the id unless the task is already queued; two threads may
    // call this at the same moment.
    let _ = (header, queue, Ordering::AcqRel);
    todo!("Exercise 11.2 (wake_once): see the book, Chapter 11, \"Exercise 11.2: Wake once\"")
}

/// The runtime took the task from the queue and is about to poll it.
pub fn start_poll(header: &Header) {
    // TODO: make the next wake-up queue the task again.
    let _ = header;
    todo!("Exercise 11.2 (wake_once): see the book, Chapter 11, \"Exercise 11.2: Wake once\"")
}
// ANCHOR_END: solution
