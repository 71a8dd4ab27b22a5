// Wrong: indexes the entries without asking whether the slot exists. A
// task that was never inserted reads slot 0, which an empty slab lacks.

use std::rc::Rc;

pub use crate::slab::{task, Entry, Listed, Slab};

// ANCHOR: solution
impl Slab {
    /// Takes `task` off the slab, if it is there, and hands it back (the
    /// runtime drops it once its lock is released). Anything else (a task
    /// never inserted, or one already removed whose entry was reused) is
    /// left alone, and `None` returned.
    pub fn remove(&mut self, task: &Rc<Listed>) -> Option<Rc<Listed>> {
        let slot = task.slot.get();
        match &self.entries[slot as usize] {
            Entry::Task(listed) if Rc::ptr_eq(listed, task) => {}
            _ => return None,
        }
        let emptied = Entry::Free {
            next: self.next_free,
        };
        let removed = std::mem::replace(&mut self.entries[slot as usize], emptied);
        self.next_free = Some(slot);
        self.len -= 1;
        match removed {
            Entry::Task(task) => Some(task),
            Entry::Free { .. } => unreachable!("checked above"),
        }
    }
}
// ANCHOR_END: solution
