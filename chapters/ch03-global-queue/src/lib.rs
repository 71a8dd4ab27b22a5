//! Chapter 3: a multi-threaded runtime with one global run queue.
//!
//! The pieces, named as in the article: the [`Runtime`] owns the worker
//! threads (the executor); the scheduler ([`GlobalQueue`]) holds runnable
//! tasks in one FIFO queue; each worker loops taking a task and polling it;
//! a [`task`] is a spawned future with its state and output slot.
//! Later chapters replace the scheduler and keep the rest.

pub mod context;
pub mod global_queue;
pub mod join;
pub mod litmus;
pub mod one_thread;
pub mod runtime;
pub mod schedule;
pub mod state;
pub mod stats;
pub mod sync;
pub mod task;
pub mod testing;
pub mod trace;
pub mod yield_now;

pub use context::spawn;
pub use global_queue::GlobalQueue;
pub use join::{JoinError, JoinHandle};
pub use schedule::Schedule;
pub use stats::WorkerStats;
pub use yield_now::yield_now;

/// This chapter's runtime: the shell driven by the global-queue scheduler.
pub type Runtime = runtime::Runtime<GlobalQueue>;
