// Wrong: with the budget spent it returns Pending and wakes nobody. The
// resource is ready, so no reactor event will come either: the task is
// never polled again.

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
        Some(0) => {
            // Out of budget: the task is done for this turn.
            let _ = cx;
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
