//! Tests for Exercise 4.1 (refill).

use std::collections::VecDeque;

use ch04_exercises::refill::refill;

fn queue(items: impl IntoIterator<Item = u32>) -> VecDeque<u32> {
    items.into_iter().collect()
}

#[test]
fn two_workers_split_the_global_queue_in_half() {
    let mut global = queue(1..=10);
    let mut local = VecDeque::new();
    assert_eq!(refill(&mut global, &mut local, 2, 32), 5);
    assert_eq!(local, queue(1..=5), "the oldest tasks, in order");
    assert_eq!(global, queue(6..=10), "the rest stays for the other worker");
}

#[test]
fn an_uneven_split_rounds_up_so_no_lone_task_is_left_behind() {
    let mut global = queue([7]);
    let mut local = VecDeque::new();
    assert_eq!(refill(&mut global, &mut local, 4, 32), 1);
    assert_eq!(local, queue([7]));
    let mut global = queue(1..=5);
    assert_eq!(refill(&mut global, &mut VecDeque::new(), 2, 32), 3);
}

#[test]
fn never_more_than_the_batch_limit() {
    let mut global = queue(1..=1000);
    let mut local = VecDeque::new();
    assert_eq!(refill(&mut global, &mut local, 2, 32), 32);
    assert_eq!(local.len(), 32);
    assert_eq!(global.len(), 968);
    assert_eq!(global.front(), Some(&33));
}

#[test]
fn moved_tasks_go_behind_what_is_already_local() {
    let mut global = queue(10..=13);
    let mut local = queue([1, 2]);
    assert_eq!(refill(&mut global, &mut local, 1, 32), 4);
    assert_eq!(local, queue([1, 2, 10, 11, 12, 13]));
    assert!(global.is_empty());
}

#[test]
fn an_empty_global_queue_moves_nothing() {
    let mut global: VecDeque<u32> = VecDeque::new();
    let mut local = queue([1]);
    assert_eq!(refill(&mut global, &mut local, 2, 32), 0);
    assert_eq!(local, queue([1]));
}
