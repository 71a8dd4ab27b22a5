//! Exercise 4.1: The batch refill (book: Chapter 4, section "Exercises").

use std::collections::VecDeque;

/// Moves this worker's share of `global` to the back of `local`, oldest
/// first, and returns how many tasks moved.
///
/// The share is an even split of the global queue among `workers` workers,
/// rounded up (so a single task is not left behind), and never more than
/// `max`.
pub fn refill<T>(
    global: &mut VecDeque<T>,
    local: &mut VecDeque<T>,
    workers: usize,
    max: usize,
) -> usize {
    // TODO: work out the share, then move that many from the front of
    // `global` to the back of `local`, keeping their order.
    let _ = (global, local, workers, max);
    todo!("Exercise 4.1 (refill): see the book, Chapter 4, \"Exercise 4.1: The batch refill\"")
}
