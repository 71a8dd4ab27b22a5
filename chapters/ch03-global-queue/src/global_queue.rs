//! Chapter 3's scheduler: one FIFO queue behind one mutex, shared by every
//! worker, and a condition variable for idle workers to sleep on.

use std::collections::VecDeque;

use crate::schedule::Schedule;
use crate::stats::{snapshot_all, WorkerCounters, WorkerStats};
use crate::sync::{lock, wait, Condvar, Mutex};
use crate::task::Task;
use crate::trace::{self, Kind};

// ANCHOR: global_queue
pub struct GlobalQueue {
    shared: Mutex<Shared>,
    /// Signalled when a task is pushed while some worker sleeps.
    work_ready: Condvar,
    counters: Box<[WorkerCounters]>,
}

struct Shared {
    queue: VecDeque<Task>,
    /// Workers waiting on `work_ready`. A push only signals when this is
    /// non-zero: a signal nobody waits for is a wasted system call.
    sleepers: usize,
    shutdown: bool,
}
// ANCHOR_END: global_queue

impl Schedule for GlobalQueue {
    fn new(workers: usize) -> Self {
        GlobalQueue {
            shared: Mutex::new(Shared {
                queue: VecDeque::new(),
                sleepers: 0,
                shutdown: false,
            }),
            work_ready: Condvar::new(),
            counters: WorkerCounters::for_workers(workers),
        }
    }

    // ANCHOR: schedule
    fn schedule(&self, task: Task) {
        let mut shared = lock(&self.shared);
        shared.queue.push_back(task);
        let someone_sleeps = shared.sleepers > 0;
        drop(shared);
        // Signal after unlocking, so the woken worker does not immediately
        // block on the lock we still hold.
        if someone_sleeps {
            self.work_ready.notify_one();
        }
    }
    // ANCHOR_END: schedule

    // ANCHOR: run_worker
    fn run_worker(&self, index: usize) {
        let counters = &self.counters[index];
        loop {
            let task = {
                let mut shared = lock(&self.shared);
                loop {
                    if shared.shutdown {
                        return;
                    }
                    if let Some(task) = shared.queue.pop_front() {
                        break task;
                    }
                    // Nothing to do: sleep until a push signals. The check
                    // above and the wait below happen under one lock, so a
                    // push cannot slip in between and be missed.
                    shared.sleepers += 1;
                    counters.parked();
                    trace::record(index, 0, Kind::Park);
                    shared = wait(&self.work_ready, shared);
                    shared.sleepers -= 1;
                }
            };
            counters.took_from_global(1);
            counters.polled();
            trace::record(index, task.id(), Kind::Poll);
            task.run();
        }
    }
    // ANCHOR_END: run_worker

    // ANCHOR: shutdown
    fn shutdown(&self) {
        lock(&self.shared).shutdown = true;
        self.work_ready.notify_all();
    }
    // ANCHOR_END: shutdown

    fn stats(&self) -> Vec<WorkerStats> {
        snapshot_all(&self.counters)
    }
}
