//! The wheel on its own: ticks in, wakers out, no clock and no threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

use ch14_timer_wheel::wheel::{level_and_slot, Lookup, Wheel, LEVELS, SPAN};

/// A waker that logs its id when woken, so a test sees which timers fired
/// and in what order.
struct Logs {
    id: u64,
    log: Arc<Mutex<Vec<u64>>>,
}

impl Wake for Logs {
    fn wake(self: Arc<Self>) {
        self.log.lock().expect("log lock").push(self.id);
    }
}

fn logging(id: u64, log: &Arc<Mutex<Vec<u64>>>) -> Waker {
    Waker::from(Arc::new(Logs {
        id,
        log: log.clone(),
    }))
}

/// Advances to `now` and wakes what fired; returns the ids, in order.
fn advance(wheel: &mut Wheel, now: u64, log: &Arc<Mutex<Vec<u64>>>) -> Vec<u64> {
    let mut fired = Vec::new();
    wheel.advance(now, &mut fired);
    fired.into_iter().for_each(Waker::wake);
    std::mem::take(&mut *log.lock().expect("log lock"))
}

#[test]
fn levels_and_slots_follow_the_distance_and_the_absolute_deadline() {
    assert_eq!(level_and_slot(0, 0), (0, 0));
    assert_eq!(level_and_slot(0, 63), (0, 63));
    assert_eq!(level_and_slot(0, 64), (1, 1));
    assert_eq!(level_and_slot(0, 4095), (1, 63));
    assert_eq!(level_and_slot(0, 4096), (2, 1));
    // The slot is the deadline's own bits, not the distance's.
    assert_eq!(level_and_slot(130, 150), (0, 150 % 64));
    assert_eq!(
        level_and_slot(100, 130),
        (1, 2),
        "same distance, a turn of level 0 between"
    );
    assert_eq!(level_and_slot(60, 70), (1, 1), "crosses a level-0 turn");
    assert_eq!(level_and_slot(1 << 30, (1 << 30) + 5), (0, 5));
    assert_eq!(level_and_slot(0, SPAN - 1).0, LEVELS - 1);
}

#[test]
fn timers_on_every_level_fire_in_deadline_order_and_not_before() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        // One deadline per level, and some in between, registered scrambled.
        let deadlines = [
            70_000_000_000u64,
            3,
            262_145,
            64,
            5_000,
            16_777_300,
            1_073_741_900,
            63,
            4_096,
            65,
        ];
        for &when in &deadlines {
            wheel.insert(when, logging(when, &log));
        }
        let mut sorted = deadlines.to_vec();
        sorted.sort_unstable();
        let mut fired = Vec::new();
        for &when in &sorted {
            assert!(
                advance(&mut wheel, when - 1, &log).is_empty(),
                "a timer fired before {when}"
            );
            let now = advance(&mut wheel, when, &log);
            assert_eq!(now, vec![when], "at tick {when}");
            fired.extend(now);
        }
        assert_eq!(fired, sorted);
        assert!(wheel.is_empty());
    });
}

#[test]
fn cancel_frees_the_entry_for_the_next_timer() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        let _keeps_the_slab = wheel.insert(50_000, logging(0, &log));
        let first = wheel.insert(10_000, logging(1, &log));
        let bytes = wheel.slab_bytes();
        assert!(wheel.cancel(first).is_some(), "the waker comes back");
        assert_eq!(wheel.len(), 1);
        assert!(wheel.cancel(first).is_none(), "a second cancel is a no-op");
        // The freed entry is reused: the slab does not grow.
        let second = wheel.insert(20_000, logging(2, &log));
        assert_eq!(wheel.slab_bytes(), bytes);
        assert_ne!(
            first, second,
            "but the old key does not reach the new timer"
        );
        assert_eq!(wheel.poll(first, &logging(9, &log)).0, Lookup::Gone);
        assert!(wheel.cancel(first).is_none(), "nor cancels it");
        assert_eq!(wheel.poll(second, &logging(2, &log)).0, Lookup::Pending);
        assert_eq!(advance(&mut wheel, 30_000, &log), vec![2]);
    });
}

#[test]
fn the_last_timer_gone_the_slab_goes_too() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        let keys: Vec<_> = (0..1_000)
            .map(|i| wheel.insert(100 + i, logging(i, &log)))
            .collect();
        assert!(wheel.slab_bytes() >= 1_000 * 40);
        for key in &keys {
            wheel.cancel(*key);
        }
        assert_eq!(wheel.slab_bytes(), 0, "an empty wheel holds no slab");
        // Keys from before the slab was freed stay stale when it grows again.
        let again = wheel.insert(500, logging(7, &log));
        assert!(keys
            .iter()
            .all(|&old| wheel.poll(old, &logging(9, &log)).0 == Lookup::Gone));
        assert_eq!(wheel.poll(again, &logging(7, &log)).0, Lookup::Pending);
        assert_eq!(advance(&mut wheel, 500, &log), vec![7]);
    });
}

#[test]
fn cancelling_the_middle_of_a_slot_keeps_the_rest() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        let keys: Vec<_> = (0..5)
            .map(|id| wheel.insert(100, logging(id, &log)))
            .collect();
        wheel.cancel(keys[2]);
        wheel.cancel(keys[4]); // the head of the slot's list
        wheel.cancel(keys[0]); // its tail
        let mut fired = advance(&mut wheel, 100, &log);
        fired.sort_unstable();
        assert_eq!(fired, vec![1, 3]);
    });
}

#[test]
fn a_timer_exactly_at_a_level_boundary() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        for when in [64u64, 4_096, 262_144, 16_777_216] {
            wheel.insert(when, logging(when, &log));
            assert!(
                advance(&mut wheel, when - 1, &log).is_empty(),
                "{when} early"
            );
            assert_eq!(advance(&mut wheel, when, &log), vec![when]);
        }
    });
}

#[test]
fn far_deadlines_beyond_the_top_level_fire_on_time() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        let far = 3 * SPAN + 12_345;
        wheel.insert(far, logging(1, &log));
        // Crossing the top level's boundary from just below it.
        wheel.insert(SPAN + 1, logging(2, &log));
        assert!(advance(&mut wheel, SPAN, &log).is_empty());
        assert_eq!(advance(&mut wheel, SPAN + 1, &log), vec![2]);
        assert!(advance(&mut wheel, far - 1, &log).is_empty());
        assert_eq!(advance(&mut wheel, far, &log), vec![1]);
    });
}

#[test]
fn a_deadline_already_past_fires_at_the_next_advance() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        assert!(advance(&mut wheel, 5_000, &log).is_empty());
        wheel.insert(10, logging(1, &log));
        assert_eq!(wheel.next_expiration().map(|(_, _, at)| at), Some(5_000));
        assert_eq!(advance(&mut wheel, 5_000, &log), vec![1]);
    });
}

#[test]
fn a_big_jump_fires_everything_due_in_order() {
    // A wrong wheel can loop for ever in `advance`: fail, do not hang.
    testkit::timeout(|| {
        let count = Arc::new(AtomicUsize::new(0));
        struct Counts(Arc<AtomicUsize>);
        impl Wake for Counts {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let mut wheel = Wheel::new();
        let waker = Waker::from(Arc::new(Counts(count.clone())));
        // Deadlines spread over two levels' worth of time, then one jump.
        for when in (1..100_000u64).step_by(7) {
            wheel.insert(when, waker.clone());
        }
        let pending = wheel.len();
        let mut fired = Vec::new();
        wheel.advance(50_000, &mut fired);
        let due = (1..=50_000u64).step_by(7).count();
        assert_eq!(fired.len(), due);
        assert_eq!(wheel.len(), pending - due);
        fired.into_iter().for_each(Waker::wake);
        assert_eq!(count.load(Ordering::SeqCst), due);
    });
}

#[test]
fn random_inserts_cancels_and_advances_match_a_sorted_list() {
    // A model check: the same random operations on the wheel and on a plain
    // list of (deadline, id). Deadlines mix every level and, now and then,
    // beyond the top; the clock moves by small steps and big jumps.
    testkit::timeout(|| {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut wheel = Wheel::new();
        let mut model: Vec<(u64, u64, ch14_timer_wheel::wheel::TimerKey)> = Vec::new();
        let mut now = 0u64;
        let mut total_fired = 0;
        for id in 0..20_000u64 {
            match next() % 10 {
                0..=5 => {
                    let reach = [64u64, 4_096, 262_144, 1 << 30, 3 * SPAN][(next() % 5) as usize];
                    // Sometimes in the past: due at once.
                    let when = (now + next() % reach).saturating_sub(next() % 3 * 10);
                    let key = wheel.insert(when, logging(id, &log));
                    model.push((when.max(now), id, key));
                }
                6 if !model.is_empty() => {
                    let (_, _, key) = model.swap_remove((next() % model.len() as u64) as usize);
                    assert!(
                        wheel.cancel(key).is_some(),
                        "a pending timer could not be cancelled"
                    );
                }
                _ => {
                    now += [1u64, 50, 5_000, 1 << 28, SPAN][(next() % 5) as usize];
                    let fired = advance(&mut wheel, now, &log);
                    let (due, left): (Vec<_>, Vec<_>) =
                        model.iter().partition(|(w, _, _)| *w <= now);
                    model = left;
                    let mut want: Vec<(u64, u64)> =
                        due.iter().map(|(w, id, _)| (*w, *id)).collect();
                    want.sort_unstable();
                    let when_of = |id: &u64| want.iter().find(|(_, i)| i == id).map(|(w, _)| *w);
                    let order: Vec<u64> = fired
                        .iter()
                        .map(|id| when_of(id).expect("fired a timer that was not due"))
                        .collect();
                    assert!(
                        order.windows(2).all(|p| p[0] <= p[1]),
                        "fired out of deadline order"
                    );
                    let mut got = fired.clone();
                    got.sort_unstable();
                    let mut ids: Vec<u64> = want.iter().map(|(_, id)| *id).collect();
                    ids.sort_unstable();
                    assert_eq!(got, ids, "advance({now}) fired the wrong timers");
                    assert_eq!(wheel.len(), model.len());
                    total_fired += fired.len();
                }
            }
        }
        assert!(
            total_fired > 5_000,
            "only {total_fired} timers fired: the check checked little"
        );
    });
}
