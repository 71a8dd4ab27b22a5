//! Exercise 7.4: Abort an idle task (book: Chapter 7, section "Exercises").

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// The future was aborted before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aborted;

/// What an [`Abortable`] and its [`AbortOnDrop`] guard share.
#[derive(Default)]
struct Shared {
    aborted: bool,
    /// The waker of the last poll that returned `Pending`.
    waker: Option<Waker>,
}

/// A future that its guard can stop: once aborted, it drops the future it
/// wraps and finishes with `Err(Aborted)`.
pub struct Abortable<F> {
    /// `None` once the inner future finished or was dropped by an abort.
    future: Option<Pin<Box<F>>>,
    shared: Arc<Mutex<Shared>>,
}

/// Aborts its [`Abortable`] when dropped.
pub struct AbortOnDrop {
    shared: Arc<Mutex<Shared>>,
}

/// Wraps `future`; dropping the guard aborts it.
pub fn abortable<F: Future>(future: F) -> (Abortable<F>, AbortOnDrop) {
    let shared = Arc::new(Mutex::new(Shared::default()));
    let abortable = Abortable {
        future: Some(Box::pin(future)),
        shared: shared.clone(),
    };
    (abortable, AbortOnDrop { shared })
}

/// Locks the shared state. A panic while it is held (in a waker's `clone`)
/// leaves a bool and an `Option` that are still consistent.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

// ANCHOR: solution
impl<F: Future> Future for Abortable<F> {
    type Output = Result<F::Output, Aborted>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        {
            let mut shared = lock(&self.shared);
            if shared.aborted {
                drop(shared);
                // Dropped now, not when the task that owns us goes away.
                self.future = None;
                return Poll::Ready(Err(Aborted));
            }
            // Stored under the lock that `abort` takes, so an abort either
            // came before (and we saw the flag) or finds this waker. The
            // latest one: a future may move to another task between polls.
            match &mut shared.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                slot => *slot = Some(cx.waker().clone()),
            }
        }
        let Some(future) = self.future.as_mut() else {
            panic!("Abortable polled after it finished");
        };
        let output = std::task::ready!(future.as_mut().poll(cx));
        self.future = None;
        Poll::Ready(Ok(output))
    }
}

impl Drop for AbortOnDrop {
    /// Marks the future aborted and wakes its task: an idle task is polled
    /// again only if somebody wakes it, and only that poll drops the future.
    fn drop(&mut self) {
        let waker = {
            let mut shared = lock(&self.shared);
            shared.aborted = true;
            shared.waker.take()
        };
        // Woken outside the lock: a waker is foreign code.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}
// ANCHOR_END: solution
