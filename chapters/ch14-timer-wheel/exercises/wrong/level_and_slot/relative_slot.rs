// Wrong: the slot is counted from `elapsed` (the distance's bits) instead
// of being the deadline's own bits. Slots are absolute positions: as
// `elapsed` advances, a relative slot would point somewhere else.

use crate::toy_wheel::{LEVELS, SLOTS, SLOT_BITS};

pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let highest_bit = 63 - differing.leading_zeros();
    let level = ((highest_bit / SLOT_BITS) as usize).min(LEVELS - 1);
    let slot = ((when - elapsed) >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}
