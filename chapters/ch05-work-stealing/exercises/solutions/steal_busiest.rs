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

// ANCHOR: solution
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
    loop {
        let mut victims: Vec<usize> = (0..siblings.len()).filter(|&i| i != me).collect();
        // A stable sort keeps the lower index first among equals.
        victims.sort_by_key(|&i| std::cmp::Reverse(siblings[i].len()));
        let mut interrupted = false;
        for victim in victims {
            match siblings[victim].steal_batch_and_pop(dest) {
                Steal::Success(task) => return Some((task, victim)),
                Steal::Retry => interrupted = true,
                Steal::Empty => {}
            }
        }
        if !interrupted {
            return None;
        }
    }
}
// ANCHOR_END: solution
