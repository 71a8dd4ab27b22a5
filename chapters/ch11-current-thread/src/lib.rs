//! Chapter 11: a current-thread runtime.
//!
//! Everything runs on the thread that calls [`Runtime::block_on`]: the
//! future given to it, every task, and the reactor, which that thread turns
//! itself when it has nothing to run. Because tasks never leave that thread,
//! [`spawn_local`] accepts futures that are not `Send` (an `Rc`, a
//! `RefCell`). Wakers can still be called from any thread: a wake-up on the
//! runtime's thread goes onto its local queue, one from elsewhere is queued
//! under a mutex, and a thread asleep in the reactor is woken through the
//! reactor's `mio::Waker`.
//!
//! Chapter 6's reactor, sockets and timers are used unchanged, found through
//! [`ch06_reactor::Reactor::enter`]; the `JoinHandle` is chapter 3's, and
//! `spawn_blocking` is chapter 10's.

mod context;
pub mod runtime;
mod task;

pub use ch03_global_queue::{JoinError, JoinHandle};
pub use ch06_reactor::{net, time, yield_now};
pub use ch10_blocking::spawn_blocking;
pub use context::{spawn, spawn_local};
pub use runtime::{Handle, Runtime, RuntimeStats};
