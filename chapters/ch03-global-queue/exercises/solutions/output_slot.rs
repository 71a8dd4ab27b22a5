//! Exercise 3.1: The output slot (book: Chapter 3, section "Exercises").
//!
//! The place where a finished task leaves its output for its `JoinHandle`:
//! the task calls `complete` once, from whichever worker ran it; the
//! handle's `poll` either takes the value or leaves its waker to be woken.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use ch03_global_queue::sync::{lock, Mutex};

// ANCHOR: slot
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
// ANCHOR_END: slot

// ANCHOR: solution
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
        // Outside the lock: `wake` may run anything, even a `poll_take`
        // on this very slot, which would deadlock on a lock we still held.
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn poll_take(&self, cx: &mut Context<'_>) -> Poll<T> {
        let mut inner = lock(&self.inner);
        if let Some(value) = inner.value.take() {
            return Poll::Ready(value);
        }
        // Still under the lock: a `complete` that runs after this line
        // finds the waker and wakes it, one that ran before left the value.
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
// ANCHOR_END: solution

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
