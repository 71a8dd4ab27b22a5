//! Exercise 14.2: advance, the reference solution.

use crate::toy_wheel::Wheel;

// ANCHOR: solution
/// Moves the wheel's time to `now` and returns the ids of the timers due
/// at or before it, in deadline order. Timers of a higher level whose slot
/// comes up but which are not due yet cascade to a lower level.
pub fn advance(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    let mut fired = Vec::new();
    while let Some((level, slot, at)) = wheel.next_expiration() {
        if at > now {
            break;
        }
        // Time moves to the slot's start (never back) before its timers
        // are looked at: they are placed again relative to it.
        wheel.elapsed = wheel.elapsed.max(at);
        for timer in wheel.take_slot(level, slot) {
            if timer.when <= wheel.elapsed {
                fired.push(timer.id);
            } else {
                wheel.insert(timer);
            }
        }
    }
    wheel.elapsed = wheel.elapsed.max(now);
    fired
}
// ANCHOR_END: solution
