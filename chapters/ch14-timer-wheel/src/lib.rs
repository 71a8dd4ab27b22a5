//! Chapter 14: a timer wheel.
//!
//! Chapter 13's runtime (chapter 12's LIFO-slot scheduler over chapter 6's
//! reactor, every task on a cooperative budget), whose reactor also drives
//! a hierarchical timer wheel ([`wheel`]): O(1) insert and cancel, and a
//! cancelled timer's memory is free at once. [`time`] has `sleep`,
//! `sleep_until`, `timeout` and `interval` on it. Tasks are chapter 3's,
//! sockets and the budget chapter 13's.

pub mod time;
pub mod wheel;

use std::ops::Deref;

pub use ch03_global_queue::{yield_now, JoinError, JoinHandle, Schedule, WorkerStats};
pub use ch13_budget::{net, task};

use ch05_work_stealing::park::Park;
use ch06_reactor::reactor::EnterGuard;
use ch06_reactor::{Reactor, ReactorPark};
use ch12_tuning::task_list::SlabTasks;
use ch12_tuning::{LifoStealing, WorkerPark};
use ch13_budget::coop::Budgeted;

// ANCHOR: park
/// Chapter 6's parker around a reactor that drives a [`time::WheelDriver`]:
/// the one thing `Park::new` does differently.
pub struct WheelPark(ReactorPark);

impl Park for WheelPark {
    fn new(workers: usize) -> Self {
        // As in chapter 6: `Park::new` cannot fail, and a runtime without
        // its reactor is no runtime.
        let reactor = Reactor::with_timers(Box::new(time::WheelDriver::new()))
            .unwrap_or_else(|error| panic!("the OS refused to create the reactor: {error}"));
        WheelPark(ReactorPark::with_reactor(workers, reactor))
    }
    fn park(&self, index: usize) {
        self.0.park(index)
    }
    fn unpark(&self, index: usize) {
        self.0.unpark(index)
    }
    fn maintenance(&self, index: usize) {
        self.0.maintenance(index)
    }
}

impl WorkerPark for WheelPark {
    type Guard = EnterGuard;
    fn enter(&self) -> EnterGuard {
        self.0.reactor().enter()
    }
}
// ANCHOR_END: park

impl WheelPark {
    pub fn reactor(&self) -> &std::sync::Arc<Reactor> {
        self.0.reactor()
    }
}

/// Chapter 12's scheduler, parking in the wheel's reactor.
pub type Scheduler = LifoStealing<WheelPark>;

type Inner = ch03_global_queue::runtime::Runtime<Scheduler>;

// ANCHOR: runtime
/// Chapter 3's runtime shell over [`Scheduler`]. As in chapter 12, it makes
/// its reactor current in `block_on` and while it drops its tasks (the
/// workers do it in `run_worker`); as in chapter 13, every future it is
/// given runs on a budget.
pub struct Runtime {
    /// `None` only inside `drop`.
    inner: Option<Inner>,
}

impl Runtime {
    pub fn new(workers: usize) -> Runtime {
        Runtime {
            inner: Some(Inner::with_task_list(workers, Box::new(SlabTasks::new()))),
        }
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        let _entered = self.scheduler().park().enter();
        self.deref()
            .block_on(Budgeted::when_spent(future, turn_reactor))
    }

    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        ch12_tuning::task::spawn_on(self.handle(), Budgeted::when_spent(future, turn_reactor))
    }

    /// The wheel this runtime's timers are in.
    pub fn wheel(&self) -> &time::WheelDriver {
        self.scheduler()
            .park()
            .reactor()
            .timers::<time::WheelDriver>()
            .expect("WheelPark::new gives the reactor a wheel")
    }
}
// ANCHOR_END: runtime

/// Spawns a budgeted task on the current runtime.
///
/// # Panics
/// Outside a runtime, like chapter 3's `spawn`.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    ch12_tuning::spawn(Budgeted::when_spent(future, turn_reactor))
}

/// Chapter 13's hook for a task that spent its budget (a look at the
/// reactor, and so the wheel, without waiting), for our parker.
fn turn_reactor() {
    ch13_budget::turn_reactor_of::<WheelPark>();
}

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
