//! Exercise 2.1: a counting waker (book: Chapter 2, section "Exercises").

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::task::Waker;

use futures_task::ArcWake;

/// Counts the wake-ups of every waker made from it, from any thread.
#[derive(Debug, Default)]
pub struct WakeCounter {
    count: AtomicUsize,
}

impl WakeCounter {
    /// How many times a waker made from this counter was woken so far.
    pub fn count(&self) -> usize {
        let _ = &self.count;
        todo!("Exercise 2.1 (counting_waker): see the book, Chapter 2, \"Exercise 2.1: a counting waker\"")
    }
}

impl ArcWake for WakeCounter {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        // TODO: count one wake-up.
        let _ = arc_self;
        todo!("Exercise 2.1 (counting_waker): see the book, Chapter 2, \"Exercise 2.1: a counting waker\"")
    }
}

/// A new `Waker` and the counter that sees its wake-ups (and its clones').
pub fn counting_waker() -> (Waker, Arc<WakeCounter>) {
    todo!("Exercise 2.1 (counting_waker): see the book, Chapter 2, \"Exercise 2.1: a counting waker\"")
}
