//! Exercise 12.1: schedule_local (book: Chapter 12, section "Exercise 12.1: Where a task goes").

use std::collections::VecDeque;

/// What `schedule` sees of the worker it is called on. Tasks are numbers;
/// one thread owns all of it, so no atomics.
#[derive(Debug, Default)]
pub struct Local {
    /// Run before anything in `queue`; no other worker can take it.
    pub slot: Option<u32>,
    /// Oldest first; other workers steal from it.
    pub queue: VecDeque<u32>,
    /// The task this worker is polling right now; `None` between polls,
    /// when the reactor (turned by this worker) may wake tasks too.
    pub running: Option<u32>,
}

// ANCHOR: solution
impl Local {
    /// `task` was woken or spawned on this worker, during the poll of
    /// `running`. Puts it where it belongs and returns whether a sleeping
    /// worker should be woken.
    pub fn schedule_local(&mut self, task: u32) -> bool {
        // TODO: a wake-up from outside any task, a yield, a task for an
        // empty slot, a task that displaces another: where each goes, and
        // whether it wakes a sibling.
        let _ = task;
        todo!("Exercise 12.1 (schedule_local): see the book, Chapter 12, \"Exercise 12.1: Where a task goes\"")
    }
}
// ANCHOR_END: solution
