// Wrong: the emptied entry becomes the free list's head, but forgets the
// old head: every entry emptied before it is lost for good.

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
        match self.entries.get(slot as usize) {
            Some(Entry::Task(listed)) if Rc::ptr_eq(listed, task) => {}
            _ => return None,
        }
        let emptied = Entry::Free { next: None };
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
