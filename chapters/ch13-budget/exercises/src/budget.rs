//! The budget's storage, shared by both exercises: one cell per thread,
//! holding the units left to the task this thread is polling, or `None`
//! when nobody counts (outside any task, or in an unconstrained one).

use std::cell::Cell;
use std::future::Future;

/// Units per poll of a task, as in tokio.
pub const BUDGET: u8 = 128;

std::thread_local! {
    static CURRENT: Cell<Option<u8>> = const { Cell::new(None) };
}

/// The units left on this thread.
pub fn get() -> Option<u8> {
    CURRENT.with(Cell::get)
}

/// Replaces the units left on this thread.
pub fn set(budget: Option<u8>) {
    CURRENT.with(|current| current.set(budget));
}

/// A task's future, to be polled with a fresh budget each time: Exercise
/// 13.2 writes its `poll`. `Unpin`, so that poll can reach `future` with
/// `Pin::new` and the exercise is about the budget, not about pinning.
pub struct Budgeted<F: Future + Unpin> {
    pub future: F,
}

impl<F: Future + Unpin> Budgeted<F> {
    pub fn new(future: F) -> Budgeted<F> {
        Budgeted { future }
    }
}
