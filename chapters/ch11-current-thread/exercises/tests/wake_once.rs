//! Exercise 11.2: a task is in the run queue at most once, and a wake-up
//! during its poll is never lost.

use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use ch11_exercises::wake_once::{start_poll, wake, Header};

fn queue() -> Mutex<Vec<u64>> {
    Mutex::new(Vec::new())
}

fn taken(queue: &Mutex<Vec<u64>>) -> Vec<u64> {
    std::mem::take(&mut *queue.lock().expect("queue"))
}

#[test]
fn wake_ups_of_a_queued_task_add_nothing() {
    let q = queue();
    let task = Header::spawned(1, &q);
    for _ in 0..5 {
        wake(&task, &q);
    }
    assert_eq!(taken(&q), [1], "a queued task was queued again");
}

#[test]
fn a_task_that_was_polled_is_queued_by_the_next_wake_up() {
    let q = queue();
    let task = Header::spawned(2, &q);
    assert_eq!(taken(&q), [2]);
    start_poll(&task);
    // The poll returned Pending; later its waker is called.
    wake(&task, &q);
    assert_eq!(
        taken(&q),
        [2],
        "the wake-up after the poll did not queue the task"
    );
    wake(&task, &q);
    assert_eq!(taken(&q), [] as [u64; 0], "queued twice for one wait");
}

#[test]
fn a_wake_up_during_the_poll_queues_the_task_again() {
    let q = queue();
    let task = Header::spawned(3, &q);
    taken(&q);
    start_poll(&task);
    // While the poll runs, another thread calls the waker (the socket
    // became ready just after the task looked at it).
    wake(&task, &q);
    // The poll returns Pending.
    assert_eq!(
        taken(&q),
        [3],
        "the wake-up during the poll was lost: the task waits for ever"
    );
}

#[test]
fn racing_wakers_queue_the_task_once() {
    testkit::timeout(|| {
        let q = Arc::new(queue());
        let task = Arc::new(Header::spawned(4, &q));
        for _round in 0..200 {
            taken(&q);
            start_poll(&task);
            let start = Arc::new(Barrier::new(4));
            let wakers: Vec<_> = (0..4)
                .map(|_| {
                    let (q, task, start) = (q.clone(), task.clone(), start.clone());
                    thread::spawn(move || {
                        start.wait();
                        for _ in 0..50 {
                            wake(&task, &q);
                        }
                    })
                })
                .collect();
            for waker in wakers {
                waker.join().expect("waker");
            }
            assert_eq!(taken(&q), [4], "200 wake-ups of one waiting task");
        }
    });
}
