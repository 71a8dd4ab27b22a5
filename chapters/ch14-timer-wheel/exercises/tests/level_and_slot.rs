//! Exercise 14.1: the level and slot a deadline goes in.

use ch14_exercises::level_and_slot::level_and_slot;
use ch14_exercises::toy_wheel::SPAN;

fn check(elapsed: u64, when: u64, want: (usize, usize), why: &str) {
    let got = level_and_slot(elapsed, when);
    assert_eq!(
        got, want,
        "a timer due at {when} when the wheel is at {elapsed} belongs in \
         (level, slot) {want:?}, not {got:?}: {why}"
    );
}

#[test]
fn near_deadlines_go_in_level_0_at_their_own_tick() {
    check(0, 0, (0, 0), "due now: level 0, the current slot");
    check(0, 5, (0, 5), "level 0 has one slot per tick");
    check(0, 63, (0, 63), "the last slot of level 0");
    check(
        130,
        150,
        (0, 22),
        "the slot is the deadline's tick mod 64, not the distance",
    );
    check(
        1_000_000,
        1_000_003,
        (0, 1_000_003 % 64),
        "the slot is absolute",
    );
}

#[test]
fn the_level_is_where_deadline_and_time_first_differ() {
    check(0, 64, (1, 1), "64 is the first tick of slot 1 of level 1");
    check(0, 100, (1, 1), "level 1 slots are 64 ticks wide");
    check(
        60,
        70,
        (1, 1),
        "10 ticks away, but past the end of level 0's turn",
    );
    check(
        100,
        130,
        (1, 2),
        "30 ticks away, but in another 64-tick block",
    );
    check(0, 4_095, (1, 63), "the last tick of level 1");
    check(
        10,
        4_100,
        (2, 1),
        "4,090 ticks away crosses level 1's turn: level 2",
    );
    check(0, 262_144, (3, 1), "64^3 starts level 3");
}

#[test]
fn deadlines_past_the_top_stay_on_the_top_level() {
    check(0, SPAN - 1, (5, 63), "the last tick the six levels span");
    check(5, SPAN + 7, (5, 0), "the top level's next turn, slot 0");
    check(0, 3 * SPAN, (5, 0), "six levels only: never a seventh");
}
