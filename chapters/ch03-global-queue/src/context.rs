//! Which runtime this thread belongs to, so `spawn` needs no argument.
//!
//! Worker threads are inside their runtime's context for their whole life;
//! the thread that calls `Runtime::block_on` is inside it until `block_on`
//! returns. This is how tokio's free `tokio::spawn` finds its runtime too.
// loom's `thread_local!` takes no `const { .. }` initialisers, so ours
// cannot either.
#![allow(clippy::missing_const_for_thread_local)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;

use crate::join::JoinHandle;
use crate::runtime::Handle;
use crate::schedule::Schedule;

crate::sync::thread_local! {
    static CURRENT: RefCell<Option<Arc<Handle>>> = RefCell::new(None);
    /// Set on worker threads: (address of the worker's scheduler, index).
    /// The address tells two runtimes' workers apart.
    static WORKER: Cell<Option<(usize, usize)>> = Cell::new(None);
    /// Set while this thread is inside `Runtime::block_on` (of any runtime).
    static BLOCKING: Cell<bool> = Cell::new(false);
}

/// Restores the previous context when dropped.
pub struct EnterGuard {
    previous: Option<Arc<Handle>>,
}

/// Makes `handle` this thread's current runtime until the guard is dropped.
pub fn enter(handle: Arc<Handle>) -> EnterGuard {
    let previous = CURRENT.with(|current| current.replace(Some(handle)));
    EnterGuard { previous }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

/// The current runtime's handle, if this thread is inside one.
pub fn try_current() -> Option<Arc<Handle>> {
    CURRENT.with(|current| current.borrow().clone())
}

/// Calls `f` with the current runtime's handle, without cloning the `Arc`:
/// a clone is an atomic increment on a counter every thread of the runtime
/// shares, which a hot path should not pay for.
pub fn with_current<R>(f: impl FnOnce(Option<&Arc<Handle>>) -> R) -> R {
    CURRENT.with(|current| f(current.borrow().as_ref()))
}

// ANCHOR: spawn
/// Spawns a task on the current runtime.
///
/// # Panics
/// Outside a runtime: on a thread that is neither a worker nor inside
/// `Runtime::block_on`.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match try_current() {
        Some(handle) => handle.spawn(future),
        None => panic!(
            "spawn called outside a runtime: call it from a task or from inside \
             Runtime::block_on, or use Runtime::spawn"
        ),
    }
}
// ANCHOR_END: spawn

fn address_of<S: Schedule>(scheduler: &S) -> usize {
    scheduler as *const S as usize
}

/// Marks this thread as worker `index` of `scheduler`.
pub(crate) fn set_worker<S: Schedule>(scheduler: &S, index: usize) {
    WORKER.with(|worker| worker.set(Some((address_of(scheduler), index))));
}

/// This thread's worker index, if it is a worker of `scheduler` (and not of
/// some other runtime in the same process).
pub fn worker_index<S: Schedule>(scheduler: &S) -> Option<usize> {
    match WORKER.with(Cell::get) {
        Some((address, index)) if address == address_of(scheduler) => Some(index),
        _ => None,
    }
}

/// Whether this thread is a worker of any runtime.
pub fn in_worker() -> bool {
    WORKER.with(Cell::get).is_some()
}

// ANCHOR: blocking
/// Marks this thread as inside `Runtime::block_on` until the guard is
/// dropped, which also happens when the future panics and unwinds.
///
/// # Panics
/// If the thread is inside `block_on` already.
pub(crate) fn enter_block_on() -> BlockingGuard {
    let nested = BLOCKING.with(|blocking| blocking.replace(true));
    // A nested call gets no guard: the flag belongs to the outer call,
    // whose guard resets it once the outer call returns or unwinds.
    assert!(
        !nested,
        "Runtime::block_on called inside Runtime::block_on: this thread \
         already runs a future and would stop polling it; .await the inner \
         future, or spawn it and .await its JoinHandle"
    );
    BlockingGuard(())
}

pub(crate) struct BlockingGuard(());

impl Drop for BlockingGuard {
    fn drop(&mut self) {
        BLOCKING.with(|blocking| blocking.set(false));
    }
}
// ANCHOR_END: blocking
