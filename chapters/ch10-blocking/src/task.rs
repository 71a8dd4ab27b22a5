//! A blocking job and the cell its `JoinHandle` waits on.
//!
//! The handle is chapter 3's `JoinHandle`: it waits on anything that
//! implements chapter 3's `Join` trait, and [`BlockingCell`] does. So
//! `spawn_blocking` returns the very type `spawn` does, and code that awaits
//! handles (a `JoinSet`, a `select`) cannot tell the two apart.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use ch03_global_queue::join::Join;
use ch03_global_queue::sync::lock;
use ch03_global_queue::task::TaskId;
use ch03_global_queue::JoinError;

/// What the pool queues: run it on a pool thread, or cancel it if the pool
/// shuts down first.
pub(crate) trait Job: Send {
    fn run(self: Box<Self>);
    fn cancel(self: Box<Self>);
}

// ANCHOR: cell
/// Where a blocking job's result waits for its `JoinHandle`.
pub(crate) struct BlockingCell<T> {
    id: TaskId,
    slot: Mutex<Slot<T>>,
}

struct Slot<T> {
    stage: Stage<T>,
    /// The task awaiting the handle, woken when the result is stored.
    waker: Option<Waker>,
    /// The handle was dropped: nobody will read the result.
    detached: bool,
}

enum Stage<T> {
    Queued,
    Running,
    Done(Result<T, JoinError>),
    /// The handle took the result.
    Taken,
}
// ANCHOR_END: cell

/// A closure and the cell its result goes to.
pub(crate) struct BlockingTask<F, T> {
    pub(crate) f: F,
    pub(crate) cell: Arc<BlockingCell<T>>,
}

impl<T: Send + 'static> BlockingCell<T> {
    pub(crate) fn new(id: TaskId) -> Self {
        BlockingCell {
            id,
            slot: Mutex::new(Slot {
                stage: Stage::Queued,
                waker: None,
                detached: false,
            }),
        }
    }

    /// Stores the result and wakes the waiting task, unless an abort got
    /// there first or nobody is waiting.
    fn complete(&self, result: Result<T, JoinError>) {
        let mut slot = lock(&self.slot);
        if slot.detached || !matches!(slot.stage, Stage::Queued | Stage::Running) {
            drop(slot);
            // Dropped outside the lock: T's Drop is user code.
            drop(result);
            return;
        }
        slot.stage = Stage::Done(result);
        let waker = slot.waker.take();
        drop(slot);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

// ANCHOR: run
impl<F, T> Job for BlockingTask<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>) {
        let BlockingTask { f, cell } = *self;
        {
            let mut slot = lock(&cell.slot);
            if !matches!(slot.stage, Stage::Queued) {
                return; // aborted while it waited in the queue
            }
            slot.stage = Stage::Running;
        }
        // A panic in `f` must not take the pool thread with it: it becomes
        // the handle's error, and the thread goes back for the next job.
        let result =
            catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_error(cell.id, payload));
        cell.complete(result);
    }

    fn cancel(self: Box<Self>) {
        self.cell.complete(Err(JoinError::cancelled(self.cell.id)));
    }
}
// ANCHOR_END: run

/// The panic as a `JoinError`. Reading the message drops the payload, and a
/// payload's `Drop` is user code that may panic too; that second panic is
/// caught here so it cannot unwind through the pool thread.
fn panic_error(id: TaskId, payload: Box<dyn Any + Send>) -> JoinError {
    match catch_unwind(AssertUnwindSafe(|| JoinError::panic(id, payload))) {
        Ok(error) => error,
        Err(second) => {
            // Dropping this one could panic again: leak it instead.
            std::mem::forget(second);
            JoinError::panic(id, Box::new("a panic whose payload panicked when dropped"))
        }
    }
}

impl<T: Send + 'static> Join<T> for BlockingCell<T> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let mut slot = lock(&self.slot);
        match std::mem::replace(&mut slot.stage, Stage::Taken) {
            Stage::Done(result) => Poll::Ready(result),
            Stage::Taken => panic!("JoinHandle polled after it returned its result"),
            waiting => {
                slot.stage = waiting;
                match &slot.waker {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    _ => slot.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }

    /// A job still in the queue never runs; one that is running cannot be
    /// stopped (a thread cannot be interrupted) and finishes unobserved.
    fn abort(self: Arc<Self>) {
        let mut slot = lock(&self.slot);
        if !matches!(slot.stage, Stage::Queued) {
            return;
        }
        // Under the same lock as the check, so `run` either sees this and
        // skips the closure, or started it first and this does nothing.
        slot.stage = Stage::Done(Err(JoinError::cancelled(self.id)));
        let waker = slot.waker.take();
        drop(slot);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn detach(&self) {
        let mut slot = lock(&self.slot);
        slot.detached = true;
        let stage = std::mem::replace(&mut slot.stage, Stage::Taken);
        if let Stage::Queued | Stage::Running = stage {
            slot.stage = stage;
            return;
        }
        drop(slot);
        drop(stage); // the unread output, dropped outside the lock
    }

    fn is_finished(&self) -> bool {
        matches!(lock(&self.slot).stage, Stage::Done(_) | Stage::Taken)
    }

    fn id(&self) -> TaskId {
        self.id
    }
}
