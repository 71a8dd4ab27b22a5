//! Chapter 1: blocking, threads, and what a thread costs.
//!
//! Nothing here is asynchronous yet. This chapter measures the problem that
//! the rest of the book solves: a blocked thread does nothing, and the
//! obvious fix (one thread per job) stops scaling long before ten thousand
//! jobs.

pub mod jobs;
pub mod thread_cost;

pub use jobs::{run_on_threads, run_sequentially, Job, Span};
pub use thread_cost::{measure_thread_cost, MemStatus, ThreadCost};
