// Wrong: stores a waker only when there is none, so when the receiver moves
// to another task (or is polled with a new waker) the old task is woken
// and the new one waits for ever.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::interleave::Mutex;

struct State<T> {
    value: Option<T>,
    /// The receiver's waker, from its last `Pending` poll.
    receiver_waker: Option<Waker>,
    /// The sender is gone (after sending, or without sending).
    sender_gone: bool,
}

pub struct Sender<T> {
    shared: Arc<Mutex<State<T>>>,
}

pub struct Receiver<T> {
    shared: Arc<Mutex<State<T>>>,
}

/// The sender went away without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError;

pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Mutex::new(State {
        value: None,
        receiver_waker: None,
        sender_gone: false,
    }));
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

impl<T> Sender<T> {
    /// Stores the value and wakes the receiver. (The receiver is never
    /// dropped early in these tests, so there is no error case.)
    pub fn send(self, value: T) {
        let waker = {
            let mut state = self.shared.lock();
            state.value = Some(value);
            state.receiver_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        // `self` drops here: `sender_gone` is set after the value.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.shared.lock();
            state.sender_gone = true;
            state.receiver_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

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
        if state.receiver_waker.is_none() {
            state.receiver_waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}
