//! Chapter 3's runtime beyond the conformance suite (`tests/conformance.rs`
//! at the repository root): what is particular to the global queue, and the
//! corners of shutdown.
#![cfg(not(loom))] // Plain threads and real time: nothing for loom to model.

use std::future::Future;
use std::pin::Pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll};
use std::thread;

use ch03_global_queue::{spawn, yield_now, Runtime};

/// Records labels in the order tasks reach them.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, label: impl Into<String>) {
        self.0
            .lock()
            .expect("no test panics while holding it")
            .push(label.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().expect("no test panics while holding it"))
    }
}

/// Occupies the only worker of `rt` until the returned sender is used (or
/// dropped), so the test can queue tasks in a known order first. Blocking
/// a worker is wrong in real code; here it makes the order exact.
fn hold_the_worker(rt: &Runtime) -> mpsc::Sender<()> {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (busy_tx, busy_rx) = mpsc::channel::<()>();
    drop(rt.spawn(async move {
        busy_tx.send(()).expect("the test waits for this");
        let _ = release_rx.recv();
    }));
    busy_rx.recv().expect("the holding task never ran");
    release_tx
}

#[test]
fn one_worker_runs_tasks_in_spawn_order() {
    let order = testkit::timeout(|| {
        let rt = Runtime::new(1);
        let log = Log::default();
        let release = hold_the_worker(&rt);
        let handles: Vec<_> = (1..=5)
            .map(|i| {
                let log = log.clone();
                rt.spawn(async move { log.push(i.to_string()) })
            })
            .collect();
        drop(release);
        rt.block_on(async move {
            for handle in handles {
                handle.await.expect("a task failed");
            }
        });
        log.take()
    });
    assert_eq!(order, ["1", "2", "3", "4", "5"]);
}

#[test]
fn a_yielding_task_goes_to_the_back_of_the_queue() {
    let order = testkit::timeout(|| {
        let rt = Runtime::new(1);
        let log = Log::default();
        let release = hold_the_worker(&rt);
        let a = rt.spawn({
            let log = log.clone();
            async move {
                log.push("a: before yield");
                yield_now().await;
                log.push("a: after yield");
            }
        });
        let b = rt.spawn({
            let log = log.clone();
            async move { log.push("b") }
        });
        drop(release);
        rt.block_on(async move {
            a.await.expect("a failed");
            b.await.expect("b failed");
        });
        log.take()
    });
    assert_eq!(order, ["a: before yield", "b", "a: after yield"]);
}

#[test]
fn every_poll_is_counted_and_comes_from_the_global_queue() {
    let stats = testkit::timeout(|| {
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
        rt.stats()
    });
    assert_eq!(stats.len(), 2);
    // Three yields, four polls each; every task run came off the one queue.
    assert_eq!(stats.iter().map(|w| w.polls).sum::<u64>(), 400);
    assert!(
        stats
            .iter()
            .all(|w| w.from_global == w.polls && w.stolen == 0),
        "{stats:?}"
    );
}

#[test]
fn idle_workers_park() {
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        assert_eq!(rt.block_on(rt.spawn(async { 1 })), Ok(1));
        // With nothing to run both workers must go to sleep on the condvar.
        // A worker that spun instead would never count a park, and the
        // timeout would fail this test.
        while rt.stats().iter().any(|worker| worker.parks == 0) {
            thread::yield_now();
        }
        // And a push wakes one of them again.
        assert_eq!(rt.block_on(rt.spawn(async { 2 })), Ok(2));
    });
}

#[test]
fn live_tasks_counts_the_spawned_tasks_that_have_not_finished() {
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        let waiting: Vec<_> = (0..10)
            .map(|_| rt.spawn(std::future::pending::<()>()))
            .collect();
        let done = rt.spawn(async { 5 });
        assert_eq!(rt.block_on(done), Ok(5));
        assert_eq!(rt.handle().live_tasks(), 10);
        for handle in &waiting {
            handle.abort();
        }
        rt.block_on(async move {
            for handle in waiting {
                assert!(handle.await.is_err_and(|e| e.is_cancelled()));
            }
        });
        assert_eq!(rt.handle().live_tasks(), 0);
    });
}

#[test]
fn a_runtime_dropped_by_one_of_its_own_tasks_still_shuts_down() {
    testkit::timeout(|| {
        let counter = testkit::DropCounter::new();
        let rt = Arc::new(Runtime::new(2));
        let token = counter.token();
        drop(rt.spawn(async move {
            let _token = token;
            std::future::pending::<()>().await
        }));
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let last = rt.clone();
        drop(rt.spawn(async move {
            go_rx.recv().expect("the test sends go");
            // The last reference: Runtime::drop runs here, on a worker.
            drop(last);
            done_tx.send(()).expect("the test waits for this");
        }));
        drop(rt);
        go_tx.send(()).expect("the task waits for go");
        // The task went on after the drop (it used to panic: a thread
        // cannot join itself)...
        done_rx.recv().expect("the task died in Runtime::drop");
        // ...and the shutdown finished on a helper thread, which dropped
        // the future that was still waiting. Nothing to join: watch it.
        while counter.alive() > 0 {
            thread::yield_now();
        }
    });
}

#[test]
fn spawning_while_the_runtime_shuts_down_leaks_no_task() {
    testkit::timeout(|| {
        let counter = testkit::DropCounter::new();
        let rt = Runtime::new(2);
        let (started_tx, started_rx) = mpsc::channel();
        for _ in 0..2 {
            let counter = counter.clone();
            let started = started_tx.clone();
            drop(rt.spawn(async move {
                started.send(()).expect("the test waits for this");
                // Spawns for as long as it is polled: some of these spawns
                // race with the drop below, before and after the registry
                // closes.
                loop {
                    let token = counter.token();
                    drop(spawn(async move {
                        let _token = token;
                        std::future::pending::<()>().await
                    }));
                    yield_now().await;
                }
            }));
        }
        started_rx.recv().expect("a spawner never ran");
        started_rx.recv().expect("a spawner never ran");
        drop(rt);
        assert!(counter.created() > 0);
        assert_eq!(counter.alive(), 0);
    });
}

/// Ready at once, but panics when dropped.
struct PanicsOnDrop;

impl Future for PanicsOnDrop {
    type Output = &'static str;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<&'static str> {
        Poll::Ready("finished")
    }
}

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("PanicsOnDrop dropped");
    }
}

#[test]
fn a_panic_in_a_futures_drop_takes_no_worker_down() {
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        // Dropped by the worker once it is Ready: the output still arrives.
        let handles: Vec<_> = (0..4).map(|_| rt.spawn(PanicsOnDrop)).collect();
        rt.block_on(async move {
            for handle in handles {
                assert_eq!(handle.await, Ok("finished"));
            }
        });
        // Dropped by the shutdown while it waits: `Runtime::drop` returns.
        let rt2 = Runtime::new(1);
        let (started_tx, started_rx) = mpsc::channel();
        let waiting = rt2.spawn(async move {
            let _bomb = PanicsOnDrop;
            started_tx.send(()).expect("the test waits for this");
            std::future::pending::<()>().await
        });
        started_rx.recv().expect("the task never ran");
        drop(rt2);
        assert!(ch02_futures::block_on(waiting).is_err_and(|e| e.is_cancelled()));
        // Both workers are still there.
        let sum = rt.block_on(async {
            let handles: Vec<_> = (0..100u32).map(|i| spawn(async move { i })).collect();
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.expect("a task failed");
            }
            sum
        });
        assert_eq!(sum, 4950);
    });
}

#[test]
fn block_on_is_refused_on_a_worker_of_any_runtime() {
    testkit::timeout(|| {
        let rt = Runtime::new(1);
        let other = Arc::new(Runtime::new(1));
        let inner = other.clone();
        let err = rt
            .block_on(rt.spawn(async move { inner.block_on(async { 1 }) }))
            .expect_err("block_on of another runtime, on a worker, must panic");
        assert!(
            err.panic_message()
                .is_some_and(|m| m.contains("worker thread")),
            "{err}"
        );
    });
}
