// Wrong: the displaced task goes to the front of the queue, so it jumps
// ahead of tasks that were ready before it.

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
        if self.running.is_none() {
            // Not inside a task: the reactor woke it while this worker was
            // parked. A worker back from `park` looks in its queue only.
            self.queue.push_back(task);
            return true;
        }
        if self.running == Some(task) {
            // It woke itself: a yield. In the slot it would run again at
            // once; at the back of the queue everyone else goes first.
            self.queue.push_back(task);
            return true;
        }
        match self.slot.replace(task) {
            // This worker runs the slot as soon as the poll returns, and
            // nobody else can: waking a sleeper would wake it for nothing.
            None => false,
            // The displaced task is now where a thief can take it.
            Some(displaced) => {
                self.queue.push_front(displaced);
                true
            }
        }
    }
}
// ANCHOR_END: solution
