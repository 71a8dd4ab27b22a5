//! Exercise 12.1: where `schedule` puts a task woken on a worker, and when
//! it wakes a sleeping sibling.

use ch12_exercises::schedule_local::Local;

fn polling(running: u32) -> Local {
    Local {
        running: Some(running),
        ..Local::default()
    }
}

fn queue(local: &Local) -> Vec<u32> {
    local.queue.iter().copied().collect()
}

#[test]
fn a_task_for_an_empty_slot_takes_it_and_wakes_nobody() {
    let mut local = polling(1);
    local.queue.push_back(7);
    assert!(
        !local.schedule_local(2),
        "only this worker can run the slot"
    );
    assert_eq!(local.slot, Some(2));
    assert_eq!(queue(&local), [7], "the queue is untouched");
}

#[test]
fn the_newest_task_displaces_the_slot_to_the_back_of_the_queue() {
    let mut local = polling(1);
    local.queue.push_back(7);
    local.schedule_local(2);
    assert!(
        local.schedule_local(3),
        "2 is stealable now: wake a sibling"
    );
    assert_eq!(local.slot, Some(3), "the newest runs next");
    assert_eq!(queue(&local), [7, 2], "2 waits behind 7, which was first");
}

#[test]
fn a_task_that_wakes_itself_yields_to_the_back_of_the_queue() {
    let mut local = polling(1);
    local.queue.push_back(7);
    local.schedule_local(2);
    assert!(local.schedule_local(1), "the yielding task is stealable");
    assert_eq!(queue(&local), [7, 1], "everyone queued goes first");
    assert_eq!(local.slot, Some(2), "a yield leaves the slot alone");
}

#[test]
fn a_wake_up_between_polls_goes_to_the_queue() {
    // No task running: the reactor, turned by this worker while it was
    // parked, woke task 5. The worker, back from `park`, looks in its queue.
    let mut local = Local::default();
    assert!(local.schedule_local(5), "stealable: a sibling may take it");
    assert_eq!(queue(&local), [5]);
    assert_eq!(local.slot, None, "nobody runs a slot between polls");
}
