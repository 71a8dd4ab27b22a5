//! The work-stealing runtime end to end: results, panics, shutdown, and
//! stress tests for lost wake-ups (a lost wake-up shows up as a timeout).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::task::Waker;

use ch05_work_stealing::{spawn, yield_now, Runtime};

// Results, panics, shutdown counts and the rest of the common API are
// checked for every runtime by the conformance suite (tests/conformance.rs
// at the root); these tests are about what this chapter changes.

#[test]
fn work_spawned_on_one_worker_is_stolen_by_the_other() {
    // Subtasks spawned from inside a task land on that worker's own deque.
    // Each one blocks its thread until subtasks have run on two different
    // threads: so the test finishes only if the other worker steals.
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        let seen = Arc::new((Mutex::new(HashSet::new()), Condvar::new()));
        rt.block_on(async move {
            spawn(async move {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        let seen = seen.clone();
                        spawn(async move {
                            let (threads, changed) = &*seen;
                            let mut threads = threads.lock().expect("poisoned");
                            threads.insert(std::thread::current().id());
                            changed.notify_all();
                            while threads.len() < 2 {
                                threads = changed.wait(threads).expect("poisoned");
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("subtask failed");
                }
            })
            .await
            .expect("parent failed");
        });
        let stolen: u64 = rt.stats().iter().map(|s| s.stolen).sum();
        assert!(stolen > 0, "finished without a steal: {:?}", rt.stats());
    })
}

#[test]
fn a_wake_from_outside_reaches_sleeping_workers_every_time() {
    // Each round: a task parks its waker and returns Pending; the workers
    // run out of work and go to sleep; this thread wakes the task. If the
    // wake-up were lost between "no work" and "park", the round would hang.
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        for round in 0..2_000 {
            let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
            let join = rt.spawn(async move {
                let mut sent = false;
                std::future::poll_fn(|cx| {
                    if sent {
                        std::task::Poll::Ready(round)
                    } else {
                        sent = true;
                        let _ = waker_tx.send(cx.waker().clone());
                        std::task::Poll::Pending
                    }
                })
                .await
            });
            let waker = waker_rx.recv().expect("task never ran");
            waker.wake();
            assert_eq!(rt.block_on(join), Ok(round));
        }
    })
}

#[test]
fn chains_of_tasks_waking_each_other_across_workers_complete() {
    // Task i awaits task i-1: every completion wakes a task, from a worker,
    // while the other worker is going to sleep or waking up.
    testkit::timeout(|| {
        let rt = Runtime::new(3);
        for _ in 0..200 {
            let last = rt.block_on(async {
                let mut previous = spawn(async { 0u64 });
                for _ in 0..50 {
                    let before = previous;
                    previous = spawn(async move { before.await.expect("link failed") + 1 });
                }
                previous.await.expect("chain failed")
            });
            assert_eq!(last, 50);
        }
    })
}

#[test]
fn shutdown_drops_every_unfinished_task() {
    testkit::timeout(|| {
        let counter = testkit::DropCounter::new();
        {
            let rt = Runtime::new(2);
            for _ in 0..100 {
                let token = counter.token();
                rt.spawn(async move {
                    let _token = token;
                    std::future::pending::<()>().await;
                });
            }
            // Some tasks may be queued, some waiting: both kinds must go.
        }
        assert_eq!(counter.alive(), 0, "futures leaked at shutdown");
    })
}

#[test]
fn a_busy_local_queue_cannot_starve_the_global_queue() {
    // One worker, kept busy by a task that yields until told to stop: its
    // deque is never empty. The task that tells it to stop arrives through
    // the global queue and runs only thanks to the 61-tick check.
    testkit::timeout(|| {
        let rt = Runtime::new(1);
        let stop = Arc::new(AtomicBool::new(false));
        let (started_tx, started_rx) = mpsc::channel();
        let spinner = rt.spawn({
            let stop = stop.clone();
            async move {
                let _ = started_tx.send(());
                while !stop.load(Ordering::SeqCst) {
                    yield_now().await;
                }
            }
        });
        started_rx.recv().expect("the spinner never started");
        let stopper = rt.spawn(async move { stop.store(true, Ordering::SeqCst) });
        rt.block_on(async {
            stopper.await.expect("stopper failed");
            spinner.await.expect("spinner failed");
        });
    })
}
