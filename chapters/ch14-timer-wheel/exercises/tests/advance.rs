//! Exercise 14.2: advance fires what is due, in order, never early, and
//! cascades the rest down a level.

use std::time::Duration;

use ch14_exercises::advance::advance;
use ch14_exercises::toy_wheel::{Timer, Wheel, SPAN};

/// A wrong `advance` may loop for ever; the check must stay fast.
fn quickly<T>(body: impl FnOnce() -> T + Send + 'static) -> T
where
    T: Send + 'static,
{
    testkit::with_timeout(Duration::from_secs(2), body)
}

fn wheel_with(deadlines: &[u64]) -> Wheel {
    let mut wheel = Wheel::new();
    for &when in deadlines {
        // A timer's id is its deadline: the tests read them as ticks.
        wheel.insert(Timer { id: when, when });
    }
    wheel
}

#[test]
fn timers_on_every_level_fire_at_their_tick_and_not_before() {
    quickly(|| {
        let deadlines = [
            3,
            63,
            64,
            100,
            4_096,
            5_000,
            262_145,
            16_777_300,
            1_073_741_900,
        ];
        let mut wheel = wheel_with(&deadlines);
        for when in deadlines {
            assert_eq!(
                advance(&mut wheel, when - 1),
                Vec::<u64>::new(),
                "advance({}) fired a timer due at {when} or later: early",
                when - 1
            );
            assert_eq!(
                advance(&mut wheel, when),
                vec![when],
                "advance({when}) must fire the timer due at {when}, and only it"
            );
            assert_eq!(
                wheel.elapsed, when,
                "after advance(now), the wheel's time is now"
            );
        }
        assert!(wheel.is_empty());
    });
}

#[test]
fn a_big_jump_fires_everything_due_in_deadline_order() {
    quickly(|| {
        // Scrambled, over levels 0 to 2.
        let deadlines: Vec<u64> = (0..2_000u64).map(|i| 1 + (i * 7_919) % 20_000).collect();
        let mut wheel = wheel_with(&deadlines);
        let fired = advance(&mut wheel, 10_000);
        let mut due: Vec<u64> = deadlines.iter().copied().filter(|&w| w <= 10_000).collect();
        due.sort_unstable();
        assert!(
            fired.windows(2).all(|w| w[0] <= w[1]),
            "one jump to 10,000 fired timers out of deadline order"
        );
        let mut sorted = fired.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted, due,
            "one jump to 10,000 must fire every timer due by then, no other"
        );
        assert_eq!(
            wheel.len(),
            deadlines.len() - due.len(),
            "the others still wait"
        );
        assert_eq!(wheel.elapsed, 10_000);
    });
}

#[test]
fn a_timer_cascades_down_when_its_slot_comes_up() {
    quickly(|| {
        let mut wheel = wheel_with(&[300]);
        assert_eq!(
            wheel.position(300),
            Some((1, 4)),
            "300 starts in level 1, slot 4"
        );
        assert_eq!(
            advance(&mut wheel, 256),
            Vec::<u64>::new(),
            "300 is not due at 256"
        );
        assert_eq!(
            wheel.position(300),
            Some((0, 300 % 64)),
            "at 256, slot 4 of level 1 came up: 300 belongs in level 0 now"
        );
        assert_eq!(advance(&mut wheel, 300), vec![300]);
    });
}

#[test]
fn a_deadline_already_past_fires_at_the_next_advance() {
    quickly(|| {
        let mut wheel = Wheel::new();
        assert!(advance(&mut wheel, 5_000).is_empty());
        wheel.insert(Timer { id: 7, when: 10 });
        assert_eq!(
            advance(&mut wheel, 5_000),
            vec![7],
            "a past deadline is due now"
        );
    });
}

#[test]
fn a_deadline_beyond_the_top_level_fires_on_time() {
    quickly(|| {
        let far = 2 * SPAN + 99;
        let mut wheel = wheel_with(&[far]);
        assert!(
            advance(&mut wheel, far - 1).is_empty(),
            "fired before {far}"
        );
        assert_eq!(advance(&mut wheel, far), vec![far]);
    });
}
