//! Chapter 6: the reactor.
//!
//! Chapter 5's work-stealing scheduler, with a parker that lets one idle
//! worker wait in `mio::Poll` instead of on a condition variable. On top of
//! it: timers ([`time`]) and TCP ([`net`]). Everything else (tasks, join
//! handles, `spawn`) is chapter 3's, unchanged.

pub mod net;
pub mod park;
pub mod reactor;
mod registration;
pub mod scheduled_io;
pub mod time;

pub use ch03_global_queue::{spawn, yield_now, JoinError, JoinHandle, Schedule, WorkerStats};
pub use park::ReactorPark;
pub use reactor::Reactor;

// ANCHOR: runtime
/// Chapter 5's scheduler, parking its idle workers in the reactor.
pub type Scheduler = ch05_work_stealing::WorkStealing<ReactorPark>;

/// This chapter's runtime.
pub type Runtime = ch03_global_queue::runtime::Runtime<Scheduler>;
// ANCHOR_END: runtime
