//! Exercise 8.1: A oneshot receiver, solved.

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
        // ANCHOR: solution
        // One critical section for the look and the waker: a send that
        // comes after it finds the waker, one that came before left the
        // value.
        let mut state = self.shared.lock();
        if let Some(value) = state.value.take() {
            return Poll::Ready(Ok(value));
        }
        if state.sender_gone {
            return Poll::Ready(Err(RecvError));
        }
        // The latest waker: the receiver may have moved to another task.
        match &mut state.receiver_waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
        // ANCHOR_END: solution
    }
}
