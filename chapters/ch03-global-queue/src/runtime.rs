//! The runtime shell: worker threads, `spawn`, `block_on` and shutdown,
//! generic over the scheduler that decides where tasks wait.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use crate::context;
use crate::join::JoinHandle;
use crate::schedule::Schedule;
use crate::stats::WorkerStats;
use crate::sync::{lock, thread, AtomicBool, AtomicU32, AtomicU64, Mutex, Ordering};
use crate::task::{Runnable, Task, TaskCell, TaskId};

// ANCHOR: handle
/// What tasks and `spawn` need of a runtime: its scheduler and the list of
/// live tasks. Shared by the runtime, its workers and the current-runtime
/// thread-local; tasks point to it weakly.
pub struct Handle {
    scheduler: Arc<dyn Schedule>,
    tasks: Box<dyn TaskList>,
    next_id: AtomicU64,
}
// ANCHOR_END: handle

impl Handle {
    pub fn scheduler(&self) -> &Arc<dyn Schedule> {
        &self.scheduler
    }

    /// The scheduler as its concrete type, for chapters whose I/O types need
    /// more of it than `Schedule` offers (the reactor in chapter 6).
    pub fn scheduler_as<S: Schedule>(&self) -> Option<Arc<S>> {
        let any: Arc<dyn std::any::Any + Send + Sync> = self.scheduler.clone();
        any.downcast::<S>().ok()
    }

    // ANCHOR: handle_spawn
    pub fn spawn<F>(self: &Arc<Self>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (task, join) = TaskCell::new(id, future, Arc::downgrade(self));
        self.start(task);
        join
    }

    fn start(&self, task: Task) {
        if self.tasks.insert(task.clone()) {
            self.scheduler.schedule(task);
        } else {
            // The runtime is shutting down: the task never runs, and its
            // JoinHandle reports it cancelled.
            task.cancel();
        }
    }
    // ANCHOR_END: handle_spawn

    /// Spawns a task whose cell `build` makes from the task's id and a weak
    /// reference to this runtime, for chapters with a task cell of their own
    /// (chapter 12's leaner one). The cell must call [`Handle::forget_task`]
    /// when it finishes, as chapter 3's does.
    pub fn spawn_with<T>(
        self: &Arc<Self>,
        build: impl FnOnce(TaskId, std::sync::Weak<Handle>) -> (Task, JoinHandle<T>),
    ) -> JoinHandle<T> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (task, join) = build(id, Arc::downgrade(self));
        self.start(task);
        join
    }

    /// A task finished: the runtime no longer needs to drop it at shutdown.
    pub fn forget_task(&self, task: &dyn Runnable) {
        self.tasks.remove(task);
    }

    /// Number of tasks spawned and not yet finished.
    pub fn live_tasks(&self) -> usize {
        self.tasks.len()
    }
}

/// The runtime's list of live tasks. Chapter 3's is [`OwnedTasks`], a map
/// by task id; chapter 12 brings one that costs less memory per task.
pub trait TaskList: Send + Sync + 'static {
    /// Adds a task that was just spawned. Returns false, keeping nothing,
    /// once [`TaskList::close`] was called.
    fn insert(&self, task: Task) -> bool;
    /// Takes off a task that finished.
    fn remove(&self, task: &dyn Runnable);
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Refuses every later `insert`, and hands back every task still on
    /// the list (for the runtime to cancel).
    fn close(&self) -> Vec<Task>;
}

/// A task's position in a [`TaskList`] that keeps one (chapter 12's):
/// written by the list when the task joins it, read when it leaves.
#[derive(Debug, Default)]
pub struct ListSlot(AtomicU32);

impl ListSlot {
    pub fn get(&self) -> u32 {
        // Relaxed: the list writes it before the task is first queued, and
        // the queue's own synchronisation carries it to whoever reads it.
        self.0.load(Ordering::Relaxed)
    }

    pub fn set(&self, slot: u32) {
        self.0.store(slot, Ordering::Relaxed);
    }
}

// ANCHOR: id_hasher
/// Hashes task ids for the task list. std's default, SipHash, is built to
/// resist keys chosen by an attacker who wants collisions; our keys are a
/// counter the runtime itself hands out, so that protection buys nothing,
/// and SipHash costs tens of nanoseconds twice per task (insert, remove).
/// One multiply by an odd constant spreads consecutive ids over the table;
/// folding the high half down mixes them into the low bits the table
/// indexes with (ids in one shard share their low bits).
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write_u64(&mut self, id: u64) {
        let spread = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = spread ^ (spread >> 32);
    }

    fn write(&mut self, bytes: &[u8]) {
        // `TaskId` is a `u64`, so only `write_u64` is ever called; this
        // keeps the hasher correct for any other key all the same.
        for &byte in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(byte));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type BuildIdHasher = std::hash::BuildHasherDefault<IdHasher>;
// ANCHOR_END: id_hasher

// ANCHOR: owned_tasks
/// Every live task, so shutdown can drop the futures of tasks that sit in no
/// queue (waiting for a wake-up that will never come). Sharded, so workers
/// finishing tasks at the same time rarely meet on one lock.
pub struct OwnedTasks {
    shards: Box<[Mutex<HashMap<TaskId, Task, BuildIdHasher>>]>,
    closed: AtomicBool,
}

const SHARDS: usize = 16;

impl OwnedTasks {
    pub fn new() -> Self {
        OwnedTasks {
            shards: (0..SHARDS)
                .map(|_| Mutex::new(HashMap::default()))
                .collect(),
            closed: AtomicBool::new(false),
        }
    }

    fn shard(&self, id: TaskId) -> &Mutex<HashMap<TaskId, Task, BuildIdHasher>> {
        &self.shards[id as usize % SHARDS]
    }
}

impl TaskList for OwnedTasks {
    /// Returns false once the runtime is shutting down.
    fn insert(&self, task: Task) -> bool {
        let mut shard = lock(self.shard(task.id()));
        // Checked under the shard lock: `close` sets the flag before it
        // drains the shards, so a task is either drained or refused.
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        shard.insert(task.id(), task);
        true
    }
    // ANCHOR_END: owned_tasks

    fn remove(&self, task: &dyn Runnable) {
        let id = task.id();
        let removed = lock(self.shard(id)).remove(&id);
        // Dropped outside the lock: dropping a task can run user code.
        drop(removed);
    }

    fn len(&self) -> usize {
        self.shards.iter().map(|shard| lock(shard).len()).sum()
    }

    // ANCHOR: close
    /// Refuses new tasks and hands back every live one.
    fn close(&self) -> Vec<Task> {
        self.closed.store(true, Ordering::Release);
        // Handed back, not cancelled here: cancelling runs a future's
        // `Drop`, which may wake or spawn, so no shard lock may be held.
        let mut tasks = Vec::new();
        for shard in self.shards.iter() {
            tasks.extend(lock(shard).drain().map(|(_, task)| task));
        }
        tasks
    }
    // ANCHOR_END: close
}

impl Default for OwnedTasks {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: runtime
/// A multi-threaded runtime: `workers` threads that run tasks, scheduled by `S`.
pub struct Runtime<S: Schedule> {
    handle: Arc<Handle>,
    scheduler: Arc<S>,
    threads: Vec<thread::JoinHandle<()>>,
}
// ANCHOR_END: runtime

impl<S: Schedule> Runtime<S> {
    // ANCHOR: runtime_new
    /// Starts `workers` worker threads.
    ///
    /// # Panics
    /// If `workers` is 0, or if the OS refuses to start a thread.
    pub fn new(workers: usize) -> Self {
        Self::with_task_list(workers, Box::new(OwnedTasks::new()))
    }

    /// Like [`Runtime::new`], keeping its live tasks on `tasks`.
    pub fn with_task_list(workers: usize, tasks: Box<dyn TaskList>) -> Self {
        assert!(workers > 0, "a runtime needs at least one worker");
        let scheduler = Arc::new(S::new(workers));
        let handle = Arc::new(Handle {
            scheduler: scheduler.clone(),
            tasks,
            next_id: AtomicU64::new(1),
        });
        let threads = (0..workers)
            .map(|index| {
                let handle = handle.clone();
                let scheduler = scheduler.clone();
                thread::Builder::new()
                    .name(format!("worker-{index}"))
                    .spawn(move || {
                        let _context = context::enter(handle);
                        context::set_worker(&*scheduler, index);
                        scheduler.run_worker(index);
                    })
                    // Like tokio, treat a refused thread as fatal: a runtime
                    // with fewer workers than asked for is not what the caller built.
                    .expect("the OS refused to start a worker thread")
            })
            .collect();
        Runtime {
            handle,
            scheduler,
            threads,
        }
    }
    // ANCHOR_END: runtime_new

    // ANCHOR: block_on
    /// Runs `future` on this thread until it completes, with this runtime
    /// as the current one, so it can `spawn` and await tasks.
    ///
    /// # Panics
    /// When called from a worker thread: blocking a worker would stall every
    /// task queued behind it, and can deadlock the runtime. When called
    /// inside another `block_on` (of any runtime): the outer future would
    /// stop being polled, and deadlocks if the inner one waits for it.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        assert!(
            !context::in_worker(),
            "Runtime::block_on called from a worker thread; \
             blocking a worker stalls its tasks: .await the future instead"
        );
        let _blocking = context::enter_block_on();
        let _context = context::enter(self.handle.clone());
        ch02_futures::block_on(future)
    }
    // ANCHOR_END: block_on

    /// Spawns a task from outside the runtime.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    pub fn handle(&self) -> &Arc<Handle> {
        &self.handle
    }

    pub fn scheduler(&self) -> &Arc<S> {
        &self.scheduler
    }

    pub fn workers(&self) -> usize {
        self.threads.len()
    }

    /// Per-worker counters (polls, parks, steals).
    pub fn stats(&self) -> Vec<WorkerStats> {
        self.scheduler.stats()
    }
}

// ANCHOR: drop
impl<S: Schedule> Drop for Runtime<S> {
    /// Stops and joins the workers, then drops every unfinished task's
    /// future: the ones in queues and the ones waiting for a wake-up.
    /// Dropped by one of its own tasks, it leaves that to a helper thread.
    fn drop(&mut self) {
        self.scheduler.shutdown();
        let threads = std::mem::take(&mut self.threads);
        let handle = self.handle.clone();
        let finish = move || {
            for thread in threads {
                // A worker only panics on a bug in the scheduler; carry on
                // shutting down so the tasks are still dropped.
                let _ = thread.join();
            }
            for task in handle.tasks.close() {
                task.cancel();
            }
        };
        if context::worker_index(&*self.scheduler).is_none() {
            finish();
            return;
        }
        // A task dropped the last reference to its own runtime, so we are
        // on one of its workers. A thread cannot join itself, and this one
        // is in the middle of running a task: let another thread wait for
        // the workers (this one included) to return, then drop the tasks.
        let helper = thread::Builder::new()
            .name("runtime-shutdown".into())
            .spawn(finish);
        // Nobody waits for the helper. If the OS refused to start it, the
        // workers still stop (shutdown was called); only the futures of
        // unfinished tasks are then left undropped.
        drop(helper);
    }
}
// ANCHOR_END: drop
