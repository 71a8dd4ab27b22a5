//! Tests for Exercise 3.2 (lifo).

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;

use ch03_exercises::lifo::Runtime;
use ch03_global_queue::{spawn, yield_now};

#[test]
fn every_task_completes_on_two_workers() {
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        let handles: Vec<_> = (0..1_000u64)
            .map(|i| {
                rt.spawn(async move {
                    for _ in 0..3 {
                        yield_now().await;
                    }
                    i
                })
            })
            .collect();
        let sum = rt.block_on(async move {
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.expect("a task failed");
            }
            sum
        });
        assert_eq!(sum, 1_000 * 999 / 2);
    });
}

/// Runs tasks 1..=5 on a 1-worker runtime, all queued before the worker is
/// free, and returns the order in which they ran.
fn run_order_with_one_worker(spawn_from_a_task: bool) -> Vec<u32> {
    let rt = Runtime::new(1);
    let order = Arc::new(Mutex::new(Vec::new()));
    // Keeps the only worker busy until every task is queued. Blocking a
    // worker thread is wrong in real code; here it makes the order exact.
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (busy_tx, busy_rx) = mpsc::channel::<()>();
    let record = |label: u32| {
        let order = order.clone();
        async move { order.lock().expect("only tasks lock it").push(label) }
    };
    let handles = if spawn_from_a_task {
        let tasks: Vec<_> = (1..=5).map(record).collect();
        let parent = rt.spawn(async move {
            // Spawned from a worker, while that worker is busy with this task.
            let children: Vec<_> = tasks.into_iter().map(spawn).collect();
            children
        });
        rt.block_on(parent).expect("the parent task failed")
    } else {
        rt.spawn(async move {
            busy_tx.send(()).expect("the test waits for this");
            release_rx.recv().expect("the test releases the worker");
        });
        busy_rx.recv().expect("the blocking task never ran");
        let handles: Vec<_> = (1..=5).map(|label| rt.spawn(record(label))).collect();
        release_tx
            .send(())
            .expect("the blocking task waits for this");
        handles
    };
    rt.block_on(async move {
        for handle in handles {
            handle.await.expect("a task failed");
        }
    });
    let order = order.lock().expect("only tasks lock it").clone();
    order
}

#[test]
fn one_worker_runs_the_newest_task_first() {
    let order = testkit::timeout(|| run_order_with_one_worker(false));
    assert_eq!(order, vec![5, 4, 3, 2, 1]);
}

#[test]
fn tasks_spawned_by_a_task_also_run_newest_first() {
    let order = testkit::timeout(|| run_order_with_one_worker(true));
    assert_eq!(order, vec![5, 4, 3, 2, 1]);
}

#[test]
fn every_poll_is_counted() {
    let polls = testkit::timeout(|| {
        let rt = Runtime::new(2);
        let handles: Vec<_> = (0..100)
            .map(|_| {
                rt.spawn(async {
                    for _ in 0..3 {
                        yield_now().await;
                    }
                })
            })
            .collect();
        rt.block_on(async move {
            for handle in handles {
                handle.await.expect("a task failed");
            }
        });
        rt.stats().iter().map(|worker| worker.polls).sum::<u64>()
    });
    // Three yields mean four polls per task: no more, no fewer.
    assert_eq!(polls, 400);
}

#[test]
fn idle_workers_park_and_a_foreign_wake_gets_them_going() {
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        for round in 0..200u32 {
            let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
            let flag = Arc::new(AtomicBool::new(false));
            let seen = flag.clone();
            let task = rt.spawn(poll_fn(move |cx| {
                if seen.load(Ordering::Acquire) {
                    return Poll::Ready(round);
                }
                // The test holds the receiver until it has woken us.
                let _ = waker_tx.send(cx.waker().clone());
                Poll::Pending
            }));
            let waker = waker_rx.recv().expect("the task never ran");
            if round == 0 {
                // Both workers must run out of work and park: a scheduler
                // that spins instead never counts a park, and times out.
                while rt.stats().iter().any(|worker| worker.parks == 0) {
                    thread::yield_now();
                }
            }
            // Woken from this thread, which is not a worker.
            flag.store(true, Ordering::Release);
            waker.wake();
            assert_eq!(rt.block_on(task), Ok(round));
        }
    });
}

#[test]
fn dropping_the_runtime_stops_every_worker_and_drops_every_task() {
    testkit::timeout(|| {
        let counter = testkit::DropCounter::new();
        let rt = Runtime::new(2);
        let (started_tx, started_rx) = mpsc::channel();
        for _ in 0..10 {
            let token = counter.token();
            let started = started_tx.clone();
            drop(rt.spawn(async move {
                let _token = token;
                started.send(()).expect("the test waits for this");
                std::future::pending::<()>().await
            }));
        }
        for _ in 0..10 {
            started_rx.recv().expect("a task never ran");
        }
        // The workers are idle now, parked or about to be: shutdown must
        // wake them, or this drop never returns.
        drop(rt);
        assert_eq!(counter.alive(), 0);
        // And a runtime dropped while busy.
        let rt = Runtime::new(2);
        let token = counter.token();
        drop(rt.spawn(async move {
            let _token = token;
            loop {
                yield_now().await;
            }
        }));
        drop(rt);
        assert_eq!(counter.alive(), 0);
    });
}
