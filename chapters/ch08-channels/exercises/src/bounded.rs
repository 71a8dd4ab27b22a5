//! The bounded channel of Exercise 8.2 (back-pressure), all but the two
//! pieces the exercise asks for: `Send`'s `poll` and the receiver's `Drop`
//! live in `bounded_send.rs` (a trait impl may sit in any module of the
//! crate), so a wrong solution replaces only those.

use std::collections::VecDeque;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use ch08_channels::wait_list::{Removed, WaitList};

use crate::interleave::Mutex;

pub(crate) struct Chan<T> {
    pub(crate) capacity: usize,
    pub(crate) state: Mutex<State<T>>,
}

pub(crate) struct State<T> {
    pub(crate) queue: VecDeque<T>,
    /// Senders waiting for room, longest-waiting first.
    pub(crate) send_waiters: WaitList,
    /// The receiver's waker, from its last `Pending` poll.
    pub(crate) receiver_waker: Option<Waker>,
    pub(crate) receiver_gone: bool,
}

pub struct Sender<T> {
    pub(crate) chan: Arc<Chan<T>>,
}

pub struct Receiver<T> {
    pub(crate) chan: Arc<Chan<T>>,
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
    pub(crate) chan: &'a Chan<T>,
    /// `None` once sent or handed back.
    pub(crate) value: Option<T>,
    /// Our place in `send_waiters` while we wait.
    pub(crate) key: Option<u64>,
}

// The value is never pinned.
impl<T> Unpin for Send<'_, T> {}

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
