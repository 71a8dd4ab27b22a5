//! Exercise 12.2: slab_remove (book: Chapter 12, section "Exercise 12.2: Taking a task off the slab").

use std::rc::Rc;

pub use crate::slab::{task, Entry, Listed, Slab};

// ANCHOR: solution
impl Slab {
    /// Takes `task` off the slab, if it is there, and hands it back (the
    /// runtime drops it once its lock is released). Anything else (a task
    /// never inserted, or one already removed whose entry was reused) is
    /// left alone, and `None` returned.
    pub fn remove(&mut self, task: &Rc<Listed>) -> Option<Rc<Listed>> {
        // TODO: find the task's entry, make sure it is this task, empty the
        // entry and put it on the free list.
        let _ = task;
        todo!("Exercise 12.2 (slab_remove): see the book, Chapter 12, \"Exercise 12.2: Taking a task off the slab\"")
    }
}
// ANCHOR_END: solution
