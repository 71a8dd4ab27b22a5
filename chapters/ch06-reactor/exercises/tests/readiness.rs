//! Tests for Exercise 6.3 (readiness). Run them with
//! `cargo test -p ch06-exercises --test readiness`.
//!
//! The race test stages the reactor's event at every point of your
//! `clear_readiness` (before its first atomic operation, before its second,
//! ...) with `exercise_support::lockstep::interleave`, so a gap between a
//! check and a write is found on every run.

use std::rc::Rc;

use ch06_exercises::readiness::{Direction, Readiness};
use exercise_support::lockstep::interleave;

#[test]
fn a_clear_uses_up_the_edge_it_was_given() {
    let io = Readiness::new();
    let event = io.ready(Direction::Read).expect("a new source is ready");
    io.clear_readiness(event, Direction::Read);
    assert_eq!(
        io.ready(Direction::Read),
        None,
        "the read syscall said WouldBlock: the read edge is used up"
    );
}

#[test]
fn a_clear_leaves_the_other_direction_alone() {
    let io = Readiness::new();
    let event = io.ready(Direction::Read).expect("a new source is ready");
    io.clear_readiness(event, Direction::Read);
    assert!(
        io.ready(Direction::Write).is_some(),
        "a read that would block says nothing about writing: the write \
         flag must stay set"
    );
}

#[test]
fn a_stale_clear_does_not_erase_a_newer_edge() {
    let io = Readiness::new();
    let event = io.ready(Direction::Read).expect("a new source is ready");
    // The task's read says WouldBlock; before it clears, data arrives and
    // the reactor reports a new edge.
    io.set_readiness(true, false);
    io.clear_readiness(event, Direction::Read);
    assert!(
        io.ready(Direction::Read).is_some(),
        "the clear was for an older event (the tick moved on since): \
         erasing the newer edge leaves the task waiting for data that \
         has already arrived"
    );
}

#[test]
fn a_fresh_event_can_be_cleared_after_a_newer_edge() {
    let io = Readiness::new();
    io.set_readiness(true, false);
    let event = io.ready(Direction::Read).expect("just set");
    io.clear_readiness(event, Direction::Read);
    assert_eq!(io.ready(Direction::Read), None);
}

#[test]
fn an_edge_arriving_during_the_clear_is_never_lost() {
    // The reactor's event lands before the clear's 1st, 2nd, ... atomic
    // operation. Wherever it lands, the newer edge must survive.
    for point in 1..=4 {
        let io = Rc::new(Readiness::new());
        let event = io.ready(Direction::Read).expect("a new source is ready");
        let reactor = io.clone();
        interleave(
            point,
            move || reactor.set_readiness(true, false),
            || io.clear_readiness(event, Direction::Read),
        );
        assert!(
            io.ready(Direction::Read).is_some(),
            "a new edge arrived just before operation {point} of \
             clear_readiness and was erased: check the tick and clear the \
             flag in one atomic step (a compare-and-swap)"
        );
    }
}
