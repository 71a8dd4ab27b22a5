//! Exercise 3.1: The output slot (book: Chapter 3, section "Exercises").
//!
//! The place where a finished task leaves its output for its `JoinHandle`:
//! the task calls `complete` once, from whichever worker ran it; the
//! handle's `poll` either takes the value or leaves its waker to be woken.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use ch03_global_queue::sync::Mutex;

/// A one-shot slot for one value, shared by whoever completes it and
/// whoever waits for it.
pub struct OutputSlot<T> {
    inner: Mutex<Inner<T>>,
}

// Until you write the methods below, nothing reads these fields.
#[allow(dead_code)]
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

    /// Stores `value` and wakes the waiter, if one is waiting. Only the
    /// first call counts: a second `complete` drops its value and wakes
    /// nobody.
    pub fn complete(&self, value: T) {
        // TODO: lock `self.inner` (with `ch03_global_queue::sync::lock`),
        // store the value (only the first time) and take the waker; then
        // release the lock and wake the waker.
        let _ = (&self.inner, value);
        todo!("Exercise 3.1 (output_slot): see the book, Chapter 3, \"Exercise 3.1: The output slot\"")
    }

    /// Takes the value if it is there; otherwise remembers `cx`'s waker
    /// (replacing any earlier one) and returns `Pending`.
    pub fn poll_take(&self, cx: &mut Context<'_>) -> Poll<T> {
        // TODO: under one lock, either take the value or store the waker,
        // so a `complete` on another thread cannot slip in between.
        let _ = (&self.inner, cx);
        todo!("Exercise 3.1 (output_slot): see the book, Chapter 3, \"Exercise 3.1: The output slot\"")
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
