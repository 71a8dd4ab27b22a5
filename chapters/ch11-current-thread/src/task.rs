//! A task on one thread: its future (not `Send`, never shared), the part a
//! waker needs (`Send + Sync`), and the cell its `JoinHandle` waits on.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Wake, Waker};

use ch03_global_queue::join::Join;
use ch03_global_queue::sync::lock;
use ch03_global_queue::task::TaskId;
use ch03_global_queue::JoinError;

use crate::runtime::Shared;

// ANCHOR: task
/// What the runtime thread keeps of a task. Held in an `Rc` by the runtime
/// only: the future is not `Send`, so nothing here ever crosses a thread.
pub(crate) struct LocalTask {
    pub(crate) header: Arc<Header>,
    pub(crate) future: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    pub(crate) completion: Arc<dyn Completion>,
}

/// What a waker holds: enough to queue the task again, from any thread.
pub(crate) struct Header {
    pub(crate) id: TaskId,
    /// Already in the queue of woken tasks: a second wake adds nothing.
    pub(crate) scheduled: AtomicBool,
    /// Weak, so a waker kept somewhere does not keep the runtime alive.
    pub(crate) shared: Weak<Shared>,
}
// ANCHOR_END: task

impl Wake for Header {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return; // queued already
        }
        // On the runtime's own thread (a task waking a task, the reactor's
        // wakers): its local queue, no lock. From anywhere else: the inbox.
        if crate::context::wake_local(self.shared.as_ptr(), self.id) {
            return;
        }
        if let Some(shared) = self.shared.upgrade() {
            shared.wake_task(self.id);
        }
    }
}

/// The runtime's view of a task's `JoinCell`, whatever its output type.
pub(crate) trait Completion {
    /// `abort` was called on the handle.
    fn abort_requested(&self) -> bool;
    /// The task ended without an output: it panicked or was cancelled.
    fn fail(&self, error: JoinError);
}

/// Where a task's output waits for its `JoinHandle`. Behind an `Arc` and a
/// mutex because chapter 3's `JoinHandle` is `Send`: it may be awaited on
/// another thread, by a task of another runtime.
pub(crate) struct JoinCell<T> {
    header: Arc<Header>,
    slot: Mutex<Slot<T>>,
    abort: AtomicBool,
}

struct Slot<T> {
    output: Option<Result<T, JoinError>>,
    waker: Option<Waker>,
    finished: bool,
    detached: bool,
}

impl<T: Send + 'static> JoinCell<T> {
    pub(crate) fn new(header: Arc<Header>) -> Self {
        JoinCell {
            header,
            slot: Mutex::new(Slot {
                output: None,
                waker: None,
                finished: false,
                detached: false,
            }),
            abort: AtomicBool::new(false),
        }
    }

    /// Stores the result (first one wins) and wakes whoever awaits it.
    pub(crate) fn complete(&self, result: Result<T, JoinError>) {
        let mut slot = lock(&self.slot);
        if slot.finished {
            return;
        }
        slot.finished = true;
        if slot.detached {
            drop(slot);
            drop(result); // user code: not under our lock
            return;
        }
        slot.output = Some(result);
        let waker = slot.waker.take();
        drop(slot);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T: Send + 'static> Completion for JoinCell<T> {
    fn abort_requested(&self) -> bool {
        self.abort.load(Ordering::Acquire)
    }

    fn fail(&self, error: JoinError) {
        self.complete(Err(error));
    }
}

impl<T: Send + 'static> Join<T> for JoinCell<T> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let mut slot = lock(&self.slot);
        if let Some(result) = slot.output.take() {
            return Poll::Ready(result);
        }
        assert!(
            !slot.finished,
            "JoinHandle polled after it returned its result"
        );
        match &slot.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Asks the runtime thread to drop the future: the flag, then a wake-up
    /// so the thread looks at the task (and sees the flag) soon.
    fn abort(self: Arc<Self>) {
        self.abort.store(true, Ordering::Release);
        self.header.wake_by_ref();
    }

    fn detach(&self) {
        let mut slot = lock(&self.slot);
        slot.detached = true;
        let output = slot.output.take();
        drop(slot);
        drop(output);
    }

    fn is_finished(&self) -> bool {
        lock(&self.slot).finished
    }

    fn id(&self) -> TaskId {
        self.header.id
    }
}

/// A waker for `header`. `Waker::from` needs the `Arc`; a clone is one
/// atomic increment.
pub(crate) fn waker(header: &Arc<Header>) -> Waker {
    Waker::from(header.clone())
}
