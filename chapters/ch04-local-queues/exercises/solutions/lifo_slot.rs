//! Exercise 4.1: The LIFO slot (book: Chapter 4, section "Exercises").

use std::collections::VecDeque;

/// How many tasks in a row may come from the slot before the queue gets a
/// turn. tokio uses 3 (`MAX_LIFO_POLLS_PER_TICK`).
pub const MAX_SLOT_RUNS_IN_A_ROW: u32 = 3;

/// A worker's local queue with a one-task slot in front of it.
pub struct LifoQueue<T> {
    /// The task most recently woken or spawned by the running task.
    slot: Option<T>,
    /// Everything else, oldest first.
    queue: VecDeque<T>,
    /// How many of the last pops in a row took the slot.
    slot_runs: u32,
}

impl<T> Default for LifoQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> LifoQueue<T> {
    pub fn new() -> Self {
        LifoQueue {
            slot: None,
            queue: VecDeque::new(),
            slot_runs: 0,
        }
    }

    /// Tasks held, the slot included.
    pub fn len(&self) -> usize {
        self.queue.len() + usize::from(self.slot.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A task that yielded: it goes to the back of the queue, never into
    /// the slot, or it would run again at once.
    pub fn push_back(&mut self, task: T) {
        self.queue.push_back(task);
    }

    // ANCHOR: solution
    /// A task woken or spawned by the running task: it runs next. A task
    /// already in the slot moves to the back of the queue.
    pub fn push_lifo(&mut self, task: T) {
        if let Some(older) = self.slot.replace(task) {
            self.queue.push_back(older);
        }
    }

    /// The next task to run: the slot's, unless the slot already gave the
    /// last `MAX_SLOT_RUNS_IN_A_ROW` tasks; then the slot's task joins the
    /// back of the queue and the queue's oldest task runs.
    pub fn pop(&mut self) -> Option<T> {
        if self.slot_runs < MAX_SLOT_RUNS_IN_A_ROW {
            if let Some(task) = self.slot.take() {
                self.slot_runs += 1;
                return Some(task);
            }
        } else if let Some(task) = self.slot.take() {
            self.queue.push_back(task);
        }
        self.slot_runs = 0;
        self.queue.pop_front()
    }
    // ANCHOR_END: solution
}
