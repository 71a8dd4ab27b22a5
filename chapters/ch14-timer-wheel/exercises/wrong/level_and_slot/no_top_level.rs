// Wrong: forgets that the wheel has six levels. A deadline more than
// 64^6 ticks away (about two years of milliseconds) gets level 6 or more,
// which does not exist.

use crate::toy_wheel::{SLOTS, SLOT_BITS};

pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let highest_bit = 63 - differing.leading_zeros();
    let level = (highest_bit / SLOT_BITS) as usize;
    let slot = (when >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}
