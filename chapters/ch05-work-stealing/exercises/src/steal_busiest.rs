//! Exercise 5.1: Steal from the busiest sibling (book: Chapter 5, section "Exercises").

use crossbeam_deque::{Steal, Stealer, Worker};

/// What a thief can do with a sibling's deque. crossbeam's `Stealer` is
/// one; the tests use others, which lose races on demand.
pub trait Sibling<T> {
    /// How many tasks the deque holds. Only a hint: other thieves and the
    /// owner may change it the moment after.
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves about half of the deque into `dest` and returns one task.
    fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T>;
}

impl<T> Sibling<T> for Stealer<T> {
    fn len(&self) -> usize {
        Stealer::len(self)
    }

    fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
        Stealer::steal_batch_and_pop(self, dest)
    }
}

/// Worker `me` is out of work: steal a batch from the sibling that holds
/// the most tasks (the lowest index on a tie), never from itself, and
/// return one stolen task with the victim's index.
///
/// `Steal::Empty` means the deque emptied since we looked: try the next
/// busiest. `Steal::Retry` means we lost a race with another thief and the
/// deque may still hold tasks: look again after this round. Return `None`
/// only when one round found every sibling empty.
pub fn steal_busiest<T, S: Sibling<T>>(
    siblings: &[S],
    me: usize,
    dest: &Worker<T>,
) -> Option<(T, usize)> {
    // TODO: order the siblings by `len()`, busiest first, and steal.
    let _ = (siblings, me, dest);
    todo!("Exercise 5.1 (steal_busiest): see the book, Chapter 5, \"Exercise 5.1: Steal from the busiest sibling\"")
}
