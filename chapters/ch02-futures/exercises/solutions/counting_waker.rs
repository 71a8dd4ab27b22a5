//! Exercise 2.1: a counting waker (book: Chapter 2, section "Exercises").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Waker;

use futures_task::ArcWake;

// ANCHOR: solution
/// Counts the wake-ups of every waker made from it, from any thread.
#[derive(Debug, Default)]
pub struct WakeCounter {
    count: AtomicUsize,
}

impl WakeCounter {
    /// How many times a waker made from this counter was woken so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl ArcWake for WakeCounter {
    // `ArcWake` provides `wake` (by value) on top of this, so both ways of
    // waking end up here. It may run on any thread, hence the atomic.
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.count.fetch_add(1, Ordering::SeqCst);
    }
}

/// A new `Waker` and the counter that sees its wake-ups (and its clones').
pub fn counting_waker() -> (Waker, Arc<WakeCounter>) {
    let counter = Arc::new(WakeCounter::default());
    // `waker` turns the `Arc` into a `Waker` whose clones are more
    // references to the same counter.
    (futures_task::waker(Arc::clone(&counter)), counter)
}
// ANCHOR_END: solution
