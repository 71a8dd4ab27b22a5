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
//! The output goes where the future was ([`Stage`]), since a task never
//! holds both, and only the join side's waker keeps a lock. Waking and the
//! join side follow chapter 3's state machine.

use std::cell::UnsafeCell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Waker};

use ch03_global_queue::context;
use ch03_global_queue::join::Join;
use ch03_global_queue::runtime::Handle;
use ch03_global_queue::runtime::ListSlot;
use ch03_global_queue::state::{AfterPoll, State, WakeAction};
use ch03_global_queue::sync::{lock, Mutex};
use ch03_global_queue::task::{catch_user_panic, drop_slot, with_runtime, Runnable, Task, TaskId};
use ch03_global_queue::{JoinError, JoinHandle};
use futures_task::{waker_ref, ArcWake};

// ANCHOR: lean_task
pub(crate) struct LeanTask<F: Future> {
    id: TaskId,
    state: State,
    aborted: AtomicBool,
    /// The `JoinHandle` was dropped. Changed under `join_waker`'s lock.
    detached: AtomicBool,
    slot: ListSlot,
    handle: Weak<Handle>,
    /// Touched by the thread that holds the task in RUNNING, and once the
    /// task is COMPLETE by the join side, under `join_waker`'s lock.
    stage: UnsafeCell<Stage<F>>,
    /// The waker of whoever awaits the `JoinHandle`.
    join_waker: Mutex<Option<Waker>>,
}

// SAFETY: the `UnsafeCell` is the only field that is not `Sync` by itself.
// Its contents are reached by one thread at a time: the one that won the
// state's move to RUNNING, or, after COMPLETE, the join side holding the
// lock that `finish` held when it set COMPLETE. The state's acquire/release
// orderings and that lock carry the writes from one to the next. The
// future and its output move between threads, hence the `Send` bounds.
unsafe impl<F: Future + Send> Sync for LeanTask<F> where F::Output: Send {}
// ANCHOR_END: lean_task

// ANCHOR: stage
/// What the cell holds: the future until it finishes, then its output until
/// the `JoinHandle` takes it. A task never needs both, so they share the
/// room: the cell is as large as the larger of the two, not their sum.
enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    /// The future is dropped and the output taken, or nobody wanted it.
    Consumed,
}
// ANCHOR_END: stage

/// Empties `stage`, catching a panic in the `Drop` of what it held (the
/// assignment still happens if that drop panics).
fn drop_stage<F: Future>(stage: &mut Stage<F>) {
    catch_user_panic(|| *stage = Stage::Consumed);
}

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
            aborted: AtomicBool::new(false),
            detached: AtomicBool::new(false),
            slot: ListSlot::default(),
            handle: runtime,
            stage: UnsafeCell::new(Stage::Running(future)),
            join_waker: Mutex::new(None),
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
        // at a time can do, and the stage is not touched outside RUNNING
        // until the task is COMPLETE.
        let stage = unsafe { &mut *self.stage.get() };
        let Stage::Running(future) = stage else {
            return Some(Err(JoinError::cancelled(self.id)));
        };
        if self.aborted.load(Ordering::Acquire) {
            drop_stage(stage);
            return Some(Err(JoinError::cancelled(self.id)));
        }
        let waker = waker_ref(self);
        let mut cx = Context::from_waker(&waker);
        // SAFETY: the future stays in this allocation until `drop_stage`
        // drops it in place; it is never moved out.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = match catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
            Ok(Poll::Pending) => return None,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(panic) => Err(JoinError::panic(self.id, panic)),
        };
        drop_stage(stage);
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

    // ANCHOR: finish
    /// Hands the output to the join side. The caller holds the task in
    /// RUNNING and has dropped the future, so the stage is empty.
    fn finish(&self, result: Result<F::Output, JoinError>) {
        let mut unwanted = None;
        let waker = {
            let mut join_waker = lock(&self.join_waker);
            if self.detached.load(Ordering::Relaxed) {
                unwanted = Some(result);
            } else {
                // SAFETY: still RUNNING, so the stage is ours; the join
                // side reads it only after COMPLETE, under this lock.
                unsafe { *self.stage.get() = Stage::Finished(result) };
            }
            self.state.complete();
            join_waker.take()
        };
        // As in chapter 3's `finish`: an unwanted output is dropped here,
        // where a panic in its `Drop` is caught, and so is one in the waker.
        drop_slot(&mut unwanted);
        if let Some(waker) = waker {
            catch_user_panic(|| waker.wake());
        }
    }
    // ANCHOR_END: finish

    /// The output, if the task is COMPLETE; the caller holds `join_waker`.
    fn take_output(&self) -> Option<Stage<F>> {
        if !self.state.is_complete() {
            return None;
        }
        // SAFETY: COMPLETE, so no worker touches the stage again, and the
        // join side (the caller) holds the lock `finish` wrote it under.
        let stage = unsafe { &mut *self.stage.get() };
        Some(std::mem::replace(stage, Stage::Consumed))
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
                with_runtime(&self.handle, |handle| handle.forget_task(&*self));
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
            drop_stage(unsafe { &mut *self.stage.get() });
            self.finish(Err(JoinError::cancelled(self.id)));
        } else {
            // Someone else is polling it, which the shell never allows
            // here; the flag makes its next poll drop the future, and the
            // future is not touched from this thread.
            self.aborted.store(true, Ordering::Release);
        }
    }

    fn list_slot(&self) -> Option<&ListSlot> {
        Some(&self.slot)
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
    // ANCHOR: poll_join
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        let mut join_waker = lock(&self.join_waker);
        match self.take_output() {
            Some(Stage::Finished(result)) => return Poll::Ready(result),
            Some(_) => panic!("JoinHandle polled after it returned Ready"),
            None => {}
        }
        // Stored under the lock `finish` takes before it sets COMPLETE, so
        // the output cannot slip in between the look and the store.
        if !join_waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *join_waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
    // ANCHOR_END: poll_join

    fn abort(self: Arc<Self>) {
        self.aborted.store(true, Ordering::Release);
        ArcWake::wake_by_ref(&self);
    }

    fn detach(&self) {
        let (mut output, waker) = {
            let mut join_waker = lock(&self.join_waker);
            self.detached.store(true, Ordering::Relaxed);
            (self.take_output(), join_waker.take())
        };
        // Dropped outside the lock, a panic in the output's `Drop`
        // swallowed, as chapter 3's `detach` does.
        drop_slot(&mut output);
        drop(waker);
    }

    fn is_finished(&self) -> bool {
        self.state.is_complete()
    }

    fn id(&self) -> TaskId {
        self.id
    }
}
