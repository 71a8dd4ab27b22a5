//! Stress tests, run against every runtime in the book.
//!
//! Three loads, each written once in [`stress_suite!`] against the API all
//! runtime chapters share, and each in two sizes:
//!
//! - many tasks spawned at the same time from inside a task (so from a
//!   worker) and from outside (a plain thread): all complete, counted;
//! - many runtimes created and dropped while their tasks wait, run or sit in
//!   queues: every future is dropped, and no thread or file descriptor is
//!   left behind (counted in `/proc/self`);
//! - a ring of tasks passing tokens through channels, so every step is a
//!   wake-up from one worker to a task that may live on another; bounded in
//!   hops, not in time.
//!
//! The light sizes run with the other tests:
//!
//! ```text
//! cargo test -p byo-async-runtime --test stress
//! ```
//!
//! The heavy sizes (a million tasks, a thousand runtimes, a million hops)
//! are `#[ignore]`d, and CI runs them in release mode:
//!
//! ```text
//! cargo test -p byo-async-runtime --release --test stress -- --ignored
//! ```
//!
//! The tests take turns (one lock): they count the process's runtime
//! threads, which another test's runtime would disturb, and on two cores
//! two stress tests at once only slow each other down.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use testkit::DropCounter;

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `body` within `limit`, after every other test of this file is done.
fn one_at_a_time<T: Send + 'static>(
    limit: Duration,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    // Poisoned only by a failed test, whose failure is already reported.
    let _turn = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    testkit::with_timeout(limit, body)
}

const LIGHT: Duration = testkit::DEFAULT_TIMEOUT;
/// The heavy tests take a few seconds each in release mode on two cores;
/// this bound is for a much slower machine, not a hint of how long they take.
const HEAVY: Duration = Duration::from_secs(300);

// ANCHOR: threads
/// Threads of this process that a runtime started: its workers
/// (`worker-N`) and the helper that finishes a shutdown started from a
/// worker (`runtime-shutdown`, cut to 15 bytes by the kernel).
fn runtime_threads() -> usize {
    let tasks =
        std::fs::read_dir("/proc/self/task").expect("/proc/self/task: these tests need Linux");
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("worker-") || name.starts_with("runtime-"))
        .count()
}

/// [`runtime_threads`], once it is down to `expected` or has stayed above
/// it over many reads. `JoinHandle::join` returns when the thread has
/// finished running, a few microseconds before the kernel removes its
/// `/proc` entry; a thread really left behind stays in the count.
fn runtime_threads_after_join(expected: usize) -> usize {
    let mut count = runtime_threads();
    for _ in 0..10_000 {
        if count <= expected {
            break;
        }
        std::thread::yield_now();
        count = runtime_threads();
    }
    count
}

/// File descriptors this process has open.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd: these tests need Linux")
        .count()
}
// ANCHOR_END: threads

/// What a token does at each task of the ring.
enum Msg {
    /// Pass me on this many more times.
    Hop(u64),
    /// The test is over: pass it on, and return.
    Stop,
}

macro_rules! stress_suite {
    ($name:ident, $krate:ident) => {
        mod $name {
            use super::*;
            use $krate::{spawn, JoinHandle, Runtime};

            // ANCHOR: spawn_inside_and_outside
            /// Spawns `total` tasks on two workers: half from a task (so
            /// from a worker, with the free `spawn`), half from this thread
            /// (`Runtime::spawn`), at the same time, in batches whose handles
            /// are awaited before the next batch. Each task counts itself
            /// and returns its number, so a task run twice, or not at all,
            /// or given another's output, changes the sums.
            fn spawn_inside_and_outside(total: u64, batch: u64) {
                let rt = Runtime::new(2);
                let ran = Arc::new(AtomicU64::new(0));
                let half = total / 2;
                let inside = {
                    let ran = ran.clone();
                    rt.spawn(async move {
                        let mut sum = 0;
                        let mut next = 0;
                        while next < half {
                            let end = (next + batch).min(half);
                            let handles: Vec<JoinHandle<u64>> = (next..end)
                                .map(|i| {
                                    let ran = ran.clone();
                                    spawn(async move {
                                        ran.fetch_add(1, Ordering::Relaxed);
                                        i
                                    })
                                })
                                .collect();
                            for handle in handles {
                                sum += handle.await.expect("a task spawned inside failed");
                            }
                            next = end;
                        }
                        sum
                    })
                };
                let mut sum = 0;
                let mut next = half;
                while next < total {
                    let end = (next + batch).min(total);
                    let handles: Vec<JoinHandle<u64>> = (next..end)
                        .map(|i| {
                            let ran = ran.clone();
                            rt.spawn(async move {
                                ran.fetch_add(1, Ordering::Relaxed);
                                i
                            })
                        })
                        .collect();
                    sum += rt.block_on(async move {
                        let mut sum = 0;
                        for handle in handles {
                            sum += handle.await.expect("a task spawned outside failed");
                        }
                        sum
                    });
                    next = end;
                }
                sum += rt.block_on(inside).expect("the spawning task failed");
                assert_eq!(ran.load(Ordering::Relaxed), total, "tasks run");
                assert_eq!(sum, total * (total - 1) / 2, "sum of the outputs");
                assert_eq!(
                    rt.handle().live_tasks(),
                    0,
                    "finished tasks still registered"
                );
            }
            // ANCHOR_END: spawn_inside_and_outside

            // ANCHOR: drop_runtimes
            /// Creates and drops `runtimes` runtimes, each dropped while its
            /// tasks wait on channels, wait for nothing, spin through
            /// `yield_now`, await a child, or sit in a queue unstarted.
            fn drop_runtimes_with_pending_tasks(runtimes: usize) {
                let threads_before = runtime_threads();
                let fds_before = open_fds();
                let counter = DropCounter::new();
                for round in 0..runtimes {
                    let rt = Runtime::new(2);
                    let (started_tx, started_rx) = std::sync::mpsc::channel();
                    let mut senders = Vec::new();
                    let mut handles = Vec::new();
                    for _ in 0..4 {
                        // Waits on a channel whose sender outlives the runtime.
                        let (tx, rx) = oneshot::channel::<()>();
                        senders.push(tx);
                        let (token, started) = (counter.token(), started_tx.clone());
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            let _ = started.send(());
                            let _ = rx.await;
                        }));
                        // Waits for a wake-up that never comes.
                        let (token, started) = (counter.token(), started_tx.clone());
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            let _ = started.send(());
                            std::future::pending::<()>().await;
                        }));
                    }
                    // Always runnable: at any moment queued or being polled.
                    let (token, started) = (counter.token(), started_tx.clone());
                    handles.push(rt.spawn(async move {
                        let _token = token;
                        let _ = started.send(());
                        loop {
                            $krate::yield_now().await;
                        }
                    }));
                    // Awaits a child that never finishes; the child holds the
                    // receiving end of a channel the parent holds the sender of.
                    let (token, started) = (counter.token(), started_tx.clone());
                    let child_token = counter.token();
                    handles.push(rt.spawn(async move {
                        let _token = token;
                        let (tx, mut rx) = mpsc::unbounded::<()>();
                        let child = spawn(async move {
                            let _token = child_token;
                            let _ = rx.recv().await;
                        });
                        let _ = started.send(());
                        let _ = child.await;
                        drop(tx);
                    }));
                    // Spawned last: may still be queued, unstarted, at the drop.
                    for _ in 0..4 {
                        let token = counter.token();
                        handles.push(rt.spawn(async move {
                            let _token = token;
                        }));
                    }
                    for _ in 0..10 {
                        started_rx.recv().expect("a task ended before it started");
                    }
                    drop(rt);
                    assert_eq!(
                        counter.alive(),
                        0,
                        "round {round}: futures outlived their runtime"
                    );
                    assert_eq!(
                        runtime_threads_after_join(threads_before),
                        threads_before,
                        "round {round}: threads left behind"
                    );
                    for handle in handles {
                        // Finished (the last four may have) or cancelled: an
                        // answer either way, never a hang.
                        let result = ch02_futures::block_on(handle);
                        assert!(
                            result.as_ref().map_or_else(|e| e.is_cancelled(), |_| true),
                            "round {round}: {result:?}"
                        );
                    }
                    // Their receivers are gone; sending must fail, not crash.
                    for tx in senders {
                        assert!(tx.send(()).is_err());
                    }
                }
                assert_eq!(counter.created(), runtimes * 15);
                assert_eq!(open_fds(), fds_before, "file descriptors left behind");
            }
            // ANCHOR_END: drop_runtimes

            // ANCHOR: ring
            /// `tasks` tasks in a ring, each with a channel from the one
            /// before it; `tokens` tokens make `hops` hops each. Every hop
            /// is a send from one task that wakes the next, on whichever
            /// worker it lives. Ends when every token has made its hops.
            fn ring(workers: usize, tasks: usize, tokens: usize, hops: u64) {
                let rt = Runtime::new(workers);
                let (senders, receivers): (Vec<_>, Vec<_>) =
                    (0..tasks).map(|_| mpsc::unbounded::<Msg>()).unzip();
                let (arrived_tx, arrived_rx) = std::sync::mpsc::channel::<()>();
                let handles: Vec<JoinHandle<u64>> = receivers
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut rx)| {
                        let next = senders[(i + 1) % tasks].clone();
                        let arrived = arrived_tx.clone();
                        rt.spawn(async move {
                            let mut passed = 0;
                            loop {
                                match rx.recv().await.expect("a sender of the ring is gone") {
                                    Msg::Hop(0) => {
                                        arrived.send(()).expect("the test stopped listening")
                                    }
                                    Msg::Hop(left) => {
                                        passed += 1;
                                        next.unbounded_send(Msg::Hop(left - 1))
                                            .expect("the next task is gone");
                                    }
                                    Msg::Stop => {
                                        // The last task's next one has already stopped.
                                        let _ = next.unbounded_send(Msg::Stop);
                                        return passed;
                                    }
                                }
                            }
                        })
                    })
                    .collect();
                // Tokens enter from outside, spread round the ring.
                for token in 0..tokens {
                    senders[token * tasks / tokens]
                        .unbounded_send(Msg::Hop(hops))
                        .expect("a task of the ring is gone");
                }
                for _ in 0..tokens {
                    arrived_rx.recv().expect("a token was lost");
                }
                senders[0]
                    .unbounded_send(Msg::Stop)
                    .expect("task 0 is gone");
                let passed: u64 = rt.block_on(async move {
                    let mut passed = 0;
                    for handle in handles {
                        passed += handle.await.expect("a task of the ring failed");
                    }
                    passed
                });
                assert_eq!(passed, tokens as u64 * hops);
            }
            // ANCHOR_END: ring

            #[test]
            fn twenty_thousand_tasks_spawned_inside_and_outside_all_complete() {
                one_at_a_time(LIGHT, || spawn_inside_and_outside(20_000, 2_000));
            }

            #[test]
            #[ignore = "heavy: CI runs it with --release -- --ignored"]
            fn a_million_tasks_spawned_inside_and_outside_all_complete() {
                one_at_a_time(HEAVY, || spawn_inside_and_outside(1_000_000, 10_000));
            }

            #[test]
            fn fifty_runtimes_dropped_with_pending_tasks_leave_nothing_behind() {
                one_at_a_time(LIGHT, || drop_runtimes_with_pending_tasks(50));
            }

            #[test]
            #[ignore = "heavy: CI runs it with --release -- --ignored"]
            fn a_thousand_runtimes_dropped_with_pending_tasks_leave_nothing_behind() {
                one_at_a_time(HEAVY, || drop_runtimes_with_pending_tasks(1_000));
            }

            #[test]
            fn ten_thousand_hops_round_a_ring_of_tasks() {
                one_at_a_time(LIGHT, || ring(2, 100, 10, 1_000));
            }

            #[test]
            #[ignore = "heavy: CI runs it with --release -- --ignored"]
            fn a_million_hops_round_a_ring_of_a_thousand_tasks() {
                one_at_a_time(HEAVY, || ring(3, 1_000, 100, 10_000));
            }
        }
    };
}

// ANCHOR: suites
stress_suite!(ch03, ch03_global_queue);
stress_suite!(ch04, ch04_local_queues);
stress_suite!(ch05, ch05_work_stealing);
stress_suite!(ch06, ch06_reactor);
// ANCHOR_END: suites
