//! Tests for Exercise 4.2 (get_task).

use std::collections::VecDeque;

use ch04_exercises::get_task::get_task;

#[test]
fn on_an_ordinary_tick_the_local_queue_comes_first() {
    let mut tick = 0;
    let mut local = VecDeque::from(["local"]);
    let mut global = VecDeque::from(["global"]);
    assert_eq!(get_task(&mut tick, &mut local, &mut global), Some("local"));
    assert_eq!(tick, 1, "every call is one tick");
    assert_eq!(
        get_task(&mut tick, &mut local, &mut global),
        Some("global"),
        "then the global queue"
    );
    assert_eq!(get_task(&mut tick, &mut local, &mut global), None);
}

#[test]
fn on_every_61st_tick_the_global_queue_comes_first() {
    let mut tick = 60;
    let mut local = VecDeque::from(["local"]);
    let mut global = VecDeque::from(["global"]);
    assert_eq!(get_task(&mut tick, &mut local, &mut global), Some("global"));
    assert_eq!(tick, 61);
    let mut tick = 121;
    let mut global = VecDeque::from(["global"]);
    assert_eq!(
        get_task(&mut tick, &mut local, &mut global),
        Some("global"),
        "tick 122 is 2 x 61"
    );
}

#[test]
fn a_fairness_tick_with_an_empty_global_queue_takes_a_local_task() {
    let mut tick = 60;
    let mut local = VecDeque::from(["local"]);
    let mut global = VecDeque::new();
    assert_eq!(get_task(&mut tick, &mut local, &mut global), Some("local"));
}

#[test]
fn a_busy_local_queue_cannot_starve_the_global_one() {
    // A local task that yields goes straight back on the local queue, so the
    // local queue is never empty. The global task must still run, within 61 ticks.
    let mut tick = 0;
    let mut local = VecDeque::from(["yielder"]);
    let mut global = VecDeque::from(["from outside"]);
    for turn in 1..=61 {
        let task = get_task(&mut tick, &mut local, &mut global).expect("there is always a task");
        if task == "from outside" {
            assert_eq!(turn, 61);
            return;
        }
        local.push_back(task);
    }
    panic!("the global task never ran in 61 turns");
}

#[test]
fn the_tick_wraps_around_instead_of_overflowing() {
    let mut tick = u32::MAX;
    let mut local = VecDeque::from([1]);
    let mut global = VecDeque::from([2]);
    // u32::MAX + 1 wraps to 0, and 0 is a multiple of 61.
    assert_eq!(get_task(&mut tick, &mut local, &mut global), Some(2));
    assert_eq!(tick, 0);
}
