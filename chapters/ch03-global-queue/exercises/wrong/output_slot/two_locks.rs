// Wrong: checks for the value under one lock and stores the waker under
// another. A `complete` that runs between the two finds no waker to wake,
// and this poll then stores its waker and returns Pending: nobody will ever
// wake it. A lost wake-up, and a rare one: the window is a few instructions.

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
            if inner.completed {
                return; // `value` is dropped here, after the lock is released.
            }
            inner.completed = true;
            inner.value = Some(value);
            inner.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn poll_take(&self, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(value) = lock(&self.inner).value.take() {
            return Poll::Ready(value);
        }
        lock(&self.inner).waker = Some(cx.waker().clone());
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
