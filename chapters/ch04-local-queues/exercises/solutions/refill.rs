//! Exercise 4.1: The batch refill (book: Chapter 4, section "Exercises").

use std::collections::VecDeque;

// ANCHOR: solution
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
    let share = global.len().div_ceil(workers).min(max);
    local.extend(global.drain(..share));
    share
}
// ANCHOR_END: solution
