//! Exercise 14.2: advance (book: Chapter 14, section "Exercise 14.2: Turning the wheel").

use crate::toy_wheel::Wheel;

/// Moves the wheel's time to `now` and returns the ids of the timers due
/// at or before it, in deadline order. Timers of a higher level whose slot
/// comes up but which are not due yet cascade to a lower level.
pub fn advance(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    // TODO: visit the slots in the order `next_expiration` gives them, as
    // long as they start no later than `now`; fire what is due, place the
    // rest again; leave `wheel.elapsed` at `now`.
    let _ = (wheel, now);
    todo!("Exercise 14.2 (advance): see the book, Chapter 14, \"Exercise 14.2: Turning the wheel\"")
}
