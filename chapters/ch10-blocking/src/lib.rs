//! Chapter 10: `spawn_blocking`.
//!
//! A task must not block its worker: while it waits in a system call, every
//! task queued behind it waits too. [`pool`] is a second set of threads for
//! work that blocks: it starts threads when jobs arrive, up to a cap, queues
//! jobs beyond the cap, and lets a thread exit after it has been idle for a
//! while. [`spawn_blocking`] runs a closure there and hands back the same
//! `JoinHandle` a task gives. [`dns`] uses it for the one blocking call
//! chapter 7 had to make before starting its tasks: looking a host name up.
//!
//! The runtime is chapter 6's, unchanged.

pub mod dns;
pub mod pool;
mod task;

pub use ch06_reactor::{spawn, time, yield_now, JoinError, JoinHandle, Runtime};
pub use dns::{lookup_host, resolve};
pub use pool::{spawn_blocking, BlockingPool, Config, PoolStats};
