//! Exercise 4.2: The 61-tick fairness check (book: Chapter 4, section "Exercises").

use std::collections::VecDeque;

/// How often the global queue goes first.
pub const GLOBAL_QUEUE_INTERVAL: u32 = 61;

/// A worker's next task, in the article's order. First advance `tick` by
/// one (wrapping around at `u32::MAX`, never panicking). Then:
///
/// 1. if the new tick is a multiple of [`GLOBAL_QUEUE_INTERVAL`], the front
///    of the global queue, if there is one;
/// 2. the front of the local queue;
/// 3. the front of the global queue, unless step 1 just looked there.
pub fn get_task<T>(tick: &mut u32, local: &mut VecDeque<T>, global: &mut VecDeque<T>) -> Option<T> {
    // TODO: the three steps above.
    let _ = (tick, local, global);
    todo!("Exercise 4.2 (get_task): see the book, Chapter 4, \"Exercise 4.2: The 61-tick fairness check\"")
}
