//! Every atomic, lock, condition variable and thread the scheduler core uses
//! comes from here.
//!
//! With `RUSTFLAGS="--cfg loom"` these become loom's model-checked versions,
//! so the reliability tests can explore every interleaving of the teaching
//! code without a single change to it.

#[cfg(not(loom))]
pub use std::sync::atomic::{
    fence, AtomicBool, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
#[cfg(not(loom))]
pub use std::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub use std::thread;
#[cfg(not(loom))]
pub use std::thread_local;

#[cfg(loom)]
pub use loom::sync::atomic::{
    fence, AtomicBool, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
#[cfg(loom)]
pub use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(loom)]
pub use loom::thread;
/// Under loom every modelled thread runs on one OS thread, so thread-locals
/// must be loom's too.
#[cfg(loom)]
pub use loom::thread_local;

// ANCHOR: lock
/// Locks `mutex`, ignoring poisoning.
///
/// A lock is poisoned only when a thread panics while holding it. User code
/// (a poll, a user value's `Drop`, a `JoinHandle` waiter's waker) runs inside
/// `catch_unwind`, so a user panic never unwinds through one of our guards,
/// and the data behind every lock stays consistent even if one did.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
// ANCHOR_END: lock

/// Waits on `condvar`, ignoring poisoning for the same reason as [`lock`].
pub fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
