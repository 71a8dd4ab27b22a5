//! A task list without a map: every live task in a slot of a vector.
//!
//! Chapter 3's list is a hash map from task id to task. A map keeps spare
//! room to stay fast (its table is at most seven-eighths full, and doubles
//! when it gets there), and stores the id beside each task: at a million
//! tasks it costs about 50 bytes a task. Here each task remembers where it
//! sits ([`ListSlot`]), so nothing has to be looked up, and a slot is the
//! 16 bytes of the `Task` pointer it holds. tokio goes one step further and
//! links the tasks into a list through their own cells, with no vector at
//! all.

use std::sync::Arc;

use ch03_global_queue::runtime::TaskList;
use ch03_global_queue::sync::{lock, AtomicBool, Mutex, Ordering};
use ch03_global_queue::task::{Runnable, Task, TaskId};

// ANCHOR: slab
/// Every live task, in the slots of sharded vectors.
pub struct SlabTasks {
    shards: Box<[Mutex<Slab>]>,
    closed: AtomicBool,
}

#[derive(Default)]
struct Slab {
    entries: Vec<Entry>,
    /// The most recently emptied slot: the head of a list of empty slots
    /// that runs through the entries themselves, so that reusing a slot
    /// costs no memory of its own.
    next_free: Option<u32>,
    len: usize,
}

/// 16 bytes either way: `Free` fits in the room beside `Task`'s pointer.
enum Entry {
    Task(Task),
    Free { next: Option<u32> },
}
// ANCHOR_END: slab

const SHARDS: usize = 16;

impl SlabTasks {
    pub fn new() -> SlabTasks {
        SlabTasks {
            shards: (0..SHARDS).map(|_| Mutex::new(Slab::default())).collect(),
            closed: AtomicBool::new(false),
        }
    }

    fn shard(&self, id: TaskId) -> &Mutex<Slab> {
        &self.shards[id as usize % SHARDS]
    }
}

impl Default for SlabTasks {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: insert
impl TaskList for SlabTasks {
    fn insert(&self, task: Task) -> bool {
        let mut slab = lock(self.shard(task.id()));
        // Under the shard lock, as in chapter 3's list: `close` sets the
        // flag before it empties the shards.
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        let slot = match slab.next_free {
            Some(free) => {
                let Entry::Free { next } = slab.entries[free as usize] else {
                    unreachable!("the free list only links empty slots");
                };
                slab.next_free = next;
                free
            }
            None => {
                slab.entries.push(Entry::Free { next: None });
                // Four billion slots in one shard would take terabytes of
                // task cells first.
                u32::try_from(slab.entries.len() - 1).expect("fewer than 2^32 tasks a shard")
            }
        };
        task.list_slot()
            .expect("spawned tasks have a list slot; only test stand-ins lack one")
            .set(slot);
        slab.entries[slot as usize] = Entry::Task(task);
        slab.len += 1;
        true
    }
    // ANCHOR_END: insert

    // ANCHOR: remove
    fn remove(&self, task: &dyn Runnable) {
        let Some(slot) = task.list_slot().map(|slot| slot.get()) else {
            return;
        };
        let mut slab = lock(self.shard(task.id()));
        // The same task, not merely the same slot: a task removed twice
        // must not take out the slot's next tenant.
        let listed = match slab.entries.get(slot as usize) {
            Some(Entry::Task(listed)) => std::ptr::addr_eq(Arc::as_ptr(listed), task),
            _ => false,
        };
        if !listed {
            return;
        }
        let next = slab.next_free;
        let removed = std::mem::replace(&mut slab.entries[slot as usize], Entry::Free { next });
        slab.next_free = Some(slot);
        slab.len -= 1;
        drop(slab);
        // Dropped outside the lock: dropping a task can run user code.
        drop(removed);
    }
    // ANCHOR_END: remove

    fn len(&self) -> usize {
        self.shards.iter().map(|shard| lock(shard).len).sum()
    }

    fn close(&self) -> Vec<Task> {
        self.closed.store(true, Ordering::Release);
        let mut tasks = Vec::new();
        for shard in self.shards.iter() {
            let slab = std::mem::take(&mut *lock(shard));
            tasks.extend(slab.entries.into_iter().filter_map(|entry| match entry {
                Entry::Task(task) => Some(task),
                Entry::Free { .. } => None,
            }));
        }
        tasks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch03_global_queue::runtime::ListSlot;

    /// A task that is only ever listed: never run, never cancelled.
    struct Listed {
        id: TaskId,
        slot: ListSlot,
    }

    impl Runnable for Listed {
        fn id(&self) -> TaskId {
            self.id
        }
        fn run(self: Arc<Self>) {}
        fn cancel(&self) {}
        fn list_slot(&self) -> Option<&ListSlot> {
            Some(&self.slot)
        }
    }

    fn task(id: TaskId) -> Task {
        Arc::new(Listed {
            id,
            slot: ListSlot::default(),
        })
    }

    #[test]
    fn an_emptied_slot_is_reused_before_the_vector_grows() {
        let list = SlabTasks::new();
        // Ids 1, 17 and 33 share a shard.
        let (a, b) = (task(1), task(17));
        assert!(list.insert(a.clone()) && list.insert(b.clone()));
        let slot_of_a = a.list_slot().map(ListSlot::get);
        list.remove(&*a);
        assert_eq!(list.len(), 1);
        let c = task(33);
        assert!(list.insert(c.clone()));
        assert_eq!(c.list_slot().map(ListSlot::get), slot_of_a);
        assert_eq!(lock(list.shard(1)).entries.len(), 2, "no third slot");
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn removing_a_task_twice_leaves_the_slots_next_tenant_alone() {
        let list = SlabTasks::new();
        let a = task(1);
        assert!(list.insert(a.clone()));
        list.remove(&*a);
        let b = task(17);
        assert!(list.insert(b.clone()));
        assert_eq!(
            a.list_slot().map(ListSlot::get),
            b.list_slot().map(ListSlot::get)
        );
        list.remove(&*a);
        assert_eq!(list.len(), 1, "b is still listed");
        let left = list.close();
        assert_eq!(left.len(), 1);
        assert!(Arc::ptr_eq(&left[0], &b));
    }

    #[test]
    fn close_hands_back_every_task_and_refuses_new_ones() {
        let list = SlabTasks::new();
        let tasks: Vec<Task> = (1..=40).map(task).collect();
        for task in &tasks {
            assert!(list.insert(task.clone()));
        }
        list.remove(&*tasks[5]);
        let mut left: Vec<TaskId> = list.close().iter().map(|task| task.id()).collect();
        left.sort_unstable();
        let expected: Vec<TaskId> = (1..=40).filter(|&id| id != 6).collect();
        assert_eq!(left, expected);
        assert!(!list.insert(task(41)));
        assert_eq!(list.len(), 0);
    }
}
