//! Chapter 8: channels and notification, written on our wakers.
//!
//! - [`oneshot`]: one value, from one task to another.
//! - [`mpsc`]: a bounded queue from many senders to one receiver; a full
//!   queue makes senders wait (back-pressure).
//! - [`notify`]: a wake-up with no value, for one waiter or for all.
//!
//! Nothing here knows which runtime it runs on: a channel only stores
//! wakers and calls them, so it works on chapter 6's runtime, on tokio, or
//! under loom. The runtime is chapter 6's, re-exported for the demo.

pub mod mpsc;
pub mod notify;
pub mod oneshot;
pub mod sync;
pub mod wait_list;

pub use ch06_reactor::{spawn, time, JoinHandle, Runtime};
pub use notify::Notify;
