// Wrong: fires every timer of a slot that comes up. A slot of level 1 spans
// 64 ticks and comes up at its start, so a timer due at tick 100 fires at
// tick 64: early, which a timer must never be.

use crate::toy_wheel::Wheel;

pub fn advance(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    let mut fired = Vec::new();
    while let Some((level, slot, at)) = wheel.next_expiration() {
        if at > now {
            break;
        }
        wheel.elapsed = wheel.elapsed.max(at);
        fired.extend(wheel.take_slot(level, slot).into_iter().map(|t| t.id));
    }
    wheel.elapsed = wheel.elapsed.max(now);
    fired
}
