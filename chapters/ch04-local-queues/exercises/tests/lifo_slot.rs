//! Tests for Exercise 4.1 (lifo_slot). Run them with
//! `cargo test -p ch04-exercises --test lifo_slot`.

use ch04_exercises::lifo_slot::{LifoQueue, MAX_SLOT_RUNS_IN_A_ROW};

/// Pops every task, in order.
fn drain(queue: &mut LifoQueue<&'static str>) -> Vec<&'static str> {
    std::iter::from_fn(|| queue.pop()).take(100).collect()
}

#[test]
fn a_woken_task_runs_before_the_queue() {
    let mut queue = LifoQueue::new();
    queue.push_back("old 1");
    queue.push_back("old 2");
    queue.push_lifo("woken");
    assert_eq!(queue.len(), 3, "the slot's task counts in len()");
    assert_eq!(drain(&mut queue), ["woken", "old 1", "old 2"]);
}

#[test]
fn a_second_wake_sends_the_first_to_the_back_of_the_queue() {
    let mut queue = LifoQueue::new();
    queue.push_back("old");
    queue.push_lifo("first woken");
    queue.push_lifo("second woken");
    assert_eq!(
        queue.len(),
        3,
        "the second push_lifo lost the task that was in the slot"
    );
    assert_eq!(
        drain(&mut queue),
        ["second woken", "old", "first woken"],
        "the newest wake runs first; the task it displaced waits behind \
         the tasks that were queued before it"
    );
}

#[test]
fn an_empty_queue_pops_none() {
    let mut queue = LifoQueue::<&str>::new();
    assert_eq!(queue.pop(), None);
    queue.push_lifo("only");
    assert_eq!(queue.pop(), Some("only"));
    assert_eq!(queue.pop(), None);
    assert!(queue.is_empty());
}

/// Two tasks, "ping" and "pong", wake each other for ever: whichever runs
/// puts the other in the slot. Returns the names in the order they ran.
fn ping_pong(pops: usize) -> Vec<&'static str> {
    let mut queue = LifoQueue::new();
    queue.push_back("waiting 1");
    queue.push_back("waiting 2");
    queue.push_lifo("ping");
    let mut ran = Vec::new();
    for _ in 0..pops {
        let Some(task) = queue.pop() else { break };
        ran.push(task);
        match task {
            "ping" => queue.push_lifo("pong"),
            "pong" => queue.push_lifo("ping"),
            _ => {}
        }
    }
    ran
}

#[test]
fn two_tasks_waking_each_other_cannot_starve_the_queue() {
    let ran = ping_pong(40);
    let first_wait = ran.iter().position(|&task| task == "waiting 1");
    assert!(
        first_wait.is_some_and(|at| at <= MAX_SLOT_RUNS_IN_A_ROW as usize),
        "two tasks woke each other through the slot and the queued tasks \
         never got a turn (or waited longer than {MAX_SLOT_RUNS_IN_A_ROW} \
         slot runs); order: {ran:?}"
    );
}

#[test]
fn the_slot_runs_exactly_three_tasks_in_a_row() {
    let ran = ping_pong(10);
    assert_eq!(
        ran,
        [
            "ping",
            "pong",
            "ping",
            // Three from the slot: the queue's turn. "pong" was in the slot
            // and went to the back, behind "waiting 2".
            "waiting 1",
            // A task from the queue starts a new run of three.
            "waiting 2",
            "pong",
            "ping",
            "pong",
            "ping",
            "pong",
        ],
        "count the slot's turns in a row, and start counting again after \
         the queue has had its turn"
    );
}

#[test]
fn the_slot_works_again_after_the_queue_had_its_turn() {
    let mut queue = LifoQueue::new();
    for _ in 0..MAX_SLOT_RUNS_IN_A_ROW {
        queue.push_lifo("from the slot");
        assert_eq!(queue.pop(), Some("from the slot"));
    }
    queue.push_back("queued");
    assert_eq!(queue.pop(), Some("queued"), "the queue's turn");
    queue.push_back("queued later");
    queue.push_lifo("woken");
    assert_eq!(
        queue.pop(),
        Some("woken"),
        "after the queue's turn the slot must run first again"
    );
}
