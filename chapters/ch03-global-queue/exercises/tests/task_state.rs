//! Tests for Exercise 3.2 (task_state). The races are in the loom model,
//! `tests/loom_task_state.rs` (`cargo xtask loom task_state`).
#![cfg(not(loom))]

use std::sync::{Arc, Barrier};
use std::thread;

use ch03_exercises::task_state::{
    AfterPoll, State, WakeAction, COMPLETE, IDLE, NOTIFIED, RUNNING, SCHEDULED,
};

fn name(state: u8) -> &'static str {
    match state {
        IDLE => "IDLE",
        SCHEDULED => "SCHEDULED",
        RUNNING => "RUNNING",
        NOTIFIED => "NOTIFIED",
        COMPLETE => "COMPLETE",
        _ => "not a state",
    }
}

#[track_caller]
fn expect_state(state: &State, expected: u8, after: &str) {
    let got = state.get();
    assert!(
        got == expected,
        "after {after}, the task should be {} but it is {}",
        name(expected),
        name(got)
    );
}

/// A task that has been polled once and returned Pending with no wake.
fn idle_task() -> State {
    let state = State::new_scheduled();
    assert!(state.start_running(), "a SCHEDULED task must start running");
    assert_eq!(
        state.finish_pending(),
        AfterPoll::Idle,
        "a poll that returned Pending with no wake during it leaves the task IDLE"
    );
    expect_state(&state, IDLE, "a poll with no wake");
    state
}

#[test]
fn a_new_task_is_scheduled_so_a_wake_does_not_queue_it_twice() {
    let state = State::new_scheduled();
    assert_eq!(
        state.wake(),
        WakeAction::Nothing,
        "the task is already in a queue (SCHEDULED): a wake must not queue it again"
    );
    expect_state(&state, SCHEDULED, "a wake of a SCHEDULED task");
    assert!(state.start_running());
    expect_state(&state, RUNNING, "start_running");
}

#[test]
fn a_wake_of_an_idle_task_schedules_it_once() {
    let state = idle_task();
    assert_eq!(
        state.wake(),
        WakeAction::Schedule,
        "an IDLE task is in no queue: the wake that finds it IDLE must queue it"
    );
    expect_state(&state, SCHEDULED, "a wake of an IDLE task");
    assert_eq!(
        state.wake(),
        WakeAction::Nothing,
        "the first wake queued it already: a second wake must not queue it again"
    );
}

#[test]
fn a_wake_during_a_poll_is_remembered_and_the_worker_requeues() {
    let state = State::new_scheduled();
    assert!(state.start_running());
    assert_eq!(
        state.wake(),
        WakeAction::Nothing,
        "the task is RUNNING: a worker is polling it, so the wake must not queue it \
         (a second worker could poll it at the same time)"
    );
    expect_state(&state, NOTIFIED, "a wake of a RUNNING task");
    assert_eq!(state.wake(), WakeAction::Nothing);
    expect_state(&state, NOTIFIED, "a second wake during the same poll");
    assert_eq!(
        state.finish_pending(),
        AfterPoll::Reschedule,
        "a wake came during the poll: the worker must queue the task again, or the \
         wake-up is lost"
    );
    expect_state(&state, SCHEDULED, "finish_pending of a NOTIFIED task");
    assert_eq!(state.wake(), WakeAction::Nothing, "it is queued again");
    assert!(state.start_running(), "the requeued task can run again");
}

#[test]
fn a_completed_task_ignores_wakes_and_is_not_run() {
    let state = State::new_scheduled();
    assert!(state.start_running());
    state.complete();
    expect_state(&state, COMPLETE, "complete");
    assert_eq!(
        state.wake(),
        WakeAction::Nothing,
        "a finished task must never be queued again"
    );
    expect_state(&state, COMPLETE, "a wake of a COMPLETE task");
    assert!(
        !state.start_running(),
        "a COMPLETE task (cancelled while queued) must not be polled"
    );
}

#[test]
fn a_task_cancelled_while_idle_stays_complete() {
    let state = idle_task();
    state.complete();
    assert_eq!(state.wake(), WakeAction::Nothing);
    expect_state(&state, COMPLETE, "complete, then a wake");
}

#[test]
fn start_running_only_from_scheduled() {
    let state = idle_task();
    assert!(
        !state.start_running(),
        "an IDLE task is in no queue, so no worker may start running it"
    );
    expect_state(&state, IDLE, "a refused start_running");
}

#[test]
fn racing_wakes_from_many_threads_schedule_exactly_once() {
    for _ in 0..200 {
        let state = Arc::new(idle_task());
        let start = Arc::new(Barrier::new(4));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (state, start) = (state.clone(), start.clone());
                thread::spawn(move || {
                    start.wait();
                    state.wake() == WakeAction::Schedule
                })
            })
            .collect();
        let winners = handles
            .into_iter()
            .map(|h| h.join().expect("a waking thread panicked"))
            .filter(|won| *won)
            .count();
        assert_eq!(
            winners, 1,
            "{winners} of 4 wakes racing on an IDLE task were told to queue it: exactly \
             one must be (decide with one atomic read-modify-write)"
        );
    }
}
