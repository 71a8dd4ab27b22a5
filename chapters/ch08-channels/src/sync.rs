//! Chapter 3's locks and atomics (loom's under `--cfg loom`), plus `Arc`,
//! so that a loom model also catches a channel whose shared state leaks.

pub use ch03_global_queue::sync::{lock, Mutex};

#[cfg(loom)]
pub use loom::sync::Arc;
#[cfg(not(loom))]
pub use std::sync::Arc;
