//! The blocking pool: its cap, its queue, threads retiring after their
//! keep-alive, panics, aborts, and async tasks running while jobs block.
//! No test asserts a duration: each waits for a state (with a timeout) and
//! checks the pool's counters.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use ch10_blocking::{
    lookup_host, spawn, spawn_blocking, time, yield_now, BlockingPool, Config, PoolStats, Runtime,
};

/// A gate that jobs wait at until the test opens it.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, condvar) = &*self.0;
        let mut open = open.lock().expect("gate");
        while !*open {
            open = condvar.wait(open).expect("gate");
        }
    }

    fn open(&self) {
        let (open, condvar) = &*self.0;
        *open.lock().expect("gate") = true;
        condvar.notify_all();
    }
}

fn pool(max_threads: usize, keep_alive: Duration) -> BlockingPool {
    BlockingPool::new(Config {
        max_threads,
        keep_alive,
        name: "test-pool".to_string(),
    })
}

/// Polls the pool's counters until `done` holds. Only the test's timeout
/// bounds the wait, so a slow machine makes it slower, never red.
fn wait_for(pool: &BlockingPool, done: impl Fn(&PoolStats) -> bool) -> PoolStats {
    loop {
        let stats = pool.stats();
        if done(&stats) {
            return stats;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn the_pool_grows_to_its_cap_and_queues_the_rest() {
    testkit::timeout(|| {
        let pool = pool(2, Duration::from_secs(60));
        let gate = Gate::default();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (started_tx, started) = mpsc::channel();
        let jobs: Vec<_> = (0..5)
            .map(|i| {
                let (gate, running, most, started_tx) = (
                    gate.clone(),
                    running.clone(),
                    most.clone(),
                    started_tx.clone(),
                );
                pool.spawn(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    started_tx.send(i).expect("test alive");
                    gate.wait();
                    running.fetch_sub(1, Ordering::SeqCst);
                    i * 10
                })
            })
            .collect();
        // Two jobs start; the other three wait for a thread.
        started.recv().expect("first job");
        started.recv().expect("second job");
        let stats = pool.stats();
        assert_eq!((stats.threads, stats.queued), (2, 3), "{stats:?}");
        gate.open();
        let outputs: Vec<usize> = await_all(jobs);
        assert_eq!(outputs, vec![0, 10, 20, 30, 40]);
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "more jobs ran at once than the cap"
        );
        let stats = pool.stats();
        assert_eq!(
            (stats.threads_started, stats.peak_threads),
            (2, 2),
            "{stats:?}"
        );
    });
}

/// Awaits every handle, in order.
fn await_all<T: Send + 'static>(jobs: Vec<ch10_blocking::JoinHandle<T>>) -> Vec<T> {
    jobs.into_iter()
        .map(|job| wait(job).expect("job failed"))
        .collect()
}

/// Awaits one future on a small runtime of its own.
fn wait<F: std::future::Future>(future: F) -> F::Output {
    Runtime::new(1).block_on(future)
}

#[test]
fn an_idle_thread_is_reused_before_a_new_one_starts() {
    testkit::timeout(|| {
        let pool = pool(4, Duration::from_secs(60));
        for round in 0..3 {
            assert_eq!(wait(pool.spawn(move || round)), Ok(round));
            // The thread that ran it is idle again before the next job comes.
            wait_for(&pool, |stats| stats.idle == 1);
        }
        let stats = pool.stats();
        assert_eq!((stats.threads_started, stats.threads), (1, 1), "{stats:?}");
    });
}

#[test]
fn idle_threads_retire_after_the_keep_alive_and_the_pool_grows_again() {
    testkit::timeout(|| {
        let pool = pool(4, Duration::from_millis(20));
        // Four jobs that only finish once all four run, so four threads start.
        let barrier = Arc::new(std::sync::Barrier::new(4));
        let jobs = (0..4)
            .map(|_| {
                let barrier = barrier.clone();
                pool.spawn(move || {
                    barrier.wait();
                })
            })
            .collect();
        await_all(jobs);
        assert_eq!(pool.stats().threads_started, 4);
        let stats = wait_for(&pool, |stats| stats.threads == 0);
        assert_eq!(stats.threads_retired, 4, "{stats:?}");
        // Not a pool that is done for: the next job starts a thread again.
        assert_eq!(wait(pool.spawn(|| 7)), Ok(7));
        assert_eq!(pool.stats().threads_started, 5);
    });
}

#[test]
fn a_panic_is_a_join_error_and_the_thread_survives() {
    testkit::timeout(|| {
        let pool = pool(1, Duration::from_secs(60));
        let error =
            wait(pool.spawn(|| -> u32 { panic!("disk on fire") })).expect_err("the job panicked");
        assert!(error.is_panic());
        assert_eq!(error.panic_message(), Some("disk on fire"));
        assert_eq!(wait(pool.spawn(|| 1)), Ok(1));
        let stats = pool.stats();
        assert_eq!((stats.threads_started, stats.threads), (1, 1), "{stats:?}");
    });
}

#[test]
fn abort_cancels_a_queued_job_but_not_a_running_one() {
    testkit::timeout(|| {
        let pool = pool(1, Duration::from_secs(60));
        let gate = Gate::default();
        let (started_tx, started) = mpsc::channel();
        let running = pool.spawn({
            let gate = gate.clone();
            move || {
                started_tx.send(()).expect("test alive");
                gate.wait();
                "finished"
            }
        });
        let ran = Arc::new(AtomicBool::new(false));
        let queued = pool.spawn({
            let ran = ran.clone();
            move || ran.store(true, Ordering::SeqCst)
        });
        started.recv().expect("the first job started");
        running.abort();
        queued.abort();
        assert!(queued.is_finished());
        gate.open();
        assert_eq!(wait(running), Ok("finished"));
        assert!(wait(queued).expect_err("aborted").is_cancelled());
        // The pool's one thread is free again, and it never ran the job.
        assert_eq!(wait(pool.spawn(|| 2)), Ok(2));
        assert!(!ran.load(Ordering::SeqCst));
    });
}

#[test]
fn dropping_the_pool_cancels_queued_jobs() {
    testkit::timeout(|| {
        let pool = pool(1, Duration::from_secs(60));
        let gate = Gate::default();
        let (started_tx, started) = mpsc::channel();
        let running = pool.spawn({
            let gate = gate.clone();
            move || {
                started_tx.send(()).expect("test alive");
                gate.wait();
            }
        });
        let queued = pool.spawn(|| ());
        started.recv().expect("the first job started");
        drop(pool);
        assert!(wait(queued).expect_err("dropped").is_cancelled());
        gate.open();
        assert_eq!(wait(running), Ok(()));
    });
}

#[test]
fn blocking_jobs_do_not_stall_async_tasks_on_two_workers() {
    // Three jobs block until the async tasks have run: more jobs than
    // workers. Were the jobs on the workers, nothing would run the tasks
    // and the test would time out.
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            let gate = Gate::default();
            let jobs: Vec<_> = (0..3)
                .map(|_| {
                    let gate = gate.clone();
                    spawn_blocking(move || gate.wait())
                })
                .collect();
            let tasks: Vec<_> = (0..4)
                .map(|i| {
                    spawn(async move {
                        for _ in 0..100 {
                            yield_now().await;
                        }
                        time::sleep(Duration::from_millis(5)).await;
                        i
                    })
                })
                .collect();
            for (i, task) in tasks.into_iter().enumerate() {
                assert_eq!(task.await, Ok(i));
            }
            gate.open();
            for job in jobs {
                job.await.expect("job");
            }
        });
    });
}

#[test]
fn lookup_host_resolves_a_name_inside_a_task() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let addrs = runtime
            .block_on(runtime.spawn(lookup_host(("localhost", 8080))))
            .expect("task")
            .expect("localhost resolves");
        assert!(!addrs.is_empty());
        assert!(addrs
            .iter()
            .all(|addr| addr.ip().is_loopback() && addr.port() == 8080));
        let error = runtime
            .block_on(lookup_host("no port here"))
            .expect_err("not host:port");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    });
}
