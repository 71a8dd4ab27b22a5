// Wrong: never stores the waker; wakes itself at once instead, so the task
// is polled again and again while it waits: a busy loop that burns a worker.

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
        let mut state = self.shared.lock();
        if let Some(value) = state.value.take() {
            return Poll::Ready(Ok(value));
        }
        if state.sender_gone {
            return Poll::Ready(Err(RecvError));
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
