//! A task: one spawned future, its state, and the slot its output goes to.
//!
//! Everything about one task lives in one heap allocation, a [`TaskCell`].
//! The run queue holds it as a [`Task`] (the future's type erased), the waker
//! is a pointer to it, and the [`JoinHandle`] reads the output from it.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Waker};

use futures_task::{waker_ref, ArcWake};

use crate::context;
use crate::join::{Join, JoinError, JoinHandle};
use crate::runtime::{Handle, ListSlot};
use crate::state::{AfterPoll, State, WakeAction};
use crate::sync::{lock, AtomicBool, Mutex, Ordering};

/// Tasks are numbered from 1 in spawn order, per runtime.
pub type TaskId = u64;

// ANCHOR: runnable
/// What a scheduler sees of a task: something it can run, with the future's
/// type erased so one queue can hold every kind of task.
pub trait Runnable: Send + Sync + 'static {
    fn id(&self) -> TaskId;
    /// Polls the future once. If a wake-up arrives during the poll the task
    /// schedules itself again; if the future finishes, its output is stored
    /// for the `JoinHandle`.
    fn run(self: Arc<Self>);
    /// Drops the future without polling it (runtime shutdown).
    fn cancel(&self);
    /// Where the runtime's task list put the task, for a list that finds
    /// tasks by position rather than by id (chapter 12's). `None` for
    /// stand-ins that tests push onto queues without spawning them.
    fn list_slot(&self) -> Option<&ListSlot> {
        None
    }
}

pub type Task = Arc<dyn Runnable>;
// ANCHOR_END: runnable

// ANCHOR: task_cell
pub(crate) struct TaskCell<F: Future> {
    id: TaskId,
    state: State,
    /// Weak, so a task does not keep its runtime alive: once the runtime is
    /// dropped, waking a leftover waker does nothing.
    handle: Weak<Handle>,
    /// `None` once the future finished, panicked or was cancelled. The future
    /// is pinned here: polled and dropped in place, never moved out.
    future: Mutex<Option<F>>,
    output: OutputSlot<F::Output>,
    aborted: AtomicBool,
    slot: ListSlot,
}

/// Where a task's result waits for its `JoinHandle`.
pub(crate) struct OutputSlot<T>(Mutex<JoinSlot<T>>);

struct JoinSlot<T> {
    result: Option<Result<T, JoinError>>,
    /// The waker of whoever awaits the `JoinHandle`.
    waker: Option<Waker>,
    taken: bool,
    /// The `JoinHandle` was dropped: nobody will ever take the output.
    detached: bool,
}
// ANCHOR_END: task_cell

impl<F> TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// Builds the task; the caller must schedule the returned `Task` once.
    // Not `Self`: one cell, handed out twice, as the queue's `Task` and
    // behind the `JoinHandle`.
    #[allow(clippy::new_ret_no_self)]
    pub(crate) fn new(
        id: TaskId,
        future: F,
        handle: Weak<Handle>,
    ) -> (Task, JoinHandle<F::Output>) {
        let cell = Arc::new(TaskCell {
            id,
            state: State::new_scheduled(),
            handle,
            future: Mutex::new(Some(future)),
            output: OutputSlot::new(),
            aborted: AtomicBool::new(false),
            slot: ListSlot::default(),
        });
        let join = JoinHandle::new(cell.clone());
        (cell, join)
    }

    // ANCHOR: schedule
    /// Pushes the task onto its runtime's queue.
    fn schedule(self: &Arc<Self>) {
        with_runtime(&self.handle, |handle| {
            handle.scheduler().schedule(self.clone())
        });
    }
    // ANCHOR_END: schedule

    // ANCHOR: poll_future
    /// Polls the future once, catching a panic. `None` means `Pending`.
    fn poll_future(self: &Arc<Self>) -> Option<Result<F::Output, JoinError>> {
        let waker = waker_ref(self);
        let mut cx = Context::from_waker(&waker);
        let mut slot = lock(&self.future);
        let Some(future) = slot.as_mut() else {
            return Some(Err(JoinError::cancelled(self.id)));
        };
        if self.aborted.load(Ordering::Acquire) {
            drop_slot(&mut slot);
            return Some(Err(JoinError::cancelled(self.id)));
        }
        // SAFETY: the future lives in this task's heap allocation and is
        // never moved out of `slot`: it is polled here and dropped in place
        // by `drop_slot`. That is exactly the promise `Pin` asks for.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = match catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
            Ok(Poll::Pending) => return None,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(panic) => Err(JoinError::panic(self.id, panic)),
        };
        // Drop the finished future now, not when the last waker goes away:
        // it may hold sockets, locks or large buffers.
        drop_slot(&mut slot);
        Some(result)
    }
    // ANCHOR_END: poll_future

    /// Stores the result for the `JoinHandle`, marks the task COMPLETE and
    /// wakes whoever awaits it.
    fn finish(&self, result: Result<F::Output, JoinError>) {
        self.output.finish(result, || self.state.complete());
    }
}

impl<T> OutputSlot<T> {
    pub fn new() -> Self {
        OutputSlot(Mutex::new(JoinSlot {
            result: None,
            waker: None,
            taken: false,
            detached: false,
        }))
    }

    // ANCHOR: poll_join
    pub fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let mut out = lock(&self.0);
        if let Some(result) = out.result.take() {
            out.taken = true;
            return Poll::Ready(result);
        }
        assert!(!out.taken, "JoinHandle polled after it returned Ready");
        // Store the waker before releasing the lock: `finish` takes it under
        // the same lock, so a result cannot slip in unseen.
        if !out.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            out.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
    // ANCHOR_END: poll_join

    // ANCHOR: finish
    /// Stores the result for the `JoinHandle` and wakes whoever awaits it;
    /// `complete` marks the task's state COMPLETE.
    pub fn finish(&self, result: Result<T, JoinError>, complete: impl FnOnce()) {
        let mut unwanted = None;
        let waker = {
            let mut out = lock(&self.0);
            if out.result.is_none() && !out.taken && !out.detached {
                out.result = Some(result);
            } else {
                unwanted = Some(result);
            }
            // COMPLETE only once the output is in the slot, so a handle
            // that sees `is_finished()` finds it there; and under the
            // slot's lock, so a handle that took the output sees COMPLETE.
            complete();
            out.waker.take()
        };
        // An output nobody will take (the JoinHandle is gone) is dropped
        // here, where a panic in its `Drop` is caught, instead of wherever
        // the last reference to the task happens to go: on a worker, that
        // panic would end the thread.
        drop_slot(&mut unwanted);
        // Wake outside the lock: the waker may run arbitrary code. It is
        // the awaiting side's waker, not ours, so it may also panic; that
        // panic is the waker's business and must not end this thread.
        if let Some(waker) = waker {
            catch_user_panic(|| waker.wake());
        }
    }
    // ANCHOR_END: finish

    /// The `JoinHandle` was dropped: drop the output now if it is there,
    /// and as soon as it arrives otherwise.
    pub fn detach(&self) {
        let (mut output, waker) = {
            let mut out = lock(&self.0);
            out.detached = true;
            (out.result.take(), out.waker.take())
        };
        // Dropped outside the lock. Whoever dropped the handle said it does
        // not want the output, so a panic in the output's `Drop` is
        // swallowed here, as it is when a worker drops it in `finish`
        // (tokio does the same).
        drop_slot(&mut output);
        drop(waker);
    }
}

impl<T> Default for OutputSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: with_runtime
/// Runs `f` with the runtime `runtime` points to, unless it is gone (then
/// its tasks' futures are gone too, and there is nothing left to do).
/// Public for chapter 12's task cell.
pub fn with_runtime(runtime: &Weak<Handle>, f: impl FnOnce(&Arc<Handle>)) {
    // Most calls happen on a thread of the task's own runtime (a worker,
    // or `block_on`'s thread), whose handle is in the context thread-local.
    // Using it leaves the handle's reference count alone: upgrading the
    // `Weak` and dropping the `Arc` again would change that count, which
    // every task of the runtime shares, twice per call.
    let not_here = context::with_current(|current| match current {
        Some(handle) if std::ptr::eq(Arc::as_ptr(handle), runtime.as_ptr()) => {
            f(handle);
            None
        }
        _ => Some(f),
    });
    // Elsewhere (another runtime, a thread of the program's own), upgrade.
    if let Some(f) = not_here {
        if let Some(handle) = runtime.upgrade() {
            f(&handle);
        }
    }
}
// ANCHOR_END: with_runtime

// ANCHOR: drop_slot
/// Empties a slot (the future's, or an output nobody will take), dropping
/// its value in place. A panic inside the value's `Drop` is caught: it must
/// not take the worker thread down. (Not `std::ptr::drop_in_place`, which
/// is `unsafe` and leaves the slot holding a dropped value.) Assigning `None`
/// still happens if the old value's drop panics, so the slot ends up empty.
pub fn drop_slot<F>(slot: &mut Option<F>) {
    catch_user_panic(|| *slot = None);
}
// ANCHOR_END: drop_slot

// ANCHOR: catch_user_panic
/// Runs user code that is not a poll (a `Drop`, a foreign waker) so that a
/// panic in it cannot unwind into the runtime: it is caught, and its
/// payload dropped with [`drop_payload`].
pub fn catch_user_panic(f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        drop_payload(payload);
    }
}

/// Drops a panic payload. The payload is a user value too, and its `Drop`
/// may panic in turn. The payload of that second panic is leaked rather
/// than dropped: dropping it could panic again, and so on without end.
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(second) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
        std::mem::forget(second);
    }
}
// ANCHOR_END: catch_user_panic

// ANCHOR: run
impl<F> Runnable for TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn id(&self) -> TaskId {
        self.id
    }

    fn run(self: Arc<Self>) {
        if !self.state.start_running() {
            return; // cancelled while it sat in a queue
        }
        match self.poll_future() {
            None => {
                if self.state.finish_pending() == AfterPoll::Reschedule {
                    self.schedule();
                }
            }
            Some(result) => {
                with_runtime(&self.handle, |handle| handle.forget_task(&*self));
                self.finish(result);
            }
        }
    }

    fn cancel(&self) {
        drop_slot(&mut lock(&self.future));
        self.finish(Err(JoinError::cancelled(self.id)));
    }

    fn list_slot(&self) -> Option<&ListSlot> {
        Some(&self.slot)
    }
}
// ANCHOR_END: run

// ANCHOR: waker
impl<F> ArcWake for TaskCell<F>
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
// ANCHOR_END: waker

impl<F> Join<F::Output> for TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        self.output.poll_join(cx)
    }

    fn abort(self: Arc<Self>) {
        self.aborted.store(true, Ordering::Release);
        // The next poll sees the flag and drops the future instead.
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
