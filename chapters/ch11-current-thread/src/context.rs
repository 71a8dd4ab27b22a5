//! The runtime this thread is running, so `spawn_local` needs no argument.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use ch03_global_queue::task::TaskId;
use ch03_global_queue::JoinHandle;

use crate::runtime::{spawn_local_on, Local, Shared};

std::thread_local! {
    static CURRENT: RefCell<Option<(Arc<Shared>, Rc<Local>)>> = const { RefCell::new(None) };
}

/// Leaves the runtime's context when dropped.
pub(crate) struct EnterGuard(());

/// Makes this runtime the thread's current one, for the span of a `block_on`.
pub(crate) fn enter(shared: Arc<Shared>, local: Rc<Local>) -> EnterGuard {
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        assert!(
            current.is_none(),
            "Runtime::block_on called inside a block_on on the same thread: \
             the outer runtime could not run while the inner one waits; .await instead"
        );
        *current = Some((shared, local));
    });
    EnterGuard(())
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let left = CURRENT.with(|current| current.borrow_mut().take());
        drop(left);
    }
}

// ANCHOR: spawn_local
/// Spawns a task that need not be `Send` on the current-thread runtime this
/// thread is running. Its output must be `Send`: the `JoinHandle` is
/// chapter 3's, which any thread may await.
///
/// # Panics
/// Outside `Runtime::block_on` of this chapter's runtime.
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    CURRENT.with(move |current| match &*current.borrow() {
        Some((shared, local)) => spawn_local_on(shared, local, future),
        None => panic!(
            "spawn_local called outside a current-thread runtime: \
             call it from a task or from inside Runtime::block_on"
        ),
    })
}
// ANCHOR_END: spawn_local

// ANCHOR: wake_local
/// Queues task `id` on this thread's run queue, without a lock, if this
/// thread is running the runtime `shared` belongs to. False otherwise: the
/// waker then goes through the shared inbox.
pub(crate) fn wake_local(shared: *const Shared, id: TaskId) -> bool {
    CURRENT.with(|current| match &*current.borrow() {
        Some((running, local)) if Arc::as_ptr(running) == shared => {
            local.queue_woken(id);
            true
        }
        _ => false,
    })
}
// ANCHOR_END: wake_local

/// Spawns a `Send` task on the current runtime. On this runtime every task
/// stays on its thread anyway, so this is `spawn_local` with a stricter
/// signature, for code written for multi-threaded runtimes.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_local(future)
}
