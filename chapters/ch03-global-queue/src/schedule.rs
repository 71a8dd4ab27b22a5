//! The contract between the runtime shell and a scheduler.
//!
//! The shell ([`crate::runtime::Runtime`]) owns the worker threads, the
//! `spawn` entry points and shutdown. A scheduler decides where runnable
//! tasks wait and what an idle worker does. Chapters 4, 5 and 6 each write a
//! new scheduler against this trait and keep everything else.

use std::any::Any;

use crate::stats::WorkerStats;
use crate::task::Task;

// ANCHOR: schedule
pub trait Schedule: Any + Send + Sync {
    /// Builds a scheduler for `workers` worker threads.
    fn new(workers: usize) -> Self
    where
        Self: Sized;

    /// Queues a task that is ready to be polled. Called by `spawn` and by
    /// every waker, from any thread, including the workers themselves.
    fn schedule(&self, task: Task);

    /// The body of worker thread `index`: find a task, run it, and park when
    /// there is none. Returns once [`Schedule::shutdown`] was called.
    fn run_worker(&self, index: usize);

    /// Asks every worker to return from `run_worker`, waking parked ones.
    fn shutdown(&self);

    /// Per-worker counters, for the demos.
    fn stats(&self) -> Vec<WorkerStats>;
}
// ANCHOR_END: schedule
