// Wrong: a full queue makes the sender wake itself at once instead of
// waiting in the list: the task is polled over and over, a busy loop.

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
        let mut state = this.chan.state.lock();
        let value = this.value.take().expect("Send polled after it finished");
        if state.receiver_gone {
            state.send_waiters.remove(&mut this.key);
            return Poll::Ready(Err(SendError(value)));
        }
        if state.queue.len() < this.chan.capacity {
            state.send_waiters.remove(&mut this.key);
            state.queue.push_back(value);
            let receiver = state.receiver_waker.take();
            drop(state);
            if let Some(waker) = receiver {
                waker.wake();
            }
            return Poll::Ready(Ok(()));
        }
        // Full. Wait under the same lock as the look at `len`: a slot freed
        // after this point finds us in the list.
        this.value = Some(value);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    /// Marks the channel closed and wakes every waiting sender, so each can
    /// take its value back.
    fn drop(&mut self) {
        let (queued, senders) = {
            let mut state = self.chan.state.lock();
            state.receiver_gone = true;
            (
                std::mem::take(&mut state.queue),
                state.send_waiters.take_all(),
            )
        };
        // All of them: each waiting sender must get its value back.
        for waker in senders {
            waker.wake();
        }
        drop(queued);
    }
}
