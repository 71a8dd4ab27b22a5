//! Chapter 13: a cooperative budget.
//!
//! Chapter 12's runtime, unchanged, with every task's future wrapped so that
//! each poll starts with a budget of 128 units ([`coop`]), and chapter 6's
//! sockets wrapped so that each ready operation spends one ([`net`]). A task
//! that finds its socket always ready now yields after 128 operations
//! instead of holding its worker for as long as the data lasts. Chapter 8's
//! channel receivers spend it too ([`sync::mpsc`]).

pub mod coop;
pub mod hog_bench;
pub mod net;
pub mod sync;
pub mod workload;

use std::future::Future;
use std::ops::Deref;

pub use ch12_tuning::{time, yield_now, JoinError, JoinHandle, Schedule, WorkerStats};

/// tokio's names for the budget's public parts.
pub mod task {
    pub use crate::coop::{consume_budget, unconstrained, Unconstrained};
    pub use crate::{spawn, yield_now, JoinError, JoinHandle};
}

use coop::Budgeted;

// ANCHOR: runtime
/// Chapter 12's runtime; only the futures it is given change: each is
/// wrapped in [`Budgeted`], which refills the budget around every poll.
pub struct Runtime {
    inner: ch12_tuning::Runtime,
}

impl Runtime {
    pub fn new(workers: usize) -> Runtime {
        Runtime {
            inner: ch12_tuning::Runtime::new(workers),
        }
    }

    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.inner
            .block_on(Budgeted::when_spent(future, turn_reactor))
    }

    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(Budgeted::when_spent(future, turn_reactor))
    }
}

/// Spawns a budgeted task on the current runtime.
///
/// # Panics
/// Outside a runtime, like chapter 3's `spawn`.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    ch12_tuning::spawn(Budgeted::when_spent(future, turn_reactor))
}
// ANCHOR_END: runtime

// ANCHOR: turn_reactor
/// A task on one of our workers spent its budget and yields. Look at the
/// reactor now, without waiting, as tokio does when a worker has only such
/// yielded tasks: otherwise a worker busy with hogs looks only every 61st
/// task, and the task whose socket just became ready waits that long.
fn turn_reactor() {
    turn_reactor_of::<ch06_reactor::ReactorPark>();
}

/// `turn_reactor` for chapter 12's scheduler over any parker `P`: the
/// hook has to name the scheduler's type to find it behind the handle, and
/// chapter 14's parks in a reactor of its own.
pub fn turn_reactor_of<P: ch12_tuning::WorkerPark>() {
    let Some(handle) = ch03_global_queue::context::try_current() else {
        return;
    };
    let Some(scheduler) = handle.scheduler_as::<ch12_tuning::LifoStealing<P>>() else {
        return;
    };
    if let Some(index) = ch03_global_queue::context::worker_index(&*scheduler) {
        scheduler.park().maintenance(index);
    }
}
// ANCHOR_END: turn_reactor

/// Everything else (stats, the scheduler, the handle) is chapter 12's.
impl Deref for Runtime {
    type Target = ch12_tuning::Runtime;

    fn deref(&self) -> &ch12_tuning::Runtime {
        &self.inner
    }
}
