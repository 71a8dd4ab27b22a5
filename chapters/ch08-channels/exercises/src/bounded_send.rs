//! Exercise 8.2: Back-pressure (book: Chapter 8, "Exercises").
//!
//! Write the `Send` future's `poll` and the receiver's `Drop`. Lock the
//! state through `self.chan.state.lock()`: the tests use that lock to run
//! the receiver at every moment your poll lets go of it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use crate::bounded::{channel, Receiver, Send, SendError, Sender};

impl<T> Future for Send<'_, T> {
    type Output = Result<(), SendError<T>>;

    /// `Ready(Err(SendError(value)))` if the receiver is gone; if there is
    /// room, queue the value, wake the receiver, `Ready(Ok(()))`; if the
    /// queue is full, wait in `send_waiters` (`register`) and `Pending`.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // TODO: one critical section: closed? room? else wait.
        let _ = (this, cx);
        todo!("Exercise 8.2 (bounded_send): see the book, Chapter 8, \"Exercise 8.2: Back-pressure\"")
    }
}

impl<T> Drop for Receiver<T> {
    /// Marks the channel closed and wakes every waiting sender, so each can
    /// take its value back.
    fn drop(&mut self) {
        // TODO: set `receiver_gone`, and wake the senders that wait.
        // (Replace the whole body. The `if` only keeps this unfinished
        // skeleton from panicking again while a failed test unwinds.)
        if !std::thread::panicking() {
            todo!("Exercise 8.2 (bounded_send): see the book, Chapter 8, \"Exercise 8.2: Back-pressure\"")
        }
    }
}
