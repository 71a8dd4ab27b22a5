//! The LIFO slot's own tests. What every runtime must do (all tasks run,
//! shutdown drops everything, wakes from other threads) is checked for this
//! runtime by the workspace's conformance suite: `tests/conformance.rs`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ch12_tuning::{spawn, Runtime, MAX_LIFO_POLLS_PER_TICK};
use futures_channel::{mpsc, oneshot};
use futures_util::StreamExt;

const LIMIT: Duration = Duration::from_secs(20);

// ANCHOR: order
#[test]
fn the_last_task_spawned_by_a_task_runs_next() {
    let order = testkit::with_timeout(LIMIT, || {
        let runtime = Runtime::new(1);
        let order = Arc::new(Mutex::new(Vec::new()));
        let (done, finished) = oneshot::channel();
        let log = order.clone();
        runtime.spawn(async move {
            for name in ["b", "c"] {
                let log = log.clone();
                drop(spawn(async move { log.lock().unwrap().push(name) }));
            }
            log.lock().unwrap().push("a");
            let _ = done.send(());
        });
        runtime.block_on(finished).expect("a never finished");
        // b and c run after the block_on task is woken; wait for both.
        while order.lock().unwrap().len() < 3 {
            runtime.block_on(ch12_tuning::yield_now());
        }
        let order = order.lock().unwrap().clone();
        order
    });
    // c took the slot from b, which went to the back of the queue.
    assert_eq!(order, ["a", "c", "b"]);
}
// ANCHOR_END: order

// ANCHOR: starvation
/// A pair of tasks that wake each other for ever would live in the slot for
/// ever without the cap, and one worker would never reach its queue.
#[test]
fn a_ping_pong_pair_does_not_starve_the_queue() {
    testkit::with_timeout(LIMIT, || {
        let runtime = Runtime::new(1);
        let stop = Arc::new(AtomicBool::new(false));
        let exchanges = Arc::new(AtomicUsize::new(0));
        let (to_a, mut a_inbox) = mpsc::unbounded::<()>();
        let (to_b, mut b_inbox) = mpsc::unbounded::<()>();
        let (s, n) = (stop.clone(), exchanges.clone());
        runtime.spawn(async move {
            while !s.load(Ordering::SeqCst) && to_b.unbounded_send(()).is_ok() {
                n.fetch_add(1, Ordering::SeqCst);
                a_inbox.next().await;
            }
        });
        let s = stop.clone();
        runtime.spawn(async move {
            while b_inbox.next().await.is_some() && !s.load(Ordering::SeqCst) {
                let _ = to_a.unbounded_send(());
            }
        });
        // Queued behind the pair: each one must still get its turn.
        let ran = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..100)
            .map(|_| {
                let ran = ran.clone();
                runtime.spawn(async move {
                    ran.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        runtime.block_on(async {
            for handle in handles {
                handle.await.expect("a queued task failed");
            }
        });
        stop.store(true, Ordering::SeqCst);
        assert_eq!(ran.load(Ordering::SeqCst), 100);
    });
}
// ANCHOR_END: starvation

#[test]
fn the_slot_is_used_and_capped() {
    let polls = testkit::with_timeout(LIMIT, || {
        let runtime = Runtime::new(1);
        let (done, finished) = oneshot::channel();
        // A chain: each task spawns the next, so every link but the first
        // is a LIFO candidate.
        fn link(left: usize, done: oneshot::Sender<()>) {
            drop(spawn(async move {
                match left {
                    0 => drop(done),
                    _ => link(left - 1, done),
                }
            }));
        }
        runtime.spawn(async move { link(100, done) });
        let _ = runtime.block_on(finished);
        runtime.scheduler().lifo_polls()[0]
    });
    // 100 links; every fourth one goes back to the queue because of the cap.
    let most = 100 * MAX_LIFO_POLLS_PER_TICK / (MAX_LIFO_POLLS_PER_TICK + 1) + 1;
    assert!(polls > 50 && polls <= most as u64, "{polls} LIFO polls");
}

#[test]
fn a_task_in_the_slot_at_shutdown_is_dropped() {
    testkit::with_timeout(LIMIT, || {
        let counter = testkit::DropCounter::new();
        let runtime = Runtime::new(2);
        let (started, running) = oneshot::channel::<()>();
        let token = counter.token();
        let inner = counter.token();
        runtime.spawn(async move {
            let _token = token;
            // Pending for ever: only shutdown can drop it.
            drop(spawn(async move {
                let _token = inner;
                std::future::pending::<()>().await
            }));
            let _ = started.send(());
            std::future::pending::<()>().await
        });
        runtime.block_on(running).expect("never started");
        drop(runtime);
        assert_eq!(counter.alive(), 0, "a future outlived its runtime");
    });
}

/// A worker whose only task yields for ever (a hog spending its budget, in
/// chapter 13) still looks at the global queue after each yield, as tokio's
/// does: a task spawned from outside runs within a poll or two of the
/// yielder, not on the worker's 61st tick.
#[test]
fn a_task_spawned_from_outside_runs_soon_after_a_yield() {
    let waits = testkit::with_timeout(LIMIT, || {
        let runtime = Runtime::new(1);
        let polls = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (warm, warmed) = oneshot::channel::<()>();
        let (p, s) = (polls.clone(), stop.clone());
        runtime.spawn(async move {
            let mut warm = Some(warm);
            while !s.load(Ordering::SeqCst) {
                if p.fetch_add(1, Ordering::SeqCst) == 100 {
                    if let Some(warm) = warm.take() {
                        let _ = warm.send(());
                    }
                }
                ch12_tuning::yield_now().await;
            }
        });
        runtime.block_on(warmed).expect("the yielder never ran");
        // Five tries: without the look after a yield, each would wait for
        // a tick that is a multiple of 61, a few polls away only by luck.
        let mut waits = Vec::new();
        for _ in 0..5 {
            let (ran, seen) = oneshot::channel();
            let p = polls.clone();
            runtime.spawn(async move {
                let _ = ran.send(p.load(Ordering::SeqCst));
            });
            // Read after the spawn, so that this thread's own delays cannot
            // count against the worker (at worst the task ran already).
            let spawned = polls.load(Ordering::SeqCst);
            let ran_at = runtime.block_on(seen).expect("the task never ran");
            waits.push(ran_at.saturating_sub(spawned));
        }
        stop.store(true, Ordering::SeqCst);
        waits
    });
    assert!(
        waits.iter().all(|&yields| yields <= 4),
        "the yielder was polled {waits:?} times before each new task ran"
    );
}
