//! Chapter 12: tuning the scheduler.
//!
//! Chapter 6's runtime (chapter 5's work stealing, parking in chapter 6's
//! reactor) with one change to the scheduler: tokio's LIFO slot. A task
//! woken or spawned by the task a worker is running goes into a one-task
//! slot that the worker runs next, instead of to the back of its queue.
//! Tasks and join handles are chapter 3's. Timers and sockets are not
//! wired up yet: chapter 6's `Reactor::current` finds only its own scheduler.

pub mod lifo;

pub use ch03_global_queue::{spawn, yield_now, JoinError, JoinHandle, Schedule, WorkerStats};
pub use ch06_reactor::ReactorPark;
pub use lifo::{LifoStealing, MAX_LIFO_POLLS_PER_TICK};

// ANCHOR: runtime
/// Chapter 6's parker under the LIFO-slot scheduler.
pub type Scheduler = LifoStealing<ReactorPark>;

/// This chapter's runtime.
pub type Runtime = ch03_global_queue::runtime::Runtime<Scheduler>;
// ANCHOR_END: runtime
