//! A bounded multi-producer, single-consumer channel.
//!
//! The queue holds at most `capacity` values. A `send` into a full queue
//! waits in a [`WaitList`] until the receiver takes a value out: that is
//! back-pressure, a fast producer slowed to the pace of its consumer
//! instead of filling memory. Each value taken out wakes one waiting
//! sender, the one that has waited longest.
//!
//! Closing: when every `Sender` is gone, the receiver drains what is left
//! and then gets `None`; when the `Receiver` is gone, every send (waiting
//! or new) fails and hands its value back.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::sync::{lock, Arc, Mutex};
use crate::wait_list::{Removed, WaitList};

// ANCHOR: state
struct Chan<T> {
    capacity: usize,
    state: Mutex<State<T>>,
}

struct State<T> {
    queue: VecDeque<T>,
    /// Senders blocked on a full queue, longest-waiting first.
    send_waiters: WaitList,
    /// The receiver's waker, from its last `Pending` poll.
    receiver_waker: Option<Waker>,
    /// Live `Sender`s; at 0 the receiver gets `None` once the queue is empty.
    senders: usize,
    receiver_gone: bool,
}
// ANCHOR_END: state

pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

/// The receiver is gone; here is the value back.
#[derive(PartialEq, Eq)]
pub struct SendError<T>(pub T);

/// Why `try_send` did not send; both give the value back.
#[derive(Debug, PartialEq, Eq)]
pub enum TrySendError<T> {
    Full(T),
    Closed(T),
}

/// A channel holding at most `capacity` values.
///
/// # Panics
///
/// If `capacity` is 0: with no room at all, no send could ever finish.
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "a bounded channel needs room for one value");
    let chan = Arc::new(Chan {
        capacity,
        state: Mutex::new(State {
            queue: VecDeque::with_capacity(capacity),
            send_waiters: WaitList::new(),
            receiver_waker: None,
            senders: 1,
            receiver_gone: false,
        }),
    });
    (Sender { chan: chan.clone() }, Receiver { chan })
}

impl<T> Sender<T> {
    /// Sends `value`, waiting while the queue is full. Fails, giving the
    /// value back, if the receiver is gone.
    pub fn send(&self, value: T) -> Send<'_, T> {
        Send {
            chan: &self.chan,
            value: Some(value),
            key: None,
        }
    }

    /// Sends only if there is room right now.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let waker = {
            let mut state = lock(&self.chan.state);
            if state.receiver_gone {
                return Err(TrySendError::Closed(value));
            }
            // Waiting senders were here first.
            if state.queue.len() >= self.chan.capacity || !state.send_waiters.is_empty() {
                return Err(TrySendError::Full(value));
            }
            state.queue.push_back(value);
            state.receiver_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    pub fn is_closed(&self) -> bool {
        lock(&self.chan.state).receiver_gone
    }
}

// ANCHOR: send_future
/// The future of [`Sender::send`].
pub struct Send<'a, T> {
    chan: &'a Chan<T>,
    /// `None` once sent or handed back.
    value: Option<T>,
    /// Our place in `send_waiters`, while we wait.
    key: Option<u64>,
}

impl<T> Future for Send<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut state = lock(&this.chan.state);
        let value = this.value.take().expect("Send polled after it finished");
        if state.receiver_gone {
            state.send_waiters.remove(&mut this.key);
            return Poll::Ready(Err(SendError(value)));
        }
        if state.queue.len() < this.chan.capacity {
            state.send_waiters.remove(&mut this.key);
            state.queue.push_back(value);
            let waker = state.receiver_waker.take();
            drop(state);
            if let Some(waker) = waker {
                waker.wake();
            }
            return Poll::Ready(Ok(()));
        }
        // Full: wait, in the same critical section as the look at `len`,
        // so the receiver cannot free a slot unseen in between.
        this.value = Some(value);
        state.send_waiters.register(&mut this.key, cx.waker());
        Poll::Pending
    }
}
// ANCHOR_END: send_future

// The value is never pinned: `Send` hands out no `Pin<&mut T>`.
impl<T> Unpin for Send<'_, T> {}

// ANCHOR: send_drop
impl<T> Drop for Send<'_, T> {
    fn drop(&mut self) {
        if self.key.is_none() {
            return; // never waited, or already finished
        }
        let next = {
            let mut state = lock(&self.chan.state);
            match state.send_waiters.remove(&mut self.key) {
                // A receiver freed a slot and woke us for it, and we are
                // going away without using it (a timeout, a `select`).
                // Pass the turn on, or the next sender sleeps beside a
                // free slot.
                Removed::WasWoken if state.queue.len() < self.chan.capacity => {
                    state.send_waiters.wake_one()
                }
                _ => None,
            }
        };
        if let Some(waker) = next {
            waker.wake();
        }
    }
}
// ANCHOR_END: send_drop

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        lock(&self.chan.state).senders += 1;
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = lock(&self.chan.state);
            state.senders -= 1;
            if state.senders > 0 {
                return;
            }
            state.receiver_waker.take()
        };
        // The last sender: the receiver must hear that nothing more comes.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// The next value; `None` once every sender is gone and the queue is
    /// empty.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    // ANCHOR: poll_recv
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut state = lock(&self.chan.state);
        if let Some(value) = state.queue.pop_front() {
            // One slot free: one sender may use it.
            let sender = state.send_waiters.wake_one();
            drop(state);
            if let Some(waker) = sender {
                waker.wake();
            }
            return Poll::Ready(Some(value));
        }
        if state.senders == 0 {
            return Poll::Ready(None);
        }
        match &mut state.receiver_waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
    // ANCHOR_END: poll_recv

    /// A value if one is queued now.
    pub fn try_recv(&mut self) -> Option<T> {
        let mut state = lock(&self.chan.state);
        let value = state.queue.pop_front()?;
        let sender = state.send_waiters.wake_one();
        drop(state);
        if let Some(waker) = sender {
            waker.wake();
        }
        Some(value)
    }
}

// ANCHOR: receiver_drop
impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (queued, senders) = {
            let mut state = lock(&self.chan.state);
            state.receiver_gone = true;
            (
                std::mem::take(&mut state.queue),
                state.send_waiters.take_all(),
            )
        };
        // Every waiting sender, not one: each must get its value back.
        for waker in senders {
            waker.wake();
        }
        drop(queued); // user values, dropped outside the lock
    }
}
// ANCHOR_END: receiver_drop

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the receiver is gone")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mpsc::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mpsc::Receiver").finish_non_exhaustive()
    }
}
