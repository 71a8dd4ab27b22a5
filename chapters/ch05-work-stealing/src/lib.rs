//! Chapter 5: work stealing.
//!
//! Each worker keeps its tasks in a crossbeam-deque `Worker` (its local
//! queue) whose `Stealer` end the other workers hold, so an idle worker can
//! take half of a busy one's queue without a lock. Tasks from outside go to
//! a global `Injector`. Idle workers search, then park through a [`Park`],
//! and a push wakes one only when nobody is already searching.
//! Everything else (tasks, join handles, the runtime shell) is chapter 3's.

pub mod deque;
pub mod idle;
pub mod park;
pub mod work_stealing;

// ANCHOR: runtime
pub use ch03_global_queue::{spawn, yield_now, JoinError, JoinHandle, Schedule, WorkerStats};
pub use ch04_local_queues::GLOBAL_QUEUE_INTERVAL;
pub use park::{CondvarPark, Park};
pub use work_stealing::WorkStealing;

/// This chapter's runtime: chapter 3's shell driven by the work-stealing
/// scheduler, parking idle workers on condition variables.
pub type Runtime = ch03_global_queue::runtime::Runtime<WorkStealing>;
// ANCHOR_END: runtime
