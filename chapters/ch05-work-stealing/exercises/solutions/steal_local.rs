//! Exercise 5.1: steal_local (book: Chapter 5, section "Exercises").

use crossbeam_deque::{Steal, Stealer, Worker};

// ANCHOR: solution
/// Worker `me` is out of work and steals from its siblings.
///
/// Visit every stealer except `stealers[me]` once, starting at index `start`
/// and wrapping around. From the first one that has tasks, steal a batch
/// into `dest` and return one stolen task together with the victim's index.
/// If a steal returned `Steal::Retry` (it lost a race with another thief),
/// that deque may still hold tasks: after the round, go round again. Return
/// `None` once a whole round found every sibling empty.
pub fn steal_local<T>(
    stealers: &[Stealer<T>],
    me: usize,
    start: usize,
    dest: &Worker<T>,
) -> Option<(T, usize)> {
    let workers = stealers.len();
    loop {
        let mut interrupted = false;
        for victim in (start..start + workers).map(|i| i % workers) {
            if victim == me {
                continue;
            }
            match stealers[victim].steal_batch_and_pop(dest) {
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
