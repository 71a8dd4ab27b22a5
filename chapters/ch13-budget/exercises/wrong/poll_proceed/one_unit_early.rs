// Wrong: refuses when one unit is left instead of none ("the last unit is
// the one that runs out"), so a budget of 128 allows 127 operations.

use std::cell::Cell;
use std::task::{Context, Poll};

use crate::budget;

// ANCHOR: solution
/// Called by a resource before it does an operation. With units left, takes
/// one and returns `Ready` with a guard; with none, makes sure the task is
/// polled again later and returns `Pending`; when nobody counts, always
/// `Ready`, taking nothing.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    match budget::get() {
        None => Poll::Ready(RestoreOnPending {
            took: Cell::new(false),
        }),
        Some(0 | 1) => {
            // Nobody else will wake this task: the resource is ready, it is
            // the budget that says no. Woken now, it waits its turn behind
            // the tasks already queued.
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Some(left) => {
            budget::set(Some(left - 1));
            Poll::Ready(RestoreOnPending {
                took: Cell::new(true),
            })
        }
    }
}

/// The unit `poll_proceed` took. If the operation turned out `Pending`, the
/// resource just drops the guard, and the unit goes back to the budget; if
/// it was ready, the resource calls `made_progress` first, and the unit
/// stays spent.
pub struct RestoreOnPending {
    /// Whether there is a unit to give back.
    took: Cell<bool>,
}

impl RestoreOnPending {
    pub fn made_progress(&self) {
        self.took.set(false);
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if let (true, Some(left)) = (self.took.get(), budget::get()) {
            budget::set(Some(left + 1));
        }
    }
}
// ANCHOR_END: solution
