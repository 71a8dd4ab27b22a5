// Wrong: divides the number of significant bits (64 - leading zeros) by 6,
// not the index of the highest bit. That is one too many at every sixth
// bit: a timer 40 ticks away lands on level 1, 64 times too coarse.

use crate::toy_wheel::{LEVELS, SLOTS, SLOT_BITS};

pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let bits = 64 - differing.leading_zeros();
    let level = ((bits / SLOT_BITS) as usize).min(LEVELS - 1);
    let slot = (when >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}
