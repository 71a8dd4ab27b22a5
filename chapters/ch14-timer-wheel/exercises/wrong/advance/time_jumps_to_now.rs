// Wrong: moves the wheel's time to `now` first, then looks for slots. Seen
// from `now`, a slot the jump went past belongs to the level's next turn,
// so its timers, long due, wait another turn of the level.

use crate::toy_wheel::Wheel;

pub fn advance(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    let mut fired = Vec::new();
    wheel.elapsed = wheel.elapsed.max(now);
    while let Some((level, slot, at)) = wheel.next_expiration() {
        if at > now {
            break;
        }
        for timer in wheel.take_slot(level, slot) {
            if timer.when <= wheel.elapsed {
                fired.push(timer.id);
            } else {
                wheel.insert(timer);
            }
        }
    }
    fired
}
