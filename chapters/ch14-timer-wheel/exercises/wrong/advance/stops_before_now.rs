// Wrong: stops at a slot that starts at `now` (`>=` for `>`). A timer due
// exactly at `now` is left for the next call: late.

use crate::toy_wheel::Wheel;

pub fn advance(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    let mut fired = Vec::new();
    while let Some((level, slot, at)) = wheel.next_expiration() {
        if at >= now {
            break;
        }
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
