// Wrong: looks for the value in one critical section and stores the waker
// in a second one. A send that lands between the two stores the value,
// finds no waker and wakes nobody; the receiver then waits for ever.

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
        {
            let mut state = self.shared.lock();
            if let Some(value) = state.value.take() {
                return Poll::Ready(Ok(value));
            }
            if state.sender_gone {
                return Poll::Ready(Err(RecvError));
            }
        }
        self.shared.lock().receiver_waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
