//! Exercise 3.2: A LIFO scheduler (book: Chapter 3, section "Exercises").
//!
//! The same shell as `GlobalQueue`, but the queue is a stack: the task
//! pushed last is the task run next.

use ch03_global_queue::schedule::Schedule;
use ch03_global_queue::stats::{snapshot_all, WorkerCounters, WorkerStats};
use ch03_global_queue::sync::{Condvar, Mutex};
use ch03_global_queue::task::Task;

/// Chapter 3's runtime shell, driven by the stack scheduler.
pub type Runtime = ch03_global_queue::runtime::Runtime<Lifo>;

pub struct Lifo {
    shared: Mutex<Shared>,
    /// Signalled when a task is pushed while some worker sleeps.
    work_ready: Condvar,
    counters: Box<[WorkerCounters]>,
}

// Until you write the methods below, nothing reads these fields.
#[allow(dead_code)]
struct Shared {
    /// Runnable tasks; the last one pushed is the next one run.
    stack: Vec<Task>,
    /// Workers waiting on `work_ready`.
    sleepers: usize,
    shutdown: bool,
}

impl Schedule for Lifo {
    fn new(workers: usize) -> Self {
        Lifo {
            shared: Mutex::new(Shared {
                stack: Vec::new(),
                sleepers: 0,
                shutdown: false,
            }),
            work_ready: Condvar::new(),
            counters: WorkerCounters::for_workers(workers),
        }
    }

    fn schedule(&self, task: Task) {
        // TODO: push the task onto the stack, and wake one sleeping worker
        // if there is one. Lock with `ch03_global_queue::sync::lock`.
        let _ = (&self.shared, &self.work_ready, task);
        todo!("Exercise 3.2 (lifo): see the book, Chapter 3, \"Exercise 3.2: A LIFO scheduler\"")
    }

    fn run_worker(&self, index: usize) {
        // TODO: loop until shutdown: pop the newest task and `run()` it,
        // counting the poll with `self.counters[index].polled()`; with
        // nothing to pop, count a park (`parked()`) and wait on `work_ready`
        // (`ch03_global_queue::sync::wait`) without losing a wake-up.
        let _ = index;
        todo!("Exercise 3.2 (lifo): see the book, Chapter 3, \"Exercise 3.2: A LIFO scheduler\"")
    }

    fn shutdown(&self) {
        // TODO: tell every worker to return from `run_worker`, waking the
        // sleeping ones. (No `todo!` here: `Runtime::drop` calls this while
        // a failing test unwinds, and a second panic would abort the run.)
    }

    fn stats(&self) -> Vec<WorkerStats> {
        snapshot_all(&self.counters)
    }
}
