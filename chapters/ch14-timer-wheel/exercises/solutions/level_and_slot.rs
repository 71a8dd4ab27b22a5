//! Exercise 14.1: level_and_slot, the reference solution.

use crate::toy_wheel::{LEVELS, SLOTS, SLOT_BITS};

// ANCHOR: solution
/// The level and slot of a timer due at tick `when`, on a wheel whose time
/// is `elapsed` (`when >= elapsed`).
pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    // The highest 6-bit group in which the two differ; `| (SLOTS - 1)` makes
    // "differ in the lowest group, or not at all" level 0.
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let highest_bit = 63 - differing.leading_zeros();
    let level = ((highest_bit / SLOT_BITS) as usize).min(LEVELS - 1);
    // The deadline's own bits at that level: an absolute slot.
    let slot = (when >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}
// ANCHOR_END: solution
