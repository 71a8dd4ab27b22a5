//! Chapter 4: a local queue per worker.
//!
//! Each worker keeps the tasks it spawns and wakes in a queue of its own,
//! refilled in batches from the global queue when it runs dry. It takes the
//! global lock far less often than chapter 3 did, but nobody else can take
//! work from a busy worker's queue: that is what chapter 5 adds.
//! Everything else (tasks, join handles, the runtime shell) is chapter 3's.

pub mod demo;
pub mod local_queues;

// ANCHOR: runtime
pub use ch03_global_queue::{spawn, yield_now, JoinError, JoinHandle, Schedule, WorkerStats};
pub use local_queues::{LocalQueues, GLOBAL_QUEUE_INTERVAL, REFILL_BATCH};

/// This chapter's runtime: chapter 3's shell driven by local queues.
pub type Runtime = ch03_global_queue::runtime::Runtime<LocalQueues>;
// ANCHOR_END: runtime
