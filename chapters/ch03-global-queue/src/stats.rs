//! Per-worker counters: how many polls, parks and steals each worker did.
//! Relaxed atomics on a worker's own cache line: cheap enough to keep always on.

use std::fmt;

use crate::sync::{AtomicU64, Ordering};

/// A snapshot of one worker's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    pub worker: usize,
    /// Tasks polled.
    pub polls: u64,
    /// Times the worker went to sleep for lack of work.
    pub parks: u64,
    /// Tasks taken from the global queue.
    pub from_global: u64,
    /// Tasks taken from another worker's queue.
    pub stolen: u64,
}

impl fmt::Display for WorkerStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "worker {}: {:>6} polls, {:>6} from global, {:>6} stolen, {:>5} parks",
            self.worker, self.polls, self.from_global, self.stolen, self.parks
        )
    }
}

/// The live counters of one worker. Aligned so two workers' counters never
/// share a cache line (which would make every increment a cross-core miss).
/// Only the worker that owns them writes them; anyone may read them.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct WorkerCounters {
    polls: AtomicU64,
    parks: AtomicU64,
    from_global: AtomicU64,
    stolen: AtomicU64,
}

impl WorkerCounters {
    pub fn for_workers(workers: usize) -> Box<[WorkerCounters]> {
        (0..workers).map(|_| WorkerCounters::default()).collect()
    }

    pub fn polled(&self) {
        add(&self.polls, 1);
    }

    pub fn parked(&self) {
        add(&self.parks, 1);
    }

    pub fn took_from_global(&self, tasks: u64) {
        add(&self.from_global, tasks);
    }

    pub fn stole(&self, tasks: u64) {
        add(&self.stolen, tasks);
    }

    pub fn snapshot(&self, worker: usize) -> WorkerStats {
        WorkerStats {
            worker,
            polls: self.polls.load(Ordering::Relaxed),
            parks: self.parks.load(Ordering::Relaxed),
            from_global: self.from_global.load(Ordering::Relaxed),
            stolen: self.stolen.load(Ordering::Relaxed),
        }
    }
}

// ANCHOR: add
/// Adds to a counter that only this thread writes. A load and a store, not
/// `fetch_add`: with one writer no increment can be lost, and the store
/// compiles to a plain `mov` where `fetch_add` is a `lock`ed instruction that
/// every poll would pay for. A reader on another thread sees the counter a
/// little late, never torn. Public for chapter 12's count of LIFO polls.
pub fn add(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Ordering::Relaxed) + n, Ordering::Relaxed);
}
// ANCHOR_END: add

/// Snapshots of every worker's counters.
pub fn snapshot_all(counters: &[WorkerCounters]) -> Vec<WorkerStats> {
    counters
        .iter()
        .enumerate()
        .map(|(worker, c)| c.snapshot(worker))
        .collect()
}
