//! Chapter 5's work-stealing scheduler with tokio's LIFO slot.
//!
//! Everything a worker needs from chapter 5 is reused: its deque, the
//! `Idle` bookkeeping that decides whom to wake, and the `Park` trait (so
//! chapter 6's reactor parker plugs in unchanged). What is new is where a
//! task scheduled by a running task goes, and the worker loop that runs it.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ch03_global_queue::schedule::Schedule;
use ch03_global_queue::stats::{self, snapshot_all, WorkerCounters, WorkerStats};
use ch03_global_queue::task::Task;
use ch03_global_queue::trace::{self, Kind};
use ch04_local_queues::local_queues::is_fairness_tick;
use ch05_work_stealing::deque::{Injector, Steal, Stealer, Worker};
use ch05_work_stealing::idle::Idle;
use ch05_work_stealing::park::{CondvarPark, Park};
use ch06_reactor::reactor::EnterGuard;
use ch06_reactor::ReactorPark;

// ANCHOR: worker_park
/// A `Park` that has something to install on each worker thread while it
/// runs: chapter 6's reactor, so that sockets and timers created in a task
/// find it through `Reactor::current`.
pub trait WorkerPark: Park {
    type Guard;
    fn enter(&self) -> Self::Guard;
}

impl WorkerPark for ReactorPark {
    type Guard = EnterGuard;
    fn enter(&self) -> EnterGuard {
        self.reactor().enter()
    }
}
// ANCHOR_END: worker_park

impl WorkerPark for CondvarPark {
    type Guard = ();
    fn enter(&self) {}
}

// ANCHOR: cap
/// How many tasks in a row a worker may take from its LIFO slot before it
/// goes back to its queue. tokio's `MAX_LIFO_POLLS_PER_TICK` is also 3.
pub const MAX_LIFO_POLLS_PER_TICK: usize = 3;
// ANCHOR_END: cap

// ANCHOR: struct
pub struct LifoStealing<P: WorkerPark> {
    injector: Injector<Task>,
    stealers: Box<[Stealer<Task>]>,
    unclaimed: Mutex<Vec<Option<Worker<Task>>>>,
    idle: Idle,
    park: P,
    shutdown: AtomicBool,
    counters: Box<[WorkerCounters]>,
    /// Polls of tasks taken from a LIFO slot, per worker: for the demo.
    lifo_polls: Box<[LifoPolls]>,
}

/// One worker's count, on a cache line of its own: two workers bumping
/// counters that share a line would pull it back and forth between cores
/// on every LIFO poll.
#[repr(align(128))]
struct LifoPolls(AtomicU64);

/// What `schedule`, called from inside a task, needs of the worker running
/// it. `Cell`s: only this worker's thread ever touches it.
struct Local {
    scheduler: usize,
    queue: Worker<Task>,
    /// The slot: at most one task, run before anything in `queue`.
    lifo: Cell<Option<Task>>,
    /// The address of the task being polled, so a task that wakes itself
    /// (a yield) is told apart from one that wakes another. Not its id:
    /// asking a task for that is a call through its vtable.
    running: Cell<Option<*const ()>>,
    /// A task yielded: look at the global queue before this worker's own.
    after_yield: Cell<bool>,
}
// ANCHOR_END: struct

std::thread_local! {
    /// The `Local` of the worker whose loop runs on this thread; null when
    /// none does. A bare pointer in a `Cell`: the thread-local has nothing
    /// to drop, so reaching it is one load, with no check of whether it is
    /// being destroyed and no `RefCell` or `Rc` count to update.
    static LOCAL: Cell<*const Local> = const { Cell::new(std::ptr::null()) };
}

/// Where `task` lives: the same for every handle on one task, and no other
/// live task's.
fn address(task: &Task) -> *const () {
    Arc::as_ptr(task).cast()
}

/// Removes the worker's `Local` when its loop ends, however it ends.
struct LocalGuard;

impl Drop for LocalGuard {
    fn drop(&mut self) {
        LOCAL.with(|local| local.set(std::ptr::null()));
    }
}

impl<P: WorkerPark> LifoStealing<P> {
    /// The parker, for the reactor's `Reactor::current`.
    pub fn park(&self) -> &P {
        &self.park
    }

    /// Tasks each worker took from its LIFO slot so far.
    pub fn lifo_polls(&self) -> Vec<u64> {
        let polls = self.lifo_polls.iter();
        polls.map(|count| count.0.load(Ordering::Relaxed)).collect()
    }

    fn key(&self) -> usize {
        self as *const Self as usize
    }

    /// Calls `f` with this thread's `Local`, if this thread is one of our
    /// workers.
    fn with_local<R>(&self, f: impl FnOnce(Option<&Local>) -> R) -> R {
        let local = LOCAL.with(Cell::get);
        // SAFETY: `run_worker` points LOCAL at its `Local` while its loop
        // runs, and its guard sets it back to null before the `Local` is
        // dropped, however the loop ends. Not null, it is inside that loop,
        // on this thread, and the `Local` outlives this call.
        let local = unsafe { local.as_ref() };
        f(local.filter(|local| local.scheduler == self.key()))
    }

    // ANCHOR: schedule_local
    /// A task scheduled by the task this worker is running. Returns whether
    /// a sleeping sibling should be woken: only if a task landed where it can
    /// be stolen.
    fn schedule_local(&self, local: &Local, task: Task) -> bool {
        let Some(running) = local.running.get() else {
            // No task is running: the reactor, turned by this worker while
            // parked or in maintenance, woke it. A worker waking from `park`
            // looks in its queue, not in its slot: queue it.
            local.queue.push(task);
            return true;
        };
        if running == address(&task) {
            // It woke itself: a yield. The slot would run it again at once.
            // tokio parks yielded tasks on a list that its worker polls only
            // after a search that takes in the global queue; looking there
            // next has the same effect. Without it a worker whose tasks all
            // yield (hogs spending their budgets) would leave a task spawned
            // from outside waiting for its 61st tick.
            local.after_yield.set(true);
            local.queue.push(task);
            return true;
        }
        match local.lifo.replace(Some(task)) {
            // The slot is private to this worker, and this worker will run
            // it as soon as the current poll returns: nobody to wake.
            None => false,
            // The displaced task goes to the back of the queue, where a
            // thief can take it.
            Some(displaced) => {
                local.queue.push(displaced);
                true
            }
        }
    }
    // ANCHOR_END: schedule_local

    // ANCHOR: run_task
    /// Polls `task`, then whatever it put in the slot, and whatever that
    /// put there, up to the cap. A task still in the slot after that goes
    /// to the back of the queue, where a sibling may steal it.
    fn run_task(&self, index: usize, local: &Local, task: Task) {
        let mut task = task;
        let mut lifo_polls = 0;
        loop {
            self.counters[index].polled();
            trace::record_task(index, &task, Kind::Poll);
            local.running.set(Some(address(&task)));
            task.run();
            local.running.set(None);
            let Some(next) = local.lifo.take() else {
                return;
            };
            if lifo_polls == MAX_LIFO_POLLS_PER_TICK || self.shutdown.load(Ordering::Relaxed) {
                local.queue.push(next);
                self.wake_one();
                return;
            }
            lifo_polls += 1;
            // Only this worker writes its count.
            stats::add(&self.lifo_polls[index].0, 1);
            task = next;
        }
    }
    // ANCHOR_END: run_task

    /// Chapter 5's order: the global queue first on a fairness tick (and,
    /// new here, after a yield), then the local queue, then a batch from
    /// the global queue.
    fn next_task(&self, index: usize, local: &Local, tick: u32) -> Option<Task> {
        if local.after_yield.replace(false) || is_fairness_tick(tick) {
            if let Some(task) = self.pop_global(index) {
                return Some(task);
            }
        }
        local.queue.pop().or_else(|| self.refill(index, local))
    }

    fn pop_global(&self, index: usize) -> Option<Task> {
        let task = std::iter::repeat_with(|| self.injector.steal())
            .find(|steal| !steal.is_retry())
            .and_then(Steal::success)?;
        self.counters[index].took_from_global(1);
        Some(task)
    }

    fn refill(&self, index: usize, local: &Local) -> Option<Task> {
        loop {
            let before = local.queue.len();
            match self.injector.steal_batch_and_pop(&local.queue) {
                Steal::Success(task) => {
                    let taken = local.queue.len() - before + 1;
                    self.counters[index].took_from_global(taken as u64);
                    return Some(task);
                }
                Steal::Empty => return None,
                Steal::Retry => continue,
            }
        }
    }

    /// Chapter 5's search: every sibling once from a random start, then
    /// the global queue again.
    fn steal(&self, index: usize, local: &Local, rng: &mut u32) -> Option<Task> {
        let workers = self.stealers.len();
        *rng ^= *rng << 13;
        *rng ^= *rng >> 17;
        *rng ^= *rng << 5;
        let start = *rng as usize % workers;
        loop {
            let mut interrupted = false;
            for victim in (start..start + workers).map(|i| i % workers) {
                if victim == index {
                    continue;
                }
                let before = local.queue.len();
                match self.stealers[victim].steal_batch_and_pop(&local.queue) {
                    Steal::Success(task) => {
                        let taken = local.queue.len() - before + 1;
                        self.counters[index].stole(taken as u64);
                        trace::record(index, task.id(), Kind::Steal { from: victim });
                        return Some(task);
                    }
                    Steal::Retry => interrupted = true,
                    Steal::Empty => {}
                }
            }
            if !interrupted {
                return self.refill(index, local);
            }
        }
    }

    fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|stealer| !stealer.is_empty())
    }

    fn wake_one(&self) {
        if let Some(index) = self.idle.worker_to_wake() {
            self.park.unpark(index);
        }
    }

    // ANCHOR: sleep
    /// Chapter 5's sleep, after one more rule: nothing may sit in the slot
    /// while its worker parks, since nobody else can run it. `run_task`
    /// empties the slot and only a running task fills it, so this finds it
    /// empty; it is tokio's rule, kept here as a guard that costs nothing.
    /// Returns whether the worker wakes as a searcher.
    fn sleep(&self, index: usize, local: &Local, searching: bool) -> bool {
        if let Some(task) = local.lifo.take() {
            local.queue.push(task);
        }
        self.idle.announce_sleep(index, searching);
        if self.has_work() {
            self.wake_one();
        }
        loop {
            if self.shutdown.load(Ordering::SeqCst) {
                return false;
            }
            self.counters[index].parked();
            trace::record(index, 0, Kind::Park);
            self.park.park(index);
            if !local.queue.is_empty() {
                return !self.idle.cancel_sleep(index);
            }
            if !self.idle.is_sleeping(index) {
                return true;
            }
        }
    }
    // ANCHOR_END: sleep
}

impl<P: WorkerPark> Schedule for LifoStealing<P> {
    fn new(workers: usize) -> Self {
        let queues: Vec<Worker<Task>> = (0..workers).map(|_| Worker::new_fifo()).collect();
        LifoStealing {
            injector: Injector::new(),
            stealers: queues.iter().map(Worker::stealer).collect(),
            unclaimed: Mutex::new(queues.into_iter().map(Some).collect()),
            idle: Idle::new(workers),
            park: P::new(workers),
            shutdown: AtomicBool::new(false),
            counters: WorkerCounters::for_workers(workers),
            lifo_polls: (0..workers).map(|_| LifoPolls(AtomicU64::new(0))).collect(),
        }
    }

    // ANCHOR: schedule
    fn schedule(&self, task: Task) {
        let wake = self.with_local(|local| match local {
            Some(local) => self.schedule_local(local, task),
            None => {
                self.injector.push(task);
                true
            }
        });
        if wake {
            self.wake_one();
        }
    }
    // ANCHOR_END: schedule

    // ANCHOR: run_worker
    fn run_worker(&self, index: usize) {
        // A poisoned lock means another worker panicked while claiming; the
        // vector itself is still whole.
        let queue = self.unclaimed.lock().unwrap_or_else(|e| e.into_inner())[index]
            .take()
            .unwrap_or_else(|| panic!("worker {index} started twice"));
        let local = Local {
            scheduler: self.key(),
            queue,
            lifo: Cell::new(None),
            running: Cell::new(None),
            after_yield: Cell::new(false),
        };
        LOCAL.with(|slot| slot.set(&local));
        // Declared after `local`, so dropped before it.
        let _guard = LocalGuard;
        let _entered = self.park.enter();
        let (mut tick, mut searching) = (0u32, false);
        let mut rng = (index as u32).wrapping_mul(0x9E37_79B9) | 1;
        while !self.shutdown.load(Ordering::SeqCst) {
            tick = tick.wrapping_add(1);
            if is_fairness_tick(tick) {
                self.park.maintenance(index);
            }
            let mut task = self.next_task(index, &local, tick);
            if task.is_none() {
                if !searching {
                    searching = true;
                    self.idle.start_searching();
                }
                task = self.steal(index, &local, &mut rng);
            }
            let Some(task) = task else {
                searching = self.sleep(index, &local, searching);
                continue;
            };
            if searching {
                searching = false;
                if self.idle.stop_searching() && self.has_work() {
                    self.wake_one();
                }
            }
            self.run_task(index, &local, task);
        }
    }
    // ANCHOR_END: run_worker

    fn shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
        for index in 0..self.stealers.len() {
            self.park.unpark(index);
        }
    }

    fn stats(&self) -> Vec<WorkerStats> {
        snapshot_all(&self.counters)
    }
}
