//! Chapter 5's scheduler: a deque per worker that the other workers can
//! steal from, a global injector queue, and idle workers that park without
//! ever missing a wake-up.
// `LOCAL` is declared through `ch03_global_queue::sync` so loom can swap it,
// and loom's `thread_local!` takes no `const { .. }` initialiser.
#![allow(clippy::missing_const_for_thread_local)]

use std::cell::RefCell;
use std::rc::Rc;

use ch03_global_queue::schedule::Schedule;
use ch03_global_queue::stats::{snapshot_all, WorkerCounters, WorkerStats};
use ch03_global_queue::sync::{lock, AtomicBool, Mutex, Ordering};
use ch03_global_queue::task::Task;
use ch03_global_queue::trace::{self, Kind};

use ch04_local_queues::local_queues::is_fairness_tick;

use crate::deque::{Injector, Steal, Stealer, Worker};
use crate::idle::Idle;
use crate::park::{CondvarPark, Park};

// ANCHOR: struct
pub struct WorkStealing<P: Park = CondvarPark> {
    /// Tasks pushed from outside the workers: `spawn` from `block_on`, wakes
    /// from timer or I/O threads. Lock-free; any thread may push or steal.
    injector: Injector<Task>,
    /// The thieves' ends of the workers' deques, one per worker.
    stealers: Box<[Stealer<Task>]>,
    /// The owners' ends, until each worker thread claims its own.
    /// crossbeam's `Worker` may move to another thread (it is `Send`) but
    /// not be shared by two (it is not `Sync`): exactly one thread uses it.
    unclaimed: Mutex<Vec<Option<Worker<Task>>>>,
    idle: Idle,
    park: P,
    shutdown: AtomicBool,
    counters: Box<[WorkerCounters]>,
}
// ANCHOR_END: struct

// ANCHOR: local
// Through `sync`, so that under loom each modelled thread has its own (loom
// runs them all on one OS thread).
ch03_global_queue::sync::thread_local! {
    /// The deque of the worker running on this thread, so that `schedule`,
    /// called from inside a task, can push onto it. Tagged with the address
    /// of its scheduler: a worker of one runtime that wakes a task of
    /// another must not push it onto its own deque.
    static LOCAL: RefCell<Option<Local>> = RefCell::new(None);
}

struct Local {
    scheduler: usize,
    /// `Rc`, not `Arc`: the worker loop holds the other reference, and
    /// neither may leave this thread.
    queue: Rc<Worker<Task>>,
}
// ANCHOR_END: local

/// A worker loop's own state: its deque and where it is in its cycle.
/// Lives on the worker thread's stack.
struct Core {
    index: usize,
    queue: Rc<Worker<Task>>,
    tick: u32,
    /// True while this worker counts as searching in `Idle`.
    searching: bool,
    rng: u32,
}

impl Core {
    /// A cheap xorshift: where to start looking for a victim. Random, so
    /// that thieves spread over the victims instead of all mobbing worker 0.
    fn next_random(&mut self) -> u32 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        x
    }
}

impl<P: Park> WorkStealing<P> {
    /// The parker, for a chapter whose `Park` offers more (the reactor).
    pub fn park(&self) -> &P {
        &self.park
    }

    fn key(&self) -> usize {
        self as *const Self as usize
    }

    /// Hands worker `index` its deque. Once per worker.
    fn claim(&self, index: usize) -> Core {
        let queue = lock(&self.unclaimed)[index]
            .take()
            .unwrap_or_else(|| panic!("worker {index} started twice"));
        Core {
            index,
            queue: Rc::new(queue),
            tick: 0,
            searching: false,
            // Never 0: xorshift would stay at 0 forever.
            rng: (index as u32).wrapping_mul(0x9E37_79B9) | 1,
        }
    }

    // ANCHOR: push_local
    /// Pushes onto this thread's deque if this thread is one of our
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
                    local.queue.push(task.take().expect("taken only here"));
                }
            }
        });
        task.map_or(Ok(()), Err)
    }
    // ANCHOR_END: push_local

    // ANCHOR: next_task
    /// The article's order, steps 1 to 3: on every 61st tick the global
    /// queue first, so a worker busy with its own tasks cannot starve it;
    /// then the local deque; then the global queue, taking a batch.
    fn next_task(&self, core: &mut Core) -> Option<Task> {
        let fairness_tick = is_fairness_tick(core.tick);
        if fairness_tick {
            if let Some(task) = self.pop_global(core) {
                return Some(task);
            }
        }
        if let Some(task) = core.queue.pop() {
            return Some(task);
        }
        if fairness_tick {
            return None; // we looked at the global queue a moment ago
        }
        self.refill_from_global(core)
    }

    /// Step 4: nothing local or global. Become a searcher and steal.
    fn search(&self, core: &mut Core) -> Option<Task> {
        if !core.searching {
            core.searching = true;
            self.idle.start_searching();
        }
        // The global queue again after the siblings: a task may have
        // arrived while we were looking at them.
        self.steal_from_siblings(core)
            .or_else(|| self.refill_from_global(core))
    }
    // ANCHOR_END: next_task

    fn pop_global(&self, core: &Core) -> Option<Task> {
        // `Retry` means we raced another thief; someone made progress, so
        // trying again at once is not spinning on nothing.
        let task = std::iter::repeat_with(|| self.injector.steal())
            .find(|steal| !steal.is_retry())
            .and_then(Steal::success)?;
        self.counters[core.index].took_from_global(1);
        Some(task)
    }

    /// Moves a batch (about half of the global queue, at most 33) into our
    /// deque and returns one of them.
    fn refill_from_global(&self, core: &Core) -> Option<Task> {
        loop {
            let before = core.queue.len();
            match self.injector.steal_batch_and_pop(&core.queue) {
                Steal::Success(task) => {
                    let taken = core.queue.len() - before + 1;
                    self.counters[core.index].took_from_global(taken as u64);
                    return Some(task);
                }
                Steal::Empty => return None,
                Steal::Retry => continue,
            }
        }
    }

    // ANCHOR: steal
    /// Visits every other worker once, starting at a random one, and takes
    /// about half of the first non-empty deque it finds. Goes round again
    /// only if some steal was interrupted by a race (`Retry`): then that
    /// deque may still hold work.
    fn steal_from_siblings(&self, core: &mut Core) -> Option<Task> {
        let workers = self.stealers.len();
        let start = core.next_random() as usize % workers;
        loop {
            let mut interrupted = false;
            for victim in (start..start + workers).map(|i| i % workers) {
                if victim == core.index {
                    continue;
                }
                let before = core.queue.len();
                match self.stealers[victim].steal_batch_and_pop(&core.queue) {
                    Steal::Success(task) => {
                        let taken = core.queue.len() - before + 1;
                        self.counters[core.index].stole(taken as u64);
                        trace::record(core.index, task.id(), Kind::Steal { from: victim });
                        return Some(task);
                    }
                    Steal::Retry => interrupted = true,
                    Steal::Empty => {}
                }
            }
            if !interrupted {
                return None;
            }
        }
    }
    // ANCHOR_END: steal

    // ANCHOR: helpers
    /// Whether any queue holds a task: the global one or any worker's.
    fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|stealer| !stealer.is_empty())
    }

    /// Unparks a sleeper if the bookkeeping says one is needed.
    fn wake_one(&self) {
        if let Some(index) = self.idle.worker_to_wake() {
            self.park.unpark(index);
        }
    }
    // ANCHOR_END: helpers

    // ANCHOR: found_work
    /// A searching worker found a task. If it was the last searcher and
    /// more work is queued (it may have stolen a whole batch), it wakes a
    /// sleeper to come and take some: tokio's
    /// `transition_worker_from_searching`.
    fn stop_searching(&self, core: &mut Core) {
        core.searching = false;
        if self.idle.stop_searching() && self.has_work() {
            self.wake_one();
        }
    }
    // ANCHOR_END: found_work

    // ANCHOR: sleep
    /// Nothing anywhere: announce, look once more, then park until woken.
    fn sleep(&self, core: &mut Core) {
        let index = core.index;
        self.idle.announce_sleep(index, core.searching);
        core.searching = false;
        // The last look. A task pushed before the announcement may have
        // seen us awake (or a searcher) and woken nobody: it is found here.
        // Waking "one worker" may well pick us, and then `park` returns at once.
        if self.has_work() {
            self.wake_one();
        }
        loop {
            if self.shutdown.load(Ordering::SeqCst) {
                return;
            }
            self.counters[index].parked();
            trace::record(index, 0, Kind::Park);
            self.park.park(index);
            if !core.queue.is_empty() {
                // Work was pushed onto our own deque while we slept (in
                // chapter 6, by the reactor this worker was waiting in).
                // If a pusher had already taken us off the list, it made
                // us a searcher.
                core.searching = !self.idle.cancel_sleep(index);
                return;
            }
            if !self.idle.is_sleeping(index) {
                core.searching = true; // woken by a push, as a searcher
                return;
            }
            // Nobody woke us (a spurious return): still on the list, so any
            // push from now on will find us. Sleep again.
        }
    }
    // ANCHOR_END: sleep
}

// ANCHOR: local_guard
/// Installs a worker's deque in this thread's `LOCAL` and removes it when
/// the worker loop ends, however it ends.
struct LocalGuard;

impl LocalGuard {
    fn install(scheduler: usize, queue: Rc<Worker<Task>>) -> LocalGuard {
        LOCAL.with(|local| {
            let previous = local.borrow_mut().replace(Local { scheduler, queue });
            assert!(previous.is_none(), "one thread cannot be two workers");
        });
        LocalGuard
    }
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        // Tasks still in the deque stay reachable through its stealer, and
        // the runtime cancels them at shutdown.
        let _ = LOCAL.try_with(|local| local.borrow_mut().take());
    }
}
// ANCHOR_END: local_guard

impl<P: Park> Schedule for WorkStealing<P> {
    fn new(workers: usize) -> Self {
        let queues: Vec<Worker<Task>> = (0..workers).map(|_| Worker::new_fifo()).collect();
        WorkStealing {
            injector: Injector::new(),
            stealers: queues.iter().map(Worker::stealer).collect(),
            unclaimed: Mutex::new(queues.into_iter().map(Some).collect()),
            idle: Idle::new(workers),
            park: P::new(workers),
            shutdown: AtomicBool::new(false),
            counters: WorkerCounters::for_workers(workers),
        }
    }

    // ANCHOR: schedule
    fn schedule(&self, task: Task) {
        if let Err(task) = self.push_local(task) {
            self.injector.push(task);
        }
        // Unlike chapter 4, a task on our own deque is work for everyone:
        // a sleeping worker can steal it.
        self.wake_one();
    }
    // ANCHOR_END: schedule

    // ANCHOR: run_worker
    fn run_worker(&self, index: usize) {
        let mut core = self.claim(index);
        let _local = LocalGuard::install(self.key(), core.queue.clone());
        while !self.shutdown.load(Ordering::SeqCst) {
            core.tick = core.tick.wrapping_add(1);
            if is_fairness_tick(core.tick) {
                self.park.maintenance(index);
            }
            let task = self.next_task(&mut core).or_else(|| self.search(&mut core));
            let Some(task) = task else {
                self.sleep(&mut core);
                continue;
            };
            if core.searching {
                self.stop_searching(&mut core);
            }
            self.counters[index].polled();
            trace::record(index, task.id(), Kind::Poll);
            task.run();
        }
    }
    // ANCHOR_END: run_worker

    // ANCHOR: shutdown
    fn shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
        // A worker checks the flag before every park, and an unpark that
        // arrives before the park is kept: no worker sleeps through this.
        for index in 0..self.stealers.len() {
            self.park.unpark(index);
        }
    }
    // ANCHOR_END: shutdown

    fn stats(&self) -> Vec<WorkerStats> {
        snapshot_all(&self.counters)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use ch03_global_queue::task::TaskId;
    use std::sync::atomic::AtomicUsize;
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    use ch03_global_queue::testing::probe;

    fn ids(tasks: impl IntoIterator<Item = Task>) -> Vec<TaskId> {
        tasks.into_iter().map(|task| task.id()).collect()
    }

    #[test]
    fn on_an_ordinary_tick_the_local_queue_comes_first() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = WorkStealing::<CondvarPark>::new(2);
        let mut core = scheduler.claim(0);
        core.queue.push(probe(1, &tx));
        scheduler.injector.push(probe(2, &tx));
        core.tick = 60;
        assert_eq!(ids(scheduler.next_task(&mut core)), [1]);
        assert_eq!(
            ids(scheduler.next_task(&mut core)),
            [2],
            "then the global queue"
        );
    }

    #[test]
    fn every_61st_tick_the_global_queue_comes_first() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = WorkStealing::<CondvarPark>::new(2);
        let mut core = scheduler.claim(0);
        core.queue.push(probe(1, &tx));
        scheduler.injector.push(probe(2, &tx));
        core.tick = 61 * 3;
        assert_eq!(ids(scheduler.next_task(&mut core)), [2]);
        assert_eq!(scheduler.counters[0].snapshot(0).from_global, 1);
    }

    #[test]
    fn an_empty_local_queue_refills_with_part_of_the_global_one() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = WorkStealing::<CondvarPark>::new(2);
        let mut core = scheduler.claim(0);
        for id in 1..=10 {
            scheduler.injector.push(probe(id, &tx));
        }
        core.tick = 1;
        assert_eq!(
            ids(scheduler.next_task(&mut core)),
            [1],
            "FIFO: the oldest first"
        );
        let moved = core.queue.len();
        assert!(moved > 0, "a batch, not a single task");
        assert!(
            !scheduler.injector.is_empty(),
            "some left for the other worker"
        );
        let taken = scheduler.counters[0].snapshot(0).from_global;
        assert_eq!(taken, moved as u64 + 1);
    }

    #[test]
    fn a_worker_with_nothing_steals_half_of_a_sibling_and_counts_as_searching() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = WorkStealing::<CondvarPark>::new(2);
        let victim = scheduler.claim(0);
        let mut thief = scheduler.claim(1);
        for id in 1..=10 {
            victim.queue.push(probe(id, &tx));
        }
        thief.tick = 1;
        assert!(scheduler.next_task(&mut thief).is_none());
        let stolen = scheduler.search(&mut thief).expect("nothing stolen");
        assert_eq!(stolen.id(), 1, "a FIFO deque is stolen from its front too");
        assert!(thief.searching);
        assert_eq!(scheduler.idle.searching(), 1);
        let stats = scheduler.counters[1].snapshot(1);
        assert_eq!(stats.stolen, thief.queue.len() as u64 + 1);
        assert_eq!(
            victim.queue.len() + thief.queue.len() + 1,
            10,
            "nothing lost"
        );
        assert!(
            victim.queue.len() >= 4,
            "about half stays: {}",
            victim.queue.len()
        );
        scheduler.stop_searching(&mut thief);
        assert_eq!(scheduler.idle.searching(), 0);
    }

    #[test]
    fn a_push_from_a_worker_thread_goes_to_its_own_deque_and_others_go_global() {
        let (tx, _rx) = mpsc::channel();
        let scheduler = WorkStealing::<CondvarPark>::new(2);
        let core = scheduler.claim(0);
        scheduler.schedule(probe(1, &tx));
        assert_eq!(scheduler.injector.len(), 1, "not a worker yet: global");
        let guard = LocalGuard::install(scheduler.key(), core.queue.clone());
        scheduler.schedule(probe(2, &tx));
        assert_eq!(ids(core.queue.pop()), [2]);
        // Another scheduler's worker thread: this one's tasks are not ours.
        let other = WorkStealing::<CondvarPark>::new(1);
        other.schedule(probe(3, &tx));
        assert_eq!(other.injector.len(), 1);
        drop(guard);
        scheduler.schedule(probe(4, &tx));
        assert_eq!(scheduler.injector.len(), 2);
    }

    /// Runs `run_worker` for every worker on its own thread.
    fn start<P: Park>(scheduler: &Arc<WorkStealing<P>>) -> Vec<std::thread::JoinHandle<()>> {
        (0..scheduler.stealers.len())
            .map(|index| {
                let scheduler = scheduler.clone();
                std::thread::spawn(move || scheduler.run_worker(index))
            })
            .collect()
    }

    #[test]
    fn a_push_while_the_workers_fall_asleep_is_never_lost() {
        // Every round the workers run out of work and head for `park`, while
        // this thread pushes the next task: the race the protocol is for.
        // A lost wake-up leaves a round waiting forever, so the test times out.
        testkit::with_timeout(Duration::from_secs(60), || {
            let scheduler = Arc::new(WorkStealing::<CondvarPark>::new(2));
            let workers = start(&scheduler);
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

    #[test]
    fn pushes_from_many_threads_at_once_all_run() {
        testkit::with_timeout(Duration::from_secs(60), || {
            let scheduler = Arc::new(WorkStealing::<CondvarPark>::new(3));
            let workers = start(&scheduler);
            let (tx, rx) = mpsc::channel();
            let pushers: Vec<_> = (0..4)
                .map(|thread| {
                    let scheduler = scheduler.clone();
                    let tx = tx.clone();
                    std::thread::spawn(move || {
                        for i in 0..5_000 {
                            scheduler.schedule(probe(thread * 5_000 + i, &tx));
                            if i % 64 == 0 {
                                std::thread::yield_now(); // let the workers drain and doze off
                            }
                        }
                    })
                })
                .collect();
            for pusher in pushers {
                pusher.join().expect("pusher panicked");
            }
            let mut seen: Vec<TaskId> = (0..20_000)
                .map(|_| rx.recv().expect("a task never ran"))
                .collect();
            seen.sort_unstable();
            assert_eq!(
                seen,
                (0..20_000).collect::<Vec<_>>(),
                "each task runs exactly once"
            );
            scheduler.shutdown();
            for worker in workers {
                worker.join().expect("worker panicked");
            }
        });
    }

    /// A condvar parker that counts `maintenance` calls.
    struct CountingPark {
        inner: CondvarPark,
        maintenance: AtomicUsize,
    }

    impl Park for CountingPark {
        fn new(workers: usize) -> Self {
            CountingPark {
                inner: CondvarPark::new(workers),
                maintenance: AtomicUsize::new(0),
            }
        }
        fn park(&self, index: usize) {
            self.inner.park(index)
        }
        fn unpark(&self, index: usize) {
            self.inner.unpark(index)
        }
        fn maintenance(&self, _index: usize) {
            self.maintenance.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_busy_worker_gives_its_park_maintenance_every_61_ticks() {
        testkit::with_timeout(Duration::from_secs(30), || {
            let scheduler = Arc::new(WorkStealing::<CountingPark>::new(1));
            let (tx, rx) = mpsc::channel();
            for id in 0..6_100 {
                scheduler.schedule(probe(id, &tx));
            }
            let workers = start(&scheduler);
            for _ in 0..6_100 {
                rx.recv().expect("a task never ran");
            }
            scheduler.shutdown();
            for worker in workers {
                worker.join().expect("worker panicked");
            }
            let calls = scheduler.park().maintenance.load(Ordering::Relaxed);
            assert!(
                calls >= 100,
                "6,100 polls took 6,100 ticks, so at least 100 calls; got {calls}"
            );
        });
    }
}
