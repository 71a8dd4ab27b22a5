// Wrong: forgets that only the first `complete` counts. A second one
// replaces the value (or refills a slot already taken) and wakes again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use ch03_global_queue::sync::{lock, Mutex};

/// A one-shot slot for one value, shared by whoever completes it and
/// whoever waits for it.
pub struct OutputSlot<T> {
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    /// The value, from `complete` until `poll_take` takes it.
    value: Option<T>,
    /// Set by the first `complete`: later ones are ignored.
    completed: bool,
    /// The waker of the last `poll_take` that found no value.
    waker: Option<Waker>,
}

impl<T> OutputSlot<T> {
    pub fn new() -> Self {
        OutputSlot {
            inner: Mutex::new(Inner {
                value: None,
                completed: false,
                waker: None,
            }),
        }
    }

    pub fn complete(&self, value: T) {
        let waker = {
            let mut inner = lock(&self.inner);
            inner.value = Some(value);
            inner.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn poll_take(&self, cx: &mut Context<'_>) -> Poll<T> {
        let mut inner = lock(&self.inner);
        if let Some(value) = inner.value.take() {
            return Poll::Ready(value);
        }
        let fresh = !inner
            .waker
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()));
        if fresh {
            inner.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl<T> Default for OutputSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A future of the slot's value: what a `JoinHandle` is, minus the task.
pub struct Wait<T> {
    pub slot: Arc<OutputSlot<T>>,
}

impl<T> Future for Wait<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.slot.poll_take(cx)
    }
}
