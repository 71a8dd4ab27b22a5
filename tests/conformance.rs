//! The runtime conformance suite: what every runtime in the book must do,
//! whatever its scheduler.
//!
//! The tests are written once, in [`conformance_suite!`], against the API all
//! runtime chapters share: `Runtime::new(workers)`, `Runtime::block_on`,
//! `Runtime::spawn`, the free `spawn`, `yield_now`, `JoinHandle` and
//! `JoinError`. Each runtime is one line at the bottom of this file, which
//! generates a module of tests for it:
//!
//! ```text
//! cargo test -p byo-async-runtime --test conformance            # every runtime
//! cargo test -p byo-async-runtime --test conformance ch03::     # one of them
//! ```
//!
//! Every test runs inside `testkit::timeout`, so a lost wake-up or a deadlock
//! fails the test instead of hanging it. Every test uses 2 workers.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Waker};
use std::thread;

/// Workers per runtime in every test: enough for two polls to race.
const WORKERS: usize = 2;

/// Runtime-agnostic futures the tests use. None of them needs a runtime's
/// internals: they only see the `Waker` in the `Context`.
mod support {
    use super::*;

    /// The text of a panic: `panic!("...")` carries a `&str`, `panic!("{x}")`
    /// a `String`.
    pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    /// Pending until a foreign thread has set `flag` and called the waker
    /// this future sent it. A lost wake-up leaves it pending for ever.
    pub struct WokenFromAfar {
        pub flag: Arc<AtomicBool>,
        pub requests: mpsc::Sender<(Arc<AtomicBool>, Waker)>,
        pub sent: bool,
    }

    impl Future for WokenFromAfar {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.flag.load(Ordering::Acquire) {
                return Poll::Ready(());
            }
            if !self.sent {
                self.sent = true;
                let request = (self.flag.clone(), cx.waker().clone());
                // The foreign thread lives until every request is answered.
                self.requests
                    .send(request)
                    .expect("the waking thread is gone");
            }
            Poll::Pending
        }
    }

    /// Returns `Pending` `remaining` times, waking itself during each of
    /// those polls, and records any poll that starts while another poll of
    /// it is still running. Its output is the number of polls it saw.
    pub struct SelfWaking {
        pub remaining: usize,
        /// Wake-ups sent during each poll that returns `Pending`.
        pub wakes_per_poll: usize,
        pub polling: Arc<AtomicBool>,
        pub overlaps: Arc<AtomicUsize>,
        pub polls: Arc<AtomicUsize>,
        /// Gets a clone of the waker on the first poll, so a foreign thread
        /// can wake the task while workers poll it.
        pub waker_out: Option<mpsc::Sender<Waker>>,
    }

    impl Future for SelfWaking {
        type Output = usize;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            if self.polling.swap(true, Ordering::SeqCst) {
                self.overlaps.fetch_add(1, Ordering::SeqCst);
            }
            let polls = self.polls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(out) = self.waker_out.take() {
                // The receiver may already be gone; the hammering is optional.
                let _ = out.send(cx.waker().clone());
            }
            let ready = self.remaining == 0;
            if !ready {
                self.remaining -= 1;
                for _ in 0..self.wakes_per_poll {
                    cx.waker().wake_by_ref();
                }
                // Widen the window in which a runtime that queued the task
                // on that wake could hand it to a second worker.
                thread::yield_now();
            }
            self.polling.store(false, Ordering::SeqCst);
            if ready {
                Poll::Ready(polls)
            } else {
                Poll::Pending
            }
        }
    }
}

/// Generates `mod $name` with the whole suite, run against crate `$krate`.
macro_rules! conformance_suite {
    ($name:ident, $krate:ident) => {
        mod $name {
            use super::support::*;
            use super::*;
            use $krate::{spawn, yield_now, JoinError, JoinHandle, Runtime};

            /// A tree of tasks: each node spawns `fan_out` children with
            /// the free `spawn` (so from a worker) and returns how many
            /// nodes are in its subtree. Boxed: an async fn cannot recurse
            /// without it.
            fn tree(depth: u32, fan_out: u32) -> Pin<Box<dyn Future<Output = u64> + Send>> {
                Box::pin(async move {
                    if depth == 0 {
                        return 1;
                    }
                    let children: Vec<_> = (0..fan_out)
                        .map(|_| spawn(tree(depth - 1, fan_out)))
                        .collect();
                    let mut nodes = 1;
                    for child in children {
                        nodes += child.await.expect("a child task failed");
                    }
                    nodes
                })
            }

            const MANY: u64 = 100_000;

            #[test]
            fn many_tasks_spawned_from_outside_all_complete() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let ran = Arc::new(AtomicUsize::new(0));
                    let handles: Vec<JoinHandle<u64>> = (0..MANY)
                        .map(|i| {
                            let ran = ran.clone();
                            rt.spawn(async move {
                                ran.fetch_add(1, Ordering::Relaxed);
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
                    assert_eq!(ran.load(Ordering::Relaxed), MANY as usize);
                    assert_eq!(sum, MANY * (MANY - 1) / 2);
                });
            }

            #[test]
            fn many_tasks_spawned_from_inside_a_task_all_complete() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let ran = Arc::new(AtomicUsize::new(0));
                    let counted = ran.clone();
                    let spawner = rt.spawn(async move {
                        let handles: Vec<_> = (0..MANY)
                            .map(|i| {
                                let ran = counted.clone();
                                spawn(async move {
                                    ran.fetch_add(1, Ordering::Relaxed);
                                    i
                                })
                            })
                            .collect();
                        let mut sum = 0;
                        for handle in handles {
                            sum += handle.await.expect("a task failed");
                        }
                        sum
                    });
                    let sum = rt.block_on(spawner).expect("the spawning task failed");
                    assert_eq!(ran.load(Ordering::Relaxed), MANY as usize);
                    assert_eq!(sum, MANY * (MANY - 1) / 2);
                });
            }

            #[test]
            fn a_waker_called_from_a_foreign_thread_wakes_the_task() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let (requests, incoming) = mpsc::channel::<(Arc<AtomicBool>, Waker)>();
                    // Not a worker and not inside block_on: a thread the
                    // runtime knows nothing about, like an I/O callback.
                    let foreign = thread::spawn(move || {
                        let mut woken = 0;
                        for (flag, waker) in incoming {
                            flag.store(true, Ordering::Release);
                            waker.wake();
                            woken += 1;
                        }
                        woken
                    });
                    const TASKS: usize = 200;
                    const WAITS: usize = 5;
                    let handles: Vec<_> = (0..TASKS)
                        .map(|i| {
                            let requests = requests.clone();
                            rt.spawn(async move {
                                for _ in 0..WAITS {
                                    WokenFromAfar {
                                        flag: Arc::new(AtomicBool::new(false)),
                                        requests: requests.clone(),
                                        sent: false,
                                    }
                                    .await;
                                }
                                i
                            })
                        })
                        .collect();
                    drop(requests);
                    let outputs: Vec<usize> = rt.block_on(async move {
                        let mut outputs = Vec::new();
                        for handle in handles {
                            outputs.push(handle.await.expect("a task failed"));
                        }
                        outputs
                    });
                    assert_eq!(outputs, (0..TASKS).collect::<Vec<_>>());
                    drop(rt);
                    let woken = foreign.join().expect("the foreign thread panicked");
                    assert_eq!(woken, TASKS * WAITS);
                });
            }

            #[test]
            fn a_task_woken_during_its_poll_is_never_polled_concurrently() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    const TASKS: usize = 8;
                    const WAKES: usize = 500;
                    let overlaps = Arc::new(AtomicUsize::new(0));
                    let stop = Arc::new(AtomicBool::new(false));
                    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
                    // Wakes every task over and over from outside while the
                    // workers poll them.
                    let hammer = {
                        let stop = stop.clone();
                        thread::spawn(move || {
                            let wakers: Vec<Waker> = waker_rx.iter().take(TASKS).collect();
                            while !stop.load(Ordering::Acquire) {
                                for waker in &wakers {
                                    waker.wake_by_ref();
                                }
                                thread::yield_now();
                            }
                        })
                    };
                    let handles: Vec<_> = (0..TASKS)
                        .map(|_| {
                            rt.spawn(SelfWaking {
                                remaining: WAKES,
                                wakes_per_poll: 2,
                                polling: Arc::new(AtomicBool::new(false)),
                                overlaps: overlaps.clone(),
                                polls: Arc::new(AtomicUsize::new(0)),
                                waker_out: Some(waker_tx.clone()),
                            })
                        })
                        .collect();
                    drop(waker_tx);
                    rt.block_on(async move {
                        for handle in handles {
                            handle.await.expect("a task failed");
                        }
                    });
                    stop.store(true, Ordering::Release);
                    hammer.join().expect("the waking thread panicked");
                    assert_eq!(
                        overlaps.load(Ordering::SeqCst),
                        0,
                        "a task was polled by two workers at once"
                    );
                });
            }

            #[test]
            fn wakes_during_a_poll_queue_the_task_once() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    const TASKS: usize = 8;
                    const WAKES: usize = 500;
                    let polls_seen = Arc::new(AtomicUsize::new(0));
                    let handles: Vec<_> = (0..TASKS)
                        .map(|_| {
                            rt.spawn(SelfWaking {
                                remaining: WAKES,
                                // Three wake-ups per poll: one pending wake-up
                                // is as good as three, so one more poll.
                                wakes_per_poll: 3,
                                polling: Arc::new(AtomicBool::new(false)),
                                overlaps: Arc::new(AtomicUsize::new(0)),
                                polls: polls_seen.clone(),
                                waker_out: None,
                            })
                        })
                        .collect();
                    rt.block_on(async move {
                        for handle in handles {
                            handle.await.expect("a task failed");
                        }
                    });
                    // A task queued once per wake would be taken off the
                    // queue again and again with nothing to do (or block a
                    // second worker on the first one's poll): the workers
                    // would count more task runs than the futures saw polls.
                    let worker_polls: u64 = rt.stats().iter().map(|w| w.polls).sum();
                    assert_eq!(polls_seen.load(Ordering::SeqCst), TASKS * (WAKES + 1));
                    assert_eq!(
                        worker_polls,
                        (TASKS * (WAKES + 1)) as u64,
                        "the workers ran tasks more often than the tasks were polled"
                    );
                });
            }

            #[test]
            fn nested_spawns_return_their_outputs() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    // 1 + 3 + 9 + 27 + 81 tasks, spawned by tasks.
                    let nodes = rt.block_on(async { spawn(tree(4, 3)).await });
                    assert_eq!(nodes, Ok(121));
                    // The same from Runtime::spawn, and three levels spelled out.
                    let nested = rt.spawn(async {
                        let middle = spawn(async {
                            let inner = spawn(async { "inner" });
                            format!("middle({})", inner.await.expect("inner failed"))
                        });
                        format!("outer({})", middle.await.expect("middle failed"))
                    });
                    assert_eq!(rt.block_on(nested), Ok("outer(middle(inner))".to_string()));
                });
            }

            #[test]
            fn join_handles_carry_each_tasks_output() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let text = rt.spawn(async { String::from("text") });
                    let list = rt.spawn(async { vec![1u8, 2, 3] });
                    let unit = rt.spawn(async {});
                    let result = rt.spawn(async { Err::<u8, _>("an error is an output too") });
                    let numbers: Vec<_> = (0..100u64)
                        .map(|i| rt.spawn(async move { i * i }))
                        .collect();
                    rt.block_on(async move {
                        // Awaited in reverse: a handle does not care when it is awaited.
                        for (i, handle) in numbers.into_iter().enumerate().rev() {
                            assert_eq!(handle.await, Ok((i * i) as u64));
                        }
                        assert_eq!(result.await, Ok(Err("an error is an output too")));
                        assert_eq!(unit.await, Ok(()));
                        assert_eq!(list.await, Ok(vec![1, 2, 3]));
                        assert_eq!(text.await, Ok("text".to_string()));
                    });
                });
            }

            #[test]
            fn a_panicking_task_gives_a_join_error_and_the_runtime_carries_on() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let handles: Vec<JoinHandle<usize>> = (0..100)
                        .map(|i| {
                            rt.spawn(async move {
                                yield_now().await;
                                if i % 2 == 1 {
                                    panic!("task {i} exploded");
                                }
                                i
                            })
                        })
                        .collect();
                    let results: Vec<Result<usize, JoinError>> = rt.block_on(async move {
                        let mut results = Vec::new();
                        for handle in handles {
                            results.push(handle.await);
                        }
                        results
                    });
                    for (i, result) in results.into_iter().enumerate() {
                        match result {
                            Ok(value) => assert_eq!((i % 2, value), (0, i)),
                            Err(err) => {
                                assert_eq!(i % 2, 1, "task {i} failed: {err}");
                                assert!(err.is_panic() && !err.is_cancelled());
                                let expected = format!("task {i} exploded");
                                assert_eq!(err.panic_message(), Some(expected.as_str()));
                                assert!(err.to_string().contains(&expected), "{err}");
                            }
                        }
                    }
                    // The workers caught the panics and are still there.
                    let after: Vec<_> =
                        (0..10_000u64).map(|i| rt.spawn(async move { i })).collect();
                    let sum = rt.block_on(async move {
                        let mut sum = 0;
                        for handle in after {
                            sum += handle.await.expect("a task after the panics failed");
                        }
                        sum
                    });
                    assert_eq!(sum, 10_000 * 9_999 / 2);
                });
            }

            #[test]
            fn a_detached_task_still_runs_to_completion() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let (done_tx, done_rx) = mpsc::channel();
                    for i in 0..100 {
                        let done_tx = done_tx.clone();
                        // The JoinHandle is dropped at once: the task is detached.
                        drop(rt.spawn(async move {
                            yield_now().await;
                            yield_now().await;
                            done_tx.send(i).expect("the test stopped listening");
                        }));
                    }
                    drop(done_tx);
                    // Ends when every task has finished and dropped its sender.
                    let mut seen: Vec<i32> = done_rx.iter().collect();
                    seen.sort_unstable();
                    assert_eq!(seen, (0..100).collect::<Vec<_>>());
                });
            }

            #[test]
            fn block_on_inside_a_worker_panics_with_a_clear_message() {
                testkit::timeout(|| {
                    let rt = Arc::new(Runtime::new(WORKERS));
                    let inner = rt.clone();
                    let handle = rt.spawn(async move { inner.block_on(async { 1 }) });
                    let err = rt
                        .block_on(handle)
                        .expect_err("block_on on a worker must panic");
                    assert!(err.is_panic(), "{err}");
                    let message = err.panic_message().expect("a panic has a message");
                    assert!(message.contains("block_on"), "unclear message: {message}");
                    // The worker survived, and block_on still works off the workers.
                    assert_eq!(rt.block_on(async { spawn(async { 2 }).await }), Ok(2));
                });
            }

            #[test]
            fn block_on_inside_block_on_panics_with_a_clear_message() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let other = Runtime::new(WORKERS);
                    // The same runtime, and another one: either way the
                    // outer future's thread would be blocked inside its poll.
                    for inner in [&rt, &other] {
                        let nested = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            rt.block_on(async { inner.block_on(async { 1 }) })
                        }));
                        let payload = nested.expect_err("block_on inside block_on must panic");
                        let message = panic_text(payload.as_ref());
                        assert!(
                            message.contains("inside Runtime::block_on"),
                            "unclear message: {message}"
                        );
                    }
                    // The panic left this thread outside block_on again.
                    assert_eq!(rt.block_on(async { spawn(async { 2 }).await }), Ok(2));
                });
            }

            #[test]
            fn dropping_the_runtime_drops_every_unfinished_future() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let counter = testkit::DropCounter::new();
                    let (started_tx, started_rx) = mpsc::channel();
                    let mut handles = Vec::new();
                    // Waiting for a wake-up that never comes: in no queue.
                    for _ in 0..100 {
                        let token = counter.token();
                        let started = started_tx.clone();
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            started.send(()).expect("the test stopped listening");
                            std::future::pending::<()>().await;
                        }));
                    }
                    // Waiting on the JoinHandle of a task that never finishes.
                    for _ in 0..10 {
                        let token = counter.token();
                        let never = rt.spawn(std::future::pending::<()>());
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            let _ = never.await;
                        }));
                    }
                    // Always runnable: at any moment in a queue or being polled.
                    for _ in 0..10 {
                        let token = counter.token();
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            loop {
                                yield_now().await;
                            }
                        }));
                    }
                    for _ in 0..100 {
                        started_rx.recv().expect("a task ended before it started");
                    }
                    assert_eq!(counter.alive(), 120);
                    // Must return (inside the timeout) and drop all 120.
                    drop(rt);
                    assert_eq!(counter.alive(), 0, "futures outlived their runtime");
                    for handle in handles {
                        let result = ch02_futures::block_on(handle);
                        assert!(
                            result.as_ref().is_err_and(JoinError::is_cancelled),
                            "{result:?}"
                        );
                    }
                });
            }

            #[test]
            fn a_waker_kept_past_the_runtime_can_still_be_called() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
                    let pending = rt.spawn(poll_fn(move |cx| {
                        // The receiver lives until the end of the test.
                        let _ = waker_tx.send(cx.waker().clone());
                        Poll::<()>::Pending
                    }));
                    let waker = waker_rx.recv().expect("the task never ran");
                    let finished_waker = rt.block_on(async {
                        let (tx, rx) = mpsc::channel();
                        let done = spawn(poll_fn(move |cx| {
                            let _ = tx.send(cx.waker().clone());
                            Poll::Ready(())
                        }));
                        done.await.expect("the task failed");
                        rx.recv().expect("the task never ran")
                    });
                    drop(rt);
                    for waker in [waker, finished_waker] {
                        waker.wake_by_ref();
                        waker.clone().wake();
                        waker.wake();
                    }
                    pending.abort();
                    assert!(ch02_futures::block_on(pending).is_err_and(|e| e.is_cancelled()));
                });
            }

            #[test]
            fn abort_cancels_a_task_and_drops_its_future() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    let counter = testkit::DropCounter::new();
                    let (started_tx, started_rx) = mpsc::channel();
                    let parked = {
                        let token = counter.token();
                        rt.spawn(async move {
                            let _token = token;
                            started_tx.send(()).expect("the test stopped listening");
                            std::future::pending::<u32>().await
                        })
                    };
                    let busy = {
                        let token = counter.token();
                        rt.spawn(async move {
                            let _token = token;
                            loop {
                                yield_now().await;
                            }
                        })
                    };
                    let bystander = rt.spawn(async {
                        yield_now().await;
                        7
                    });
                    started_rx.recv().expect("the task never ran");
                    parked.abort();
                    busy.abort();
                    let (parked, busy, bystander) =
                        rt.block_on(async move { (parked.await, busy.await, bystander.await) });
                    assert!(parked.is_err_and(|e| e.is_cancelled() && !e.is_panic()));
                    assert!(busy.is_err_and(|e| e.is_cancelled()));
                    assert_eq!(bystander, Ok(7));
                    assert_eq!(counter.alive(), 0, "an aborted task kept its future");
                });
            }

            #[test]
            fn yield_now_lets_the_other_queued_tasks_run() {
                testkit::timeout(|| {
                    let rt = Runtime::new(WORKERS);
                    // More tasks than workers, each waiting (by yielding) for
                    // all of them to have started: a yield that re-polled the
                    // same task at once would keep the others out for ever.
                    const TASKS: usize = 4 * WORKERS;
                    let started = Arc::new(AtomicUsize::new(0));
                    let handles: Vec<_> = (0..TASKS)
                        .map(|_| {
                            let started = started.clone();
                            rt.spawn(async move {
                                started.fetch_add(1, Ordering::SeqCst);
                                let mut yields = 0u64;
                                while started.load(Ordering::SeqCst) < TASKS {
                                    yield_now().await;
                                    yields += 1;
                                }
                                yields
                            })
                        })
                        .collect();
                    rt.block_on(async move {
                        for handle in handles {
                            handle.await.expect("a task failed");
                        }
                    });
                });
            }

            #[test]
            fn bad_input_and_misuse_get_clear_panics() {
                testkit::timeout(|| {
                    let zero = std::panic::catch_unwind(|| Runtime::new(0));
                    let message = zero
                        .err()
                        .and_then(|p| p.downcast_ref::<&str>().map(|s| s.to_string()));
                    assert!(
                        message.is_some_and(|m| m.contains("worker")),
                        "Runtime::new(0) must refuse clearly"
                    );
                    // A plain thread is in no runtime: the free spawn cannot guess one.
                    let outside = thread::spawn(|| spawn(async {})).join();
                    let payload = outside.expect_err("spawn outside a runtime must panic");
                    let message = panic_text(payload.as_ref());
                    assert!(
                        message.contains("outside a runtime"),
                        "unclear message: {message}"
                    );
                });
            }
        }
    };
}

// ANCHOR: suites
conformance_suite!(ch03, ch03_global_queue);
conformance_suite!(ch04, ch04_local_queues);
conformance_suite!(ch05, ch05_work_stealing);
conformance_suite!(ch06, ch06_reactor);
// ANCHOR_END: suites
conformance_suite!(ch12, ch12_tuning);
conformance_suite!(ch13, ch13_budget);
conformance_suite!(ch14, ch14_timer_wheel);
