// Wrong: picks the level from the distance `when - elapsed` (log base 64)
// instead of from the highest 6-bit group where the two differ. A timer
// 4,090 ticks away from tick 10 lands on level 1 in slot 0: the very slot
// level 1 is in now, which the wheel reaches at once, not in 4 s.

use crate::toy_wheel::{LEVELS, SLOTS, SLOT_BITS};

pub fn level_and_slot(elapsed: u64, when: u64) -> (usize, usize) {
    let distance = (when - elapsed) | (SLOTS as u64 - 1);
    let highest_bit = 63 - distance.leading_zeros();
    let level = ((highest_bit / SLOT_BITS) as usize).min(LEVELS - 1);
    let slot = (when >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}
