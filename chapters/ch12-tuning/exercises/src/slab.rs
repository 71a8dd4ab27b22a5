//! Chapter 12's task list, as one thread's data: the slab that Exercise
//! 12.2 takes tasks off. Everything but `remove` is here, as the chapter
//! has it (without the shards and the lock).

use std::rc::Rc;

/// A listed task: its id, and the slot the slab put it in.
#[derive(Debug)]
pub struct Listed {
    pub id: u64,
    pub slot: std::cell::Cell<u32>,
}

/// A task that no slab has seen yet (its slot reads 0 until inserted).
pub fn task(id: u64) -> Rc<Listed> {
    Rc::new(Listed {
        id,
        slot: std::cell::Cell::new(0),
    })
}

#[derive(Debug)]
pub enum Entry {
    Task(Rc<Listed>),
    /// An empty entry, and the next one on the list of empty entries.
    Free {
        next: Option<u32>,
    },
}

#[derive(Debug, Default)]
pub struct Slab {
    pub entries: Vec<Entry>,
    /// The most recently emptied entry: the head of the free list.
    pub next_free: Option<u32>,
    pub len: usize,
}

impl Slab {
    /// Puts `task` in an empty entry (the free list's head) or, if there is
    /// none, a new one, and tells the task where it is.
    pub fn insert(&mut self, task: Rc<Listed>) {
        let slot = match self.next_free {
            Some(free) => {
                let Entry::Free { next } = self.entries[free as usize] else {
                    panic!("the free list links an entry that holds a task");
                };
                self.next_free = next;
                free
            }
            None => {
                self.entries.push(Entry::Free { next: None });
                (self.entries.len() - 1) as u32
            }
        };
        task.slot.set(slot);
        self.entries[slot as usize] = Entry::Task(task);
        self.len += 1;
    }
}
