//! Tests for Exercise 5.1 (steal_local).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use ch05_exercises::steal_local::steal_local;
use crossbeam_deque::{Stealer, Worker};

/// `n` FIFO deques and their stealers.
fn deques(n: usize) -> (Vec<Worker<u32>>, Vec<Stealer<u32>>) {
    let workers: Vec<Worker<u32>> = (0..n).map(|_| Worker::new_fifo()).collect();
    let stealers = workers.iter().map(Worker::stealer).collect();
    (workers, stealers)
}

#[test]
fn steals_the_oldest_task_and_a_batch_with_it() {
    let (workers, stealers) = deques(2);
    for task in 1..=10 {
        workers[0].push(task);
    }
    let dest = Worker::new_fifo();
    assert_eq!(steal_local(&stealers, 1, 0, &dest), Some((1, 0)));
    assert!(!dest.is_empty(), "a batch came along, not just one task");
    assert_eq!(
        workers[0].len() + dest.len() + 1,
        10,
        "nothing lost or duplicated"
    );
}

#[test]
fn never_steals_from_itself() {
    let (workers, stealers) = deques(3);
    workers[1].push(7);
    assert_eq!(steal_local(&stealers, 1, 1, &workers[1]), None);
    assert_eq!(workers[1].pop(), Some(7), "still there");
}

#[test]
fn starts_at_the_given_index() {
    let (workers, stealers) = deques(4);
    workers[1].push(10);
    workers[3].push(30);
    let dest = Worker::new_fifo();
    assert_eq!(steal_local(&stealers, 0, 2, &dest), Some((30, 3)));
    assert_eq!(
        steal_local(&stealers, 0, 2, &dest),
        Some((10, 1)),
        "wrapped around"
    );
}

#[test]
fn wraps_around_past_the_last_worker() {
    let (workers, stealers) = deques(3);
    workers[0].push(5);
    let dest = Worker::new_fifo();
    assert_eq!(steal_local(&stealers, 2, 2, &dest), Some((5, 0)));
}

#[test]
fn returns_none_when_every_sibling_is_empty() {
    let (_workers, stealers) = deques(4);
    let dest = Worker::new_fifo();
    assert_eq!(steal_local(&stealers, 0, 3, &dest), None);
    assert!(dest.is_empty());
}

#[test]
fn racing_thieves_take_every_task_exactly_once() {
    testkit::timeout(|| {
        const TASKS: u32 = 20_000;
        const THIEVES: usize = 4;
        let (workers, stealers) = deques(THIEVES + 1);
        for task in 0..TASKS {
            workers[0].push(task);
        }
        let stealers = Arc::new(stealers);
        let start = Arc::new(Barrier::new(THIEVES));
        let sum = Arc::new(AtomicUsize::new(0));
        let count = Arc::new(AtomicUsize::new(0));
        let thieves: Vec<_> = (1..=THIEVES)
            .map(|me| {
                let (stealers, start, sum, count) =
                    (stealers.clone(), start.clone(), sum.clone(), count.clone());
                std::thread::spawn(move || {
                    let mine = Worker::new_fifo();
                    start.wait();
                    // Steal, then run (here: add up) everything stolen, and
                    // steal again, until every sibling is empty.
                    while let Some((task, _)) = steal_local(&stealers, me, me, &mine) {
                        let mut next = Some(task);
                        while let Some(task) = next {
                            sum.fetch_add(task as usize, Ordering::Relaxed);
                            count.fetch_add(1, Ordering::Relaxed);
                            next = mine.pop();
                        }
                    }
                })
            })
            .collect();
        for thief in thieves {
            thief.join().expect("a thief panicked");
        }
        assert_eq!(count.load(Ordering::Relaxed), TASKS as usize);
        assert_eq!(
            sum.load(Ordering::Relaxed),
            (0..TASKS as usize).sum::<usize>()
        );
    })
}
