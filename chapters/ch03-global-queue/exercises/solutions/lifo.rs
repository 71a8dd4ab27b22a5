//! Exercise 3.2: A LIFO scheduler (book: Chapter 3, section "Exercises").
//!
//! The same shell as `GlobalQueue`, but the queue is a stack: the task
//! pushed last is the task run next.

use ch03_global_queue::schedule::Schedule;
use ch03_global_queue::stats::{snapshot_all, WorkerCounters, WorkerStats};
use ch03_global_queue::sync::{lock, wait, Condvar, Mutex};
use ch03_global_queue::task::Task;

/// Chapter 3's runtime shell, driven by the stack scheduler.
pub type Runtime = ch03_global_queue::runtime::Runtime<Lifo>;

pub struct Lifo {
    shared: Mutex<Shared>,
    /// Signalled when a task is pushed while some worker sleeps.
    work_ready: Condvar,
    counters: Box<[WorkerCounters]>,
}

struct Shared {
    /// Runnable tasks; the last one pushed is the next one run.
    stack: Vec<Task>,
    /// Workers waiting on `work_ready`.
    sleepers: usize,
    shutdown: bool,
}

// ANCHOR: solution
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
        let mut shared = lock(&self.shared);
        shared.stack.push(task);
        let someone_sleeps = shared.sleepers > 0;
        drop(shared);
        if someone_sleeps {
            self.work_ready.notify_one();
        }
    }

    fn run_worker(&self, index: usize) {
        let counters = &self.counters[index];
        loop {
            let task = {
                let mut shared = lock(&self.shared);
                loop {
                    if shared.shutdown {
                        return;
                    }
                    if let Some(task) = shared.stack.pop() {
                        break task;
                    }
                    // Checked and waited under one lock: no push can land
                    // between the empty check and the wait.
                    shared.sleepers += 1;
                    counters.parked();
                    shared = wait(&self.work_ready, shared);
                    shared.sleepers -= 1;
                }
            };
            counters.polled();
            task.run();
        }
    }

    fn shutdown(&self) {
        lock(&self.shared).shutdown = true;
        self.work_ready.notify_all();
    }

    fn stats(&self) -> Vec<WorkerStats> {
        snapshot_all(&self.counters)
    }
}
// ANCHOR_END: solution
