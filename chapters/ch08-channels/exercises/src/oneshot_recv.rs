//! Exercise 8.1: A oneshot receiver (book: Chapter 8, "Exercises").
//!
//! Write the receiver's `poll`. The sender's side is done. Lock the state
//! through `self.shared.lock()`: the tests use that lock to run the sender
//! at every moment your poll lets go of it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use crate::oneshot::{channel, Receiver, RecvError, Sender};

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    /// `Ready(Ok(value))` once the value is here; `Ready(Err(RecvError))` if
    /// the sender went away without sending; otherwise `Pending`, with the
    /// waker left where the sender will find it.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: look for the value, then for a sender that left without
        // sending; if neither, store `cx.waker()` and return `Pending`.
        let _ = cx;
        todo!("Exercise 8.1 (oneshot_recv): see the book, Chapter 8, \"Exercise 8.1: A oneshot receiver\"")
    }
}
