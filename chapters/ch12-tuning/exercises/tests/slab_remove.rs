//! Exercise 12.2: taking a task off the slab.

use std::rc::Rc;

use ch12_exercises::slab_remove::{task, Entry, Listed, Slab};

fn filled(ids: std::ops::RangeInclusive<u64>) -> (Slab, Vec<Rc<Listed>>) {
    let mut slab = Slab::default();
    let tasks: Vec<_> = ids.map(task).collect();
    for task in &tasks {
        slab.insert(task.clone());
    }
    (slab, tasks)
}

fn listed_ids(slab: &Slab) -> Vec<u64> {
    slab.entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Task(task) => Some(task.id),
            Entry::Free { .. } => None,
        })
        .collect()
}

#[test]
fn a_removed_task_is_handed_back_and_its_entry_emptied() {
    let (mut slab, tasks) = filled(1..=3);
    let removed = slab.remove(&tasks[1]).expect("task 2 is on the slab");
    assert!(
        Rc::ptr_eq(&removed, &tasks[1]),
        "the task itself comes back"
    );
    assert_eq!(listed_ids(&slab), [1, 3]);
    assert_eq!(slab.len, 2, "two live tasks left");
}

#[test]
fn an_emptied_entry_is_reused_before_the_vector_grows() {
    let (mut slab, tasks) = filled(1..=3);
    slab.remove(&tasks[0]);
    let newcomer = task(4);
    slab.insert(newcomer.clone());
    assert_eq!(slab.entries.len(), 3, "no fourth entry while one is empty");
    assert_eq!(newcomer.slot.get(), tasks[0].slot.get());
}

#[test]
fn every_emptied_entry_is_reused_not_only_the_last() {
    let (mut slab, tasks) = filled(1..=4);
    for task in &tasks[..3] {
        slab.remove(task);
    }
    for id in 5..=7 {
        slab.insert(task(id));
    }
    assert_eq!(
        slab.entries.len(),
        4,
        "three emptied entries take three newcomers"
    );
    let mut ids = listed_ids(&slab);
    ids.sort_unstable();
    assert_eq!(ids, [4, 5, 6, 7]);
    assert_eq!(slab.len, 4);
}

#[test]
fn removing_a_task_twice_leaves_the_next_tenant_alone() {
    let (mut slab, tasks) = filled(1..=2);
    assert!(slab.remove(&tasks[0]).is_some());
    let tenant = task(3);
    slab.insert(tenant.clone());
    assert_eq!(tenant.slot.get(), tasks[0].slot.get(), "3 took 1's entry");
    assert!(
        slab.remove(&tasks[0]).is_none(),
        "task 1 is no longer on the slab"
    );
    assert_eq!(listed_ids(&slab), [3, 2], "task 3 still runs");
    assert_eq!(slab.len, 2);
}

#[test]
fn a_task_that_was_never_inserted_is_left_alone() {
    let mut empty = Slab::default();
    assert!(
        empty.remove(&task(1)).is_none(),
        "an empty slab has no slot 0"
    );
    let (mut slab, _tasks) = filled(1..=2);
    let stranger = task(9);
    assert!(slab.remove(&stranger).is_none(), "slot 0 holds task 1");
    assert_eq!(listed_ids(&slab), [1, 2]);
    assert_eq!(slab.len, 2);
}

#[test]
fn the_count_follows_removals_to_zero() {
    let (mut slab, tasks) = filled(1..=5);
    for (removed, task) in tasks.iter().enumerate() {
        slab.remove(task);
        assert_eq!(slab.len, 4 - removed);
    }
    assert!(listed_ids(&slab).is_empty());
}
