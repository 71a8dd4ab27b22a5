//! Exercise 4.2: The 61-tick fairness check (book: Chapter 4, section "Exercises").

use std::collections::VecDeque;

/// How often the global queue goes first.
pub const GLOBAL_QUEUE_INTERVAL: u32 = 61;

// ANCHOR: solution
/// A worker's next task, in the article's order. First advance `tick` by
/// one (wrapping around at `u32::MAX`, never panicking). Then:
///
/// 1. if the new tick is a multiple of [`GLOBAL_QUEUE_INTERVAL`], the front
///    of the global queue, if there is one;
/// 2. the front of the local queue;
/// 3. the front of the global queue, unless step 1 just looked there.
pub fn get_task<T>(tick: &mut u32, local: &mut VecDeque<T>, global: &mut VecDeque<T>) -> Option<T> {
    *tick = tick.wrapping_add(1);
    #[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` needs Rust 1.87
    let fairness_tick = *tick % GLOBAL_QUEUE_INTERVAL == 0;
    if fairness_tick {
        if let Some(task) = global.pop_front() {
            return Some(task);
        }
    }
    if let Some(task) = local.pop_front() {
        return Some(task);
    }
    if fairness_tick {
        return None;
    }
    global.pop_front()
}
// ANCHOR_END: solution
