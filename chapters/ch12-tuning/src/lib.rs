//! Chapter 12: tuning the scheduler.
//!
//! Chapter 6's runtime (chapter 5's work stealing, parking in chapter 6's
//! reactor) with one change to the scheduler: tokio's LIFO slot. A task
//! woken or spawned by the task a worker is running goes into a one-task
//! slot that the worker runs next, instead of to the back of its queue.
//! Tasks and join handles are chapter 3's; timers and sockets chapter 6's.

pub mod lifo;
pub mod task;
pub mod task_list;

use std::ops::Deref;

pub use ch03_global_queue::{yield_now, JoinError, JoinHandle, Schedule, WorkerStats};
pub use ch06_reactor::{net, time, ReactorPark};
pub use lifo::{LifoStealing, WorkerPark, MAX_LIFO_POLLS_PER_TICK};
pub use task::spawn;

/// Chapter 6's parker under the LIFO-slot scheduler.
pub type Scheduler = LifoStealing<ReactorPark>;

type Inner = ch03_global_queue::runtime::Runtime<Scheduler>;

// ANCHOR: runtime
/// Chapter 3's runtime shell over [`Scheduler`]. Chapter 6's
/// `Reactor::current` recognises only chapter 6's scheduler type, so this
/// runtime makes its reactor current itself: on each worker (in
/// `run_worker`), in `block_on`, and while it drops its tasks (a socket
/// deregisters itself when dropped). Everything else is the shell's, through
/// `Deref`.
pub struct Runtime {
    /// `None` only inside `drop`.
    inner: Option<Inner>,
}

impl Runtime {
    pub fn new(workers: usize) -> Runtime {
        Runtime {
            inner: Some(Inner::with_task_list(
                workers,
                Box::new(task_list::SlabTasks::new()),
            )),
        }
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        let _entered = self.scheduler().park().enter();
        self.deref().block_on(future)
    }

    /// Spawns a task from outside the runtime, in chapter 12's leaner task
    /// cell (see [`task`]).
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        task::spawn_on(self.handle(), future)
    }
}
// ANCHOR_END: runtime

impl Deref for Runtime {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        self.inner.as_ref().expect("taken only in drop")
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let _entered = inner.scheduler().park().enter();
            drop(inner);
        }
    }
}
