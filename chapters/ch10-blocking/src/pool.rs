//! The blocking pool: threads for work that blocks.
//!
//! Jobs wait in one FIFO queue under one mutex. When a job arrives, an idle
//! thread is woken for it if there is one; otherwise a new thread is started
//! if the pool is below its cap; otherwise the job waits for a busy thread to
//! come back. A thread with nothing to do waits on a condition variable with
//! a timeout, and exits when the timeout passes with no job for it.
//!
//! One mutex is enough here, unlike in the schedulers of chapters 3 to 5:
//! a blocking job takes milliseconds, so taking a lock per job costs nothing
//! in comparison.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use ch03_global_queue::sync::lock;
use ch03_global_queue::JoinHandle;

use crate::task::{BlockingCell, BlockingTask, Job};

// ANCHOR: config
/// How big the pool may grow and how long an idle thread waits for work.
#[derive(Debug, Clone)]
pub struct Config {
    /// Threads the pool may run at once; jobs beyond that wait in the queue.
    pub max_threads: usize,
    /// How long a thread waits for a job before it exits.
    pub keep_alive: Duration,
    /// Prefix of the threads' names (`blocking-0`, `blocking-1`, ...).
    pub name: String,
}

impl Default for Config {
    /// tokio's defaults: 512 threads, 10 seconds.
    fn default() -> Self {
        Config {
            max_threads: 512,
            keep_alive: Duration::from_secs(10),
            name: "blocking".to_string(),
        }
    }
}
// ANCHOR_END: config

// ANCHOR: state
pub struct BlockingPool {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Idle threads wait here for a job (or for their keep-alive to pass).
    condvar: Condvar,
    config: Config,
    next_id: AtomicU64,
}

struct State {
    queue: VecDeque<Box<dyn Job>>,
    /// Threads alive: running a job or idle.
    threads: usize,
    /// Threads waiting on the condition variable.
    idle: usize,
    /// Idle threads that were woken for a job and have not yet taken it.
    /// A woken thread is still counted in `idle` until it runs, so without
    /// this count two jobs arriving together would both go to one thread.
    notified: usize,
    shutdown: bool,
    stats: PoolStats,
}
// ANCHOR_END: state

/// Counters, for tests and the demo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Threads alive now.
    pub threads: usize,
    /// Of those, waiting for a job.
    pub idle: usize,
    /// Jobs waiting for a thread.
    pub queued: usize,
    /// The most threads alive at once.
    pub peak_threads: usize,
    pub threads_started: usize,
    /// Threads that exited after their keep-alive passed.
    pub threads_retired: usize,
}

impl BlockingPool {
    pub fn new(config: Config) -> Self {
        assert!(config.max_threads > 0, "a blocking pool needs a thread");
        BlockingPool {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    threads: 0,
                    idle: 0,
                    notified: 0,
                    shutdown: false,
                    stats: PoolStats::default(),
                }),
                condvar: Condvar::new(),
                config,
                next_id: AtomicU64::new(1),
            }),
        }
    }

    // ANCHOR: spawn
    /// Runs `f` on a pool thread. Awaiting the handle gives `f`'s result,
    /// or a `JoinError` if `f` panicked or the job was aborted before it
    /// started.
    pub fn spawn<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let cell = Arc::new(BlockingCell::new(id));
        let job = Box::new(BlockingTask {
            f,
            cell: cell.clone(),
        });
        self.submit(job);
        JoinHandle::new(cell)
    }
    // ANCHOR_END: spawn

    // ANCHOR: submit
    fn submit(&self, job: Box<dyn Job>) {
        let mut state = lock(&self.shared.state);
        if state.shutdown {
            drop(state);
            job.cancel();
            return;
        }
        state.queue.push_back(job);
        if state.idle > state.notified {
            // An idle thread will take it.
            state.notified += 1;
            self.shared.condvar.notify_one();
        } else if state.threads < self.shared.config.max_threads {
            state.threads += 1;
            state.stats.threads_started += 1;
            state.stats.peak_threads = state.stats.peak_threads.max(state.threads);
            let name = format!(
                "{}-{}",
                self.shared.config.name,
                state.stats.threads_started - 1
            );
            drop(state);
            self.start_thread(name);
        }
        // Otherwise every thread is busy and the pool is full: the job
        // waits, and the first thread to finish its job takes it.
    }
    // ANCHOR_END: submit

    fn start_thread(&self, name: String) {
        let shared = self.shared.clone();
        let started = thread::Builder::new()
            .name(name)
            .spawn(move || shared.run_thread());
        if let Err(error) = started {
            let mut state = lock(&self.shared.state);
            state.threads -= 1;
            // The job stays queued for the threads already running. With
            // none, nothing would ever run it: like a worker thread the OS
            // refuses, treat that as fatal.
            if state.threads == 0 {
                panic!("the OS refused to start a blocking-pool thread: {error}");
            }
        }
    }

    pub fn stats(&self) -> PoolStats {
        let state = lock(&self.shared.state);
        PoolStats {
            threads: state.threads,
            idle: state.idle,
            queued: state.queue.len(),
            ..state.stats
        }
    }

    pub fn config(&self) -> &Config {
        &self.shared.config
    }
}

impl Shared {
    // ANCHOR: run_thread
    /// The body of a pool thread: run jobs until none comes for
    /// `keep_alive`, or the pool shuts down.
    fn run_thread(&self) {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job.run(); // catches the closure's panic itself
                state = lock(&self.state);
                continue;
            }
            if state.shutdown {
                break;
            }
            let woken;
            (state, woken) = self.wait_for_job(state);
            if !woken {
                break;
            }
        }
        state.threads -= 1;
    }
    // ANCHOR_END: run_thread

    // ANCHOR: wait_for_job
    /// Waits as an idle thread. True if woken for a job, false if the
    /// thread should exit: its keep-alive passed, or the pool shut down.
    fn wait_for_job<'a>(&self, mut state: MutexGuard<'a, State>) -> (MutexGuard<'a, State>, bool) {
        state.idle += 1;
        let deadline = Instant::now() + self.config.keep_alive;
        loop {
            let now = Instant::now();
            if now < deadline {
                // Poisoned only if a thread panicked holding the lock; pool
                // code does not panic there, so the state is consistent.
                state = match self.condvar.wait_timeout(state, deadline - now) {
                    Ok((state, _)) => state,
                    Err(poisoned) => poisoned.into_inner().0,
                };
            }
            // A notification counts even if it arrived together with the
            // timeout: `submit` queued a job for an idle thread, and if
            // this thread left, nobody else would take it.
            if state.notified > 0 {
                state.notified -= 1;
                state.idle -= 1;
                return (state, true);
            }
            if state.shutdown || Instant::now() >= deadline {
                state.idle -= 1;
                if !state.shutdown {
                    state.stats.threads_retired += 1;
                }
                return (state, false);
            }
            // A spurious wake-up: wait for what is left of the keep-alive.
        }
    }
    // ANCHOR_END: wait_for_job
}

impl Drop for BlockingPool {
    /// Jobs still queued are cancelled (their handles report it); running
    /// jobs finish, since a thread cannot be interrupted, and their threads
    /// then exit. Nobody waits for them.
    fn drop(&mut self) {
        let queued: Vec<Box<dyn Job>> = {
            let mut state = lock(&self.shared.state);
            state.shutdown = true;
            state.queue.drain(..).collect()
        };
        self.shared.condvar.notify_all();
        for job in queued {
            job.cancel();
        }
    }
}

// ANCHOR: spawn_blocking
/// Runs `f` on the process's blocking pool (tokio's defaults: at most 512
/// threads, idle ones exit after 10 seconds), started on first use.
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    static POOL: OnceLock<BlockingPool> = OnceLock::new();
    POOL.get_or_init(|| BlockingPool::new(Config::default()))
        .spawn(f)
}
// ANCHOR_END: spawn_blocking
