//! The current-thread runtime: one thread runs the tasks and turns the
//! reactor.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake};

use ch03_global_queue::sync::lock;
use ch03_global_queue::task::TaskId;
use ch03_global_queue::{JoinError, JoinHandle};
use ch06_reactor::reactor::{Reactor, Wait};

use crate::context;
use crate::task::{waker, Header, JoinCell, LocalTask};

/// Polls between two looks at the reactor while tasks keep the thread
/// busy, so sockets and timers are not starved (tokio's current-thread
/// runtime uses 61 too).
const EVENT_INTERVAL: usize = 61;

// ANCHOR: shared
/// The part of the runtime other threads can reach: wakers and `Handle`s.
pub(crate) struct Shared {
    inbox: Mutex<Inbox>,
    reactor: Arc<Reactor>,
    next_id: AtomicU64,
}

#[derive(Default)]
struct Inbox {
    /// Tasks woken since the runtime thread last looked.
    woken: Vec<TaskId>,
    /// Tasks spawned from other threads, waiting to be adopted.
    spawned: Vec<SendTask>,
    /// The future passed to `block_on` was woken.
    main_woken: bool,
    /// The runtime thread is waiting in the reactor, or about to: a wake-up
    /// must interrupt that wait.
    sleeping: bool,
    /// The runtime is gone: spawns are refused.
    closed: bool,
}
// ANCHOR_END: shared

/// A task spawned from another thread: its future is `Send`.
struct SendTask {
    header: Arc<Header>,
    future: Pin<Box<dyn Future<Output = ()> + Send>>,
    completion: Arc<dyn crate::task::Completion + Send + Sync>,
}

impl Shared {
    // ANCHOR: wake_task
    /// Queues a woken task. Called by wakers, from any thread.
    pub(crate) fn wake_task(&self, id: TaskId) {
        let mut inbox = lock(&self.inbox);
        inbox.woken.push(id);
        let sleeping = inbox.sleeping;
        drop(inbox);
        // `sleeping` is read under the lock the runtime thread sets it
        // under, just before it waits: either it sees our task before it
        // waits, or we see it sleeping and end the wait.
        if sleeping {
            self.reactor.wake();
        }
    }
    // ANCHOR_END: wake_task

    fn wake_main(&self) {
        let mut inbox = lock(&self.inbox);
        inbox.main_woken = true;
        let sleeping = inbox.sleeping;
        drop(inbox);
        if sleeping {
            self.reactor.wake();
        }
    }

    fn new_header(self: &Arc<Self>) -> Arc<Header> {
        Arc::new(Header {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            // Queued at once by the spawn that creates it.
            scheduled: AtomicBool::new(true),
            shared: Arc::downgrade(self),
        })
    }
}

/// The waker of the future passed to `block_on`.
struct MainWaker(Arc<Shared>);

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.0.wake_main();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.wake_main();
    }
}

// ANCHOR: local
/// The part only the runtime thread touches: no locks, no atomics.
pub(crate) struct Local {
    tasks: RefCell<HashMap<TaskId, Rc<LocalTask>>>,
    run_queue: RefCell<VecDeque<TaskId>>,
    stats: Cell<RuntimeStats>,
}
// ANCHOR_END: local

impl Local {
    /// A task woken on the runtime's thread.
    pub(crate) fn queue_woken(&self, id: TaskId) {
        self.run_queue.borrow_mut().push_back(id);
    }
}

/// Counters, for tests and the demo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuntimeStats {
    pub polls: u64,
    /// Turns of the reactor, waiting or not.
    pub turns: u64,
    /// Turns that waited: the thread had nothing to run.
    pub parks: u64,
}

// ANCHOR: runtime
/// A runtime that runs everything on the thread that calls `block_on`.
///
/// Not `Send`: its tasks may hold values that must stay on one thread.
/// Use a [`Handle`] to spawn from other threads.
pub struct Runtime {
    shared: Arc<Shared>,
    local: Rc<Local>,
}

/// Spawns `Send` tasks onto a runtime from any thread.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}
// ANCHOR_END: runtime

impl Runtime {
    /// # Panics
    /// If the OS refuses to create an epoll instance.
    pub fn new() -> Runtime {
        let reactor = Reactor::new().unwrap_or_else(|error| {
            panic!("the OS refused to create the reactor (epoll/kqueue): {error}")
        });
        Runtime {
            shared: Arc::new(Shared {
                inbox: Mutex::new(Inbox::default()),
                reactor: Arc::new(reactor),
                next_id: AtomicU64::new(1),
            }),
            local: Rc::new(Local {
                tasks: RefCell::new(HashMap::new()),
                run_queue: RefCell::new(VecDeque::new()),
                stats: Cell::new(RuntimeStats::default()),
            }),
        }
    }

    pub fn handle(&self) -> Handle {
        Handle {
            shared: self.shared.clone(),
        }
    }

    pub fn stats(&self) -> RuntimeStats {
        self.local.stats.get()
    }

    /// Spawns a task that need not be `Send`. It runs when `block_on` runs.
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: Send + 'static,
    {
        spawn_local_on(&self.shared, &self.local, future)
    }

    // ANCHOR: block_on
    /// Runs `future` to completion on this thread, running spawned tasks
    /// and turning the reactor while it waits.
    ///
    /// # Panics
    /// When called from inside a `block_on` (of any current-thread runtime)
    /// on this thread: the outer one could not run while the inner one waits.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _context = context::enter(self.shared.clone(), self.local.clone());
        let _reactor = self.shared.reactor.enter();
        let mut future = pin!(future);
        let main_waker = Arc::new(MainWaker(self.shared.clone())).into();
        let mut cx = Context::from_waker(&main_waker);
        lock(&self.shared.inbox).main_woken = true;
        loop {
            if std::mem::take(&mut lock(&self.shared.inbox).main_woken) {
                if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                    return output;
                }
            }
            let ran = self.run_tasks(EVENT_INTERVAL);
            if ran == EVENT_INTERVAL {
                // Busy: look at sockets and timers without waiting.
                self.turn(Wait::No);
            } else if ran == 0 {
                self.park();
            }
        }
    }
    // ANCHOR_END: block_on

    // ANCHOR: park
    /// Waits in the reactor until a socket is ready, a timer is due, or a
    /// waker (from any thread) ends the wait. Returns at once if something
    /// was woken since the last look.
    fn park(&self) {
        {
            let mut inbox = lock(&self.shared.inbox);
            if !inbox.woken.is_empty() || !inbox.spawned.is_empty() || inbox.main_woken {
                return;
            }
            inbox.sleeping = true;
        }
        self.bump(|stats| stats.parks += 1);
        self.turn(Wait::UntilNextTimer);
        lock(&self.shared.inbox).sleeping = false;
    }

    /// One turn of the reactor; its wakers queue tasks in our inbox.
    fn turn(&self, wait: Wait) {
        self.bump(|stats| stats.turns += 1);
        for waker in self.shared.reactor.turn(wait) {
            waker.wake();
        }
    }
    // ANCHOR_END: park

    // ANCHOR: run_tasks
    /// Polls up to `budget` tasks; returns how many it polled.
    fn run_tasks(&self, budget: usize) -> usize {
        self.adopt_inbox();
        let mut ran = 0;
        while ran < budget {
            let Some(id) = self.local.run_queue.borrow_mut().pop_front() else {
                break;
            };
            // Not borrowed while it runs: the task may spawn, which inserts.
            let task = self.local.tasks.borrow().get(&id).cloned();
            if let Some(task) = task {
                self.poll_task(task);
                ran += 1;
            }
            if self.local.run_queue.borrow().is_empty() {
                self.adopt_inbox();
            }
        }
        ran
    }
    // ANCHOR_END: run_tasks

    /// Moves woken ids and tasks spawned elsewhere into the run queue: one
    /// lock for the whole batch.
    fn adopt_inbox(&self) {
        let (woken, spawned) = {
            let mut inbox = lock(&self.shared.inbox);
            (
                std::mem::take(&mut inbox.woken),
                std::mem::take(&mut inbox.spawned),
            )
        };
        let mut queue = self.local.run_queue.borrow_mut();
        for task in spawned {
            let id = task.header.id;
            let local = Rc::new(LocalTask {
                header: task.header,
                future: RefCell::new(Some(task.future)),
                completion: task.completion,
            });
            self.local.tasks.borrow_mut().insert(id, local);
            queue.push_back(id);
        }
        queue.extend(woken);
    }

    // ANCHOR: poll_task
    fn poll_task(&self, task: Rc<LocalTask>) {
        let id = task.header.id;
        // Cleared before the poll: a wake-up during the poll queues it again.
        task.header.scheduled.store(false, Ordering::Release);
        if task.completion.abort_requested() {
            self.finish(id, Some(JoinError::cancelled(id)));
            return;
        }
        let waker = waker(&task.header);
        let mut cx = Context::from_waker(&waker);
        self.bump(|stats| stats.polls += 1);
        let polled = {
            let mut slot = task.future.borrow_mut();
            let Some(future) = slot.as_mut() else { return };
            catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)))
        };
        match polled {
            Ok(Poll::Pending) => {}
            Ok(Poll::Ready(())) => self.finish(id, None),
            Err(payload) => self.finish(id, Some(JoinError::panic(id, payload))),
        }
    }

    /// Removes a task and drops its future; reports `error` if it has one.
    fn finish(&self, id: TaskId, error: Option<JoinError>) {
        let removed = self.local.tasks.borrow_mut().remove(&id);
        let Some(task) = removed else { return };
        // Dropped with no borrow held: the future's Drop may spawn.
        let future = task.future.borrow_mut().take();
        drop(future);
        if let Some(error) = error {
            task.completion.fail(error);
        }
    }
    // ANCHOR_END: poll_task

    fn bump(&self, f: impl FnOnce(&mut RuntimeStats)) {
        let mut stats = self.local.stats.get();
        f(&mut stats);
        self.local.stats.set(stats);
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new()
    }
}

// ANCHOR: spawn_local
pub(crate) fn spawn_local_on<F>(
    shared: &Arc<Shared>,
    local: &Local,
    future: F,
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    let header = shared.new_header();
    let cell = Arc::new(JoinCell::new(header.clone()));
    let id = header.id;
    let task = Rc::new(LocalTask {
        header,
        future: RefCell::new(Some(Box::pin(complete_into(future, cell.clone())))),
        completion: cell.clone(),
    });
    local.tasks.borrow_mut().insert(id, task);
    local.run_queue.borrow_mut().push_back(id);
    JoinHandle::new(cell)
}
// ANCHOR_END: spawn_local

/// The task's future: the user's, with its output stored in the cell.
async fn complete_into<F>(future: F, cell: Arc<JoinCell<F::Output>>)
where
    F: Future,
    F::Output: Send + 'static,
{
    let output = future.await;
    cell.complete(Ok(output));
}

impl Handle {
    // ANCHOR: handle_spawn
    /// Spawns a `Send` task from any thread. It is handed to the runtime
    /// thread through the inbox, which wakes the thread if it sleeps.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let header = self.shared.new_header();
        let cell = Arc::new(JoinCell::new(header.clone()));
        let task = SendTask {
            header,
            future: Box::pin(complete_into(future, cell.clone())),
            completion: cell.clone(),
        };
        let mut inbox = lock(&self.shared.inbox);
        if inbox.closed {
            drop(inbox);
            let id = task.header.id;
            drop(task);
            cell.complete(Err(JoinError::cancelled(id)));
            return JoinHandle::new(cell);
        }
        inbox.spawned.push(task);
        let sleeping = inbox.sleeping;
        drop(inbox);
        if sleeping {
            self.shared.reactor.wake();
        }
        JoinHandle::new(cell)
    }
    // ANCHOR_END: handle_spawn
}

// ANCHOR: drop
impl Drop for Runtime {
    /// Drops every unfinished task's future (their handles report them
    /// cancelled), then wakes whatever still waits on the reactor.
    fn drop(&mut self) {
        let spawned = {
            let mut inbox = lock(&self.shared.inbox);
            inbox.closed = true;
            std::mem::take(&mut inbox.spawned)
        };
        // Inside the reactor's context: a dropped socket deregisters itself.
        let _reactor = self.shared.reactor.enter();
        for task in spawned {
            task.completion.fail(JoinError::cancelled(task.header.id));
        }
        let tasks: Vec<Rc<LocalTask>> = self
            .local
            .tasks
            .borrow_mut()
            .drain()
            .map(|(_, t)| t)
            .collect();
        for task in tasks {
            let future = task.future.borrow_mut().take();
            drop(future);
            task.completion.fail(JoinError::cancelled(task.header.id));
        }
        self.shared.reactor.shutdown();
    }
}
// ANCHOR_END: drop
