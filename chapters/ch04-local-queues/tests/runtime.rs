//! The local-queue runtime end to end.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ch04_local_queues::{spawn, yield_now, Runtime};

// Results, panics, shutdown counts and the rest of the common API are
// checked for every runtime by the conformance suite (tests/conformance.rs
// at the root); these tests are about what this chapter changes.

#[test]
fn subtasks_spawned_on_a_worker_all_run_on_that_worker() {
    // The point of the chapter, and its flaw: nothing moves a task off the
    // local queue it was pushed onto, however idle the other worker is.
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        let threads = rt.block_on(async {
            spawn(async {
                let parent = std::thread::current().id();
                let handles: Vec<_> = (0..100)
                    .map(|_| spawn(async { std::thread::current().id() }))
                    .collect();
                let mut threads = HashSet::from([parent]);
                for handle in handles {
                    threads.insert(handle.await.expect("subtask failed"));
                }
                threads
            })
            .await
            .expect("parent failed")
        });
        assert_eq!(threads.len(), 1, "a subtask ran on another thread");
    })
}

#[test]
fn a_busy_local_queue_cannot_starve_the_global_queue() {
    // One worker, kept busy by a task that yields until told to stop: its
    // local queue is never empty. The task that tells it to stop arrives
    // through the global queue and runs only thanks to the 61-tick check.
    testkit::timeout(|| {
        let rt = Runtime::new(1);
        let stop = Arc::new(AtomicBool::new(false));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let spinner = rt.spawn({
            let stop = stop.clone();
            async move {
                let _ = started_tx.send(());
                while !stop.load(Ordering::SeqCst) {
                    yield_now().await;
                }
            }
        });
        // Spawned once the spinner runs, so the two are not taken from the
        // global queue in one batch.
        started_rx.recv().expect("the spinner never started");
        let stopper = rt.spawn(async move { stop.store(true, Ordering::SeqCst) });
        rt.block_on(async {
            stopper.await.expect("stopper failed");
            spinner.await.expect("spinner failed");
        });
    })
}

#[test]
fn shutdown_drops_every_unfinished_task() {
    testkit::timeout(|| {
        let counter = testkit::DropCounter::new();
        {
            let rt = Runtime::new(2);
            rt.block_on(async {
                for _ in 0..100 {
                    let token = counter.token();
                    spawn(async move {
                        let _token = token;
                        std::future::pending::<()>().await;
                    });
                }
            });
        }
        assert_eq!(counter.alive(), 0, "futures leaked at shutdown");
    })
}
