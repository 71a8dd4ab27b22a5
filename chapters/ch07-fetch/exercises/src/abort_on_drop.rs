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

impl<F: Future> Future for Abortable<F> {
    type Output = Result<F::Output, Aborted>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: aborted? Then drop the inner future and finish. Otherwise
        // leave a way to be woken, and poll the inner future.
        let _ = (&mut self, cx, lock);
        todo!("Exercise 7.4 (abort_on_drop): see the book, Chapter 7, \"Exercise 7.4: Abort an idle task\"")
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        // TODO: mark the future aborted, so that its task drops it soon.
        // (No `todo!()` here: a panic in a `drop` that runs while a failed
        // test unwinds would abort the whole test run.)
        let _ = &self.shared;
    }
}
