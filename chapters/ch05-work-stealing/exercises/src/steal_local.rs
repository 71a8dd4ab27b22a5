//! Exercise 5.1: steal_local (book: Chapter 5, section "Exercises").

use crossbeam_deque::{Stealer, Worker};

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
    // TODO: a round over the siblings with `steal_batch_and_pop`, repeated
    // while any steal in the round returned `Steal::Retry`.
    let _ = (stealers, me, start, dest);
    todo!("Exercise 5.1 (steal_local): see the book, Chapter 5, \"Exercise 5.1: steal_local\"")
}
