// Wrong: a full queue makes the sender wake itself at once instead of
// waiting in the list: the task is polled over and over, a busy loop.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use ch08_channels::wait_list::{Removed, WaitList};

use crate::interleave::Mutex;

struct Chan<T> {
    capacity: usize,
    state: Mutex<State<T>>,
}

struct State<T> {
    queue: VecDeque<T>,
    /// Senders waiting for room, longest-waiting first.
    send_waiters: WaitList,
    /// The receiver's waker, from its last `Pending` poll.
    receiver_waker: Option<Waker>,
    receiver_gone: bool,
}

pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

/// The receiver is gone; here is the value back.
#[derive(Debug, PartialEq, Eq)]
pub struct SendError<T>(pub T);

pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "a bounded channel needs room for one value");
    let chan = Arc::new(Chan {
        capacity,
        state: Mutex::new(State {
            queue: VecDeque::new(),
            send_waiters: WaitList::new(),
            receiver_waker: None,
            receiver_gone: false,
        }),
    });
    (Sender { chan: chan.clone() }, Receiver { chan })
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Sender<T> {
    pub fn send(&self, value: T) -> Send<'_, T> {
        Send {
            chan: &self.chan,
            value: Some(value),
            key: None,
        }
    }
}

/// The future of [`Sender::send`].
pub struct Send<'a, T> {
    chan: &'a Chan<T>,
    /// `None` once sent or handed back.
    value: Option<T>,
    /// Our place in `send_waiters` while we wait.
    key: Option<u64>,
}

// The value is never pinned.
impl<T> Unpin for Send<'_, T> {}

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

impl<T> Drop for Send<'_, T> {
    fn drop(&mut self) {
        // Woken for a free slot and going away without using it: pass the
        // turn on to the next waiting sender.
        let mut state = self.chan.state.lock();
        let next = match state.send_waiters.remove(&mut self.key) {
            Removed::WasWoken if state.queue.len() < self.chan.capacity => {
                state.send_waiters.wake_one()
            }
            _ => None,
        };
        drop(state);
        if let Some(waker) = next {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// The next value; wakes the longest-waiting sender for the slot it
    /// frees. (Every `Sender` outlives the receiver in these tests, so
    /// there is no "all senders gone" case.)
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.chan.state.lock();
        if let Some(value) = state.queue.pop_front() {
            let sender = state.send_waiters.wake_one();
            drop(state);
            if let Some(waker) = sender {
                waker.wake();
            }
            return Poll::Ready(value);
        }
        state.receiver_waker = Some(cx.waker().clone());
        Poll::Pending
    }

    pub async fn recv(&mut self) -> T {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
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
