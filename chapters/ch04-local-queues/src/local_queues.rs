//! Chapter 4's scheduler: every worker has a local queue that only it
//! touches, refilled in batches from the global queue. No stealing yet.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ch03_global_queue::schedule::Schedule;
use ch03_global_queue::stats::{snapshot_all, WorkerCounters, WorkerStats};
use ch03_global_queue::sync::{lock, wait, AtomicBool, Condvar, Mutex, Ordering};
use ch03_global_queue::task::Task;
use ch03_global_queue::trace::{self, Kind};

// ANCHOR: fairness
/// Every this many ticks a worker takes from the global queue before its
/// own. Prime, so it does not fall into step with a workload's own period.
pub const GLOBAL_QUEUE_INTERVAL: u32 = 61;

/// Whether the global queue goes first on this tick.
#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` needs Rust 1.87; we support 1.86
pub fn is_fairness_tick(tick: u32) -> bool {
    tick % GLOBAL_QUEUE_INTERVAL == 0
}

/// The most tasks a worker moves from the global queue to its own at once.
pub const REFILL_BATCH: usize = 32;
// ANCHOR_END: fairness

// ANCHOR: struct
pub struct LocalQueues {
    /// Tasks spawned or woken outside the workers. Every worker takes from
    /// it, so it sits behind a lock, as in chapter 3.
    global: Mutex<Global>,
    /// Signalled when a task lands in the global queue while someone sleeps.
    work_ready: Condvar,
    shutdown: AtomicBool,
    workers: usize,
    counters: Box<[WorkerCounters]>,
}

struct Global {
    queue: VecDeque<Task>,
    sleepers: usize,
}

/// A worker's own queue: a plain `VecDeque`, no lock, because exactly one
/// thread ever touches it.
type LocalQueue = Rc<RefCell<VecDeque<Task>>>;
// ANCHOR_END: struct

// ANCHOR: local
thread_local! {
    /// The local queue of the worker running on this thread, so `schedule`,
    /// called from inside a task, can push onto it. Tagged with the address
    /// of its scheduler, so a worker of another runtime that wakes one of
    /// our tasks does not push it onto its own queue.
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

struct Local {
    scheduler: usize,
    /// The worker loop holds the other `Rc`. Neither can leave the thread:
    /// `Rc` is not `Send`, which is exactly the guarantee we want.
    queue: LocalQueue,
}
// ANCHOR_END: local

/// The worker loop's own state, on the worker thread's stack.
struct Core {
    index: usize,
    queue: LocalQueue,
    tick: u32,
}

impl LocalQueues {
    fn key(&self) -> usize {
        self as *const Self as usize
    }

    // ANCHOR: push_local
    /// Pushes onto this thread's local queue if this thread is one of our
    /// workers, or hands the task back.
    fn push_local(&self, task: Task) -> Result<(), Task> {
        let mut task = Some(task);
        // `try_with` fails only while this thread's locals are being
        // destroyed: then it runs no worker, and the task goes global.
        let _ = LOCAL.try_with(|local| {
            // Borrowed mutably only by `LocalGuard`, at the start and the
            // end of `run_worker`, when no task is running on this thread.
            if let Some(local) = local.borrow().as_ref() {
                if local.scheduler == self.key() {
                    let task = task.take().expect("taken only here");
                    local.queue.borrow_mut().push_back(task);
                }
            }
        });
        task.map_or(Ok(()), Err)
    }
    // ANCHOR_END: push_local

    fn push_global(&self, task: Task) {
        let mut global = lock(&self.global);
        global.queue.push_back(task);
        let someone_sleeps = global.sleepers > 0;
        drop(global);
        if someone_sleeps {
            self.work_ready.notify_one();
        }
    }

    // ANCHOR: next_task
    /// The next task for this worker, or `None` at shutdown. In order: on
    /// every 61st tick one task from the global queue, so it cannot starve
    /// while the local queue stays busy; then the local queue; then a batch
    /// from the global queue; and if that is empty too, sleep.
    fn next_task(&self, core: &mut Core) -> Option<Task> {
        core.tick = core.tick.wrapping_add(1);
        if is_fairness_tick(core.tick) {
            if let Some(task) = lock(&self.global).queue.pop_front() {
                self.counters[core.index].took_from_global(1);
                return Some(task);
            }
        }
        if let Some(task) = core.queue.borrow_mut().pop_front() {
            return Some(task);
        }
        self.refill_or_sleep(core)
    }
    // ANCHOR_END: next_task

    // ANCHOR: refill
    /// The local queue is empty: take this worker's share of the global
    /// queue (an even split among the workers, at most `REFILL_BATCH`), or
    /// sleep until a global push. Nothing else could give us work: no other
    /// thread can reach our local queue.
    fn refill_or_sleep(&self, core: &mut Core) -> Option<Task> {
        let mut global = lock(&self.global);
        loop {
            if self.shutdown.load(Ordering::Acquire) {
                return None;
            }
            let share = global.queue.len().div_ceil(self.workers).min(REFILL_BATCH);
            if share > 0 {
                let mut local = core.queue.borrow_mut();
                local.extend(global.queue.drain(..share));
                self.counters[core.index].took_from_global(share as u64);
                return local.pop_front();
            }
            // The check above and the wait below happen under one lock, so
            // a global push cannot slip in between and be missed.
            global.sleepers += 1;
            self.counters[core.index].parked();
            trace::record(core.index, 0, Kind::Park);
            global = wait(&self.work_ready, global);
            global.sleepers -= 1;
        }
    }
    // ANCHOR_END: refill
}

/// Installs a worker's queue in this thread's `LOCAL` and removes it when
/// the worker loop ends, however it ends.
struct LocalGuard;

impl LocalGuard {
    fn install(scheduler: usize, queue: LocalQueue) -> LocalGuard {
        LOCAL.with(|local| {
            let previous = local.borrow_mut().replace(Local { scheduler, queue });
            assert!(previous.is_none(), "one thread cannot be two workers");
        });
        LocalGuard
    }
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        // Dropping the queued `Task`s only drops references: the runtime
        // still holds every live task and cancels it at shutdown.
        let _ = LOCAL.try_with(|local| local.borrow_mut().take());
    }
}

impl Schedule for LocalQueues {
    fn new(workers: usize) -> Self {
        LocalQueues {
            global: Mutex::new(Global {
                queue: VecDeque::new(),
                sleepers: 0,
            }),
            work_ready: Condvar::new(),
            shutdown: AtomicBool::new(false),
            workers,
            counters: WorkerCounters::for_workers(workers),
        }
    }

    // ANCHOR: schedule
    fn schedule(&self, task: Task) {
        // On a worker: its own queue, and nobody is woken, because nobody
        // else could run the task. Anywhere else: the global queue.
        if let Err(task) = self.push_local(task) {
            self.push_global(task);
        }
    }
    // ANCHOR_END: schedule

    // ANCHOR: run_worker
    fn run_worker(&self, index: usize) {
        let mut core = Core {
            index,
            queue: Rc::new(RefCell::new(VecDeque::new())),
            tick: 0,
        };
        let _local = LocalGuard::install(self.key(), core.queue.clone());
        while !self.shutdown.load(Ordering::Acquire) {
            let Some(task) = self.next_task(&mut core) else {
                return;
            };
            self.counters[index].polled();
            trace::record(index, task.id(), Kind::Poll);
            task.run();
        }
    }
    // ANCHOR_END: run_worker

    fn shutdown(&self) {
        // Set under the lock: a worker checks it under the same lock before
        // it waits, so it either sees it or is already waiting.
        let global = lock(&self.global);
        self.shutdown.store(true, Ordering::Release);
        drop(global);
        self.work_ready.notify_all();
    }

    fn stats(&self) -> Vec<WorkerStats> {
        snapshot_all(&self.counters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch03_global_queue::task::TaskId;
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    use ch03_global_queue::testing::probe;

    fn core(index: usize) -> Core {
        Core {
            index,
            queue: Rc::new(RefCell::new(VecDeque::new())),
            tick: 0,
        }
    }

    fn id(task: Option<Task>) -> Option<TaskId> {
        task.map(|task| task.id())
    }

    #[test]
    fn the_local_queue_comes_first_except_on_every_61st_tick() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = LocalQueues::new(2);
        let mut core = core(0);
        lock(&scheduler.global).queue.push_back(probe(100, &tx));
        core.queue
            .borrow_mut()
            .extend((1..=70).map(|id| probe(id, &tx)));
        let order: Vec<TaskId> = (0..61)
            .filter_map(|_| id(scheduler.next_task(&mut core)))
            .collect();
        let expected: Vec<TaskId> = (1..=60).chain([100]).collect();
        assert_eq!(order, expected, "tick 61 takes the global task");
    }

    #[test]
    fn an_empty_local_queue_takes_a_fair_share_of_the_global_one() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = LocalQueues::new(2);
        let mut core = core(0);
        lock(&scheduler.global)
            .queue
            .extend((1..=10).map(|id| probe(id, &tx)));
        assert_eq!(id(scheduler.next_task(&mut core)), Some(1));
        assert_eq!(
            core.queue.borrow().len(),
            4,
            "half of 10, one of which runs now"
        );
        assert_eq!(
            lock(&scheduler.global).queue.len(),
            5,
            "the other half stays"
        );
        assert_eq!(scheduler.counters[0].snapshot(0).from_global, 5);
    }

    #[test]
    fn a_refill_takes_at_most_a_batch() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = LocalQueues::new(2);
        let mut core = core(0);
        lock(&scheduler.global)
            .queue
            .extend((1..=200).map(|id| probe(id, &tx)));
        scheduler.next_task(&mut core);
        assert_eq!(core.queue.borrow().len(), REFILL_BATCH - 1);
    }

    #[test]
    fn a_push_from_a_worker_thread_stays_local_and_wakes_nobody() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = LocalQueues::new(2);
        let core = core(0);
        scheduler.schedule(probe(1, &tx));
        assert_eq!(
            lock(&scheduler.global).queue.len(),
            1,
            "not a worker: global"
        );
        let guard = LocalGuard::install(scheduler.key(), core.queue.clone());
        scheduler.schedule(probe(2, &tx));
        assert_eq!(core.queue.borrow().len(), 1);
        assert_eq!(lock(&scheduler.global).queue.len(), 1);
        // Another runtime's tasks do not land on this worker's queue.
        let other = LocalQueues::new(1);
        other.schedule(probe(3, &tx));
        assert_eq!(lock(&other.global).queue.len(), 1);
        drop(guard);
    }

    #[test]
    fn a_global_push_wakes_a_sleeping_worker_every_time() {
        testkit::with_timeout(Duration::from_secs(60), || {
            let scheduler = Arc::new(LocalQueues::new(2));
            let workers: Vec<_> = (0..2)
                .map(|index| {
                    let scheduler = scheduler.clone();
                    std::thread::spawn(move || scheduler.run_worker(index))
                })
                .collect();
            let (tx, rx) = mpsc::channel();
            for id in 0..20_000 {
                scheduler.schedule(probe(id, &tx));
                assert_eq!(rx.recv(), Ok(id));
            }
            scheduler.shutdown();
            for worker in workers {
                worker.join().expect("worker panicked");
            }
        });
    }
}
