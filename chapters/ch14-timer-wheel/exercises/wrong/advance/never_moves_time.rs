// Wrong: never moves the wheel's time to the slot's start, only to `now`
// at the end. A timer that is not due yet is placed again from the old
// time, which puts it straight back into the slot it came from.

use crate::toy_wheel::Wheel;

pub fn advance(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    let mut fired = Vec::new();
    while let Some((level, slot, at)) = wheel.next_expiration() {
        if at > now {
            break;
        }
        for timer in wheel.take_slot(level, slot) {
            if timer.when <= at {
                fired.push(timer.id);
            } else {
                wheel.insert(timer);
            }
        }
    }
    wheel.elapsed = wheel.elapsed.max(now);
    fired
}
