//! A leaner task cell: the task's state is the lock on its future.
//!
//! Chapter 3's cell keeps its future in a `Mutex`: two `lock`ed
//! instructions per poll (lock and unlock) on top of the state's own two
//! (`start_running`, `finish_pending`). The mutex guards nothing the state
//! does not already guard: only the worker that moved the state from
//! SCHEDULED to RUNNING polls the future, and nobody else touches it until
//! that worker moves the state on. So the future sits in an `UnsafeCell`,
//! and that transition is the lock. tokio's task cell does the same.
//!
//! The rest behaves as chapter 3's cell does: the output waits in chapter
//! 3's `OutputSlot`, and waking and the join side follow the same state
//! machine.

use std::cell::UnsafeCell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};

use ch03_global_queue::context;
use ch03_global_queue::join::Join;
use ch03_global_queue::runtime::Handle;
use ch03_global_queue::state::{AfterPoll, State, WakeAction};
use ch03_global_queue::task::{drop_slot, with_runtime, OutputSlot, Runnable, Task, TaskId};
use ch03_global_queue::{JoinError, JoinHandle};
use futures_task::{waker_ref, ArcWake};

// ANCHOR: lean_task
pub(crate) struct LeanTask<F: Future> {
    id: TaskId,
    state: State,
    handle: Weak<Handle>,
    /// Touched only by the thread that holds the task in RUNNING: see
    /// `poll_future` and `cancel`.
    future: UnsafeCell<Option<F>>,
    output: OutputSlot<F::Output>,
    aborted: AtomicBool,
}

// SAFETY: the `UnsafeCell` is the only field that is not `Sync` by itself.
// Its contents are reached by one thread at a time, the one that won the
// state's move to RUNNING, and the state's acquire/release orderings carry
// one poller's writes to the next. The future and its output move between
// threads, hence the `Send` bounds.
unsafe impl<F: Future + Send> Sync for LeanTask<F> where F::Output: Send {}
// ANCHOR_END: lean_task

/// Spawns `future` on the current runtime, in a [`LeanTask`].
///
/// # Panics
/// Outside a runtime, like chapter 3's `spawn`.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match context::try_current() {
        Some(handle) => spawn_on(&handle, future),
        None => panic!(
            "spawn called outside a runtime: call it from a task or from inside \
             Runtime::block_on, or use Runtime::spawn"
        ),
    }
}

/// Spawns `future` on the runtime behind `handle`, in a [`LeanTask`].
pub fn spawn_on<F>(handle: &Arc<Handle>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    handle.spawn_with(|id, runtime| {
        let task = Arc::new(LeanTask {
            id,
            state: State::new_scheduled(),
            handle: runtime,
            future: UnsafeCell::new(Some(future)),
            output: OutputSlot::new(),
            aborted: AtomicBool::new(false),
        });
        (task.clone() as Task, JoinHandle::new(task))
    })
}

impl<F> LeanTask<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // ANCHOR: poll_future
    /// Polls the future once. The caller holds the task in RUNNING.
    fn poll_future(self: &Arc<Self>) -> Option<Result<F::Output, JoinError>> {
        // SAFETY: the caller moved the state to RUNNING, which one thread
        // at a time can do, and the future is not touched outside RUNNING.
        let slot = unsafe { &mut *self.future.get() };
        let Some(future) = slot.as_mut() else {
            return Some(Err(JoinError::cancelled(self.id)));
        };
        if self.aborted.load(Ordering::Acquire) {
            drop_slot(slot);
            return Some(Err(JoinError::cancelled(self.id)));
        }
        let waker = waker_ref(self);
        let mut cx = Context::from_waker(&waker);
        // SAFETY: the future stays in this allocation until `drop_slot`
        // drops it in place; it is never moved out.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = match catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
            Ok(Poll::Pending) => return None,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(panic) => Err(JoinError::panic(self.id, panic)),
        };
        drop_slot(slot);
        Some(result)
    }
    // ANCHOR_END: poll_future

    fn schedule(self: &Arc<Self>) {
        with_runtime(&self.handle, |handle| {
            handle.scheduler().schedule(self.clone())
        });
    }

    // ANCHOR: reschedule
    /// Queues the task again after a poll that was woken during it. The
    /// worker owns a reference (the one the queue gave it), and hands that
    /// one back to the queue: cloning a new one and dropping the old one
    /// after the poll would be two more `lock`ed instructions per yield.
    fn reschedule(self: Arc<Self>) {
        let runtime = self.handle.as_ptr();
        let not_here = context::with_current(|current| match current {
            Some(handle) if std::ptr::eq(Arc::as_ptr(handle), runtime) => {
                handle.scheduler().schedule(self);
                None
            }
            _ => Some(self),
        });
        if let Some(task) = not_here {
            if let Some(handle) = task.handle.upgrade() {
                handle.scheduler().schedule(task);
            }
        }
    }
    // ANCHOR_END: reschedule

    fn finish(&self, result: Result<F::Output, JoinError>) {
        self.output.finish(result, || self.state.complete());
    }
}

// ANCHOR: run
impl<F> Runnable for LeanTask<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn id(&self) -> TaskId {
        self.id
    }

    fn run(self: Arc<Self>) {
        if !self.state.start_running() {
            return;
        }
        match self.poll_future() {
            None => {
                if self.state.finish_pending() == AfterPoll::Reschedule {
                    self.reschedule();
                }
            }
            Some(result) => {
                with_runtime(&self.handle, |handle| handle.forget_task(self.id));
                self.finish(result);
            }
        }
    }

    /// Called by the runtime shell only where no worker runs the task: on a
    /// task refused at spawn, or at shutdown after the workers have stopped.
    fn cancel(&self) {
        // An idle task becomes SCHEDULED; a queued one already is. Either
        // way, winning the move to RUNNING gives us the future.
        let _ = self.state.wake();
        if self.state.start_running() {
            // SAFETY: we hold the task in RUNNING.
            drop_slot(unsafe { &mut *self.future.get() });
            self.finish(Err(JoinError::cancelled(self.id)));
        } else {
            // Someone else is polling it, which the shell never allows
            // here; the flag makes its next poll drop the future, and the
            // future is not touched from this thread.
            self.aborted.store(true, Ordering::Release);
        }
    }
}
// ANCHOR_END: run

impl<F> ArcWake for LeanTask<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn wake_by_ref(arc_self: &Arc<Self>) {
        if arc_self.state.wake() == WakeAction::Schedule {
            arc_self.schedule();
        }
    }
}

impl<F> Join<F::Output> for LeanTask<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        self.output.poll_join(cx)
    }

    fn abort(self: Arc<Self>) {
        self.aborted.store(true, Ordering::Release);
        ArcWake::wake_by_ref(&self);
    }

    fn detach(&self) {
        self.output.detach();
    }

    fn is_finished(&self) -> bool {
        self.state.is_complete()
    }

    fn id(&self) -> TaskId {
        self.id
    }
}
