//! Exercise 14.1: level_and_slot (book: Chapter 14, section "Exercise 14.1: Which level, which slot").

use crate::toy_wheel::{LEVELS, SLOTS, SLOT_BITS};

/// The level and slot of a timer due at tick `when`, on a wheel whose time
/// is `elapsed` (`when >= elapsed`).
pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    // TODO: the level is where `when` and `elapsed` first differ, looking
    // from the top; the slot is the deadline's own bits at that level.
    let _ = (elapsed, when, LEVELS, SLOTS, SLOT_BITS);
    todo!("Exercise 14.1 (level_and_slot): see the book, Chapter 14, \"Exercise 14.1: Which level, which slot\"")
}
