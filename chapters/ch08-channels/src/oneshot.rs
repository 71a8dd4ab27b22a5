//! A oneshot channel: one value, sent once, from one task to another.
//!
//! Both halves share one small state under a lock. The receiver is a
//! future: it looks for the value and, finding none, leaves its waker
//! where the sender will find it, in the same critical section. The sender
//! stores the value and takes that waker in one critical section, and
//! wakes it after letting go of the lock.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::sync::{lock, Arc, Mutex};

// ANCHOR: state
struct State<T> {
    value: Option<T>,
    /// The receiver's waker, from its last `Pending` poll.
    receiver_waker: Option<Waker>,
    /// The sender is gone: no value will ever come (unless one is here).
    sender_gone: bool,
    /// The receiver is gone: a value sent now would never be read.
    receiver_gone: bool,
}

pub struct Sender<T> {
    /// `None` once `send` used it, so `Drop` knows not to report a close.
    shared: Option<Arc<Mutex<State<T>>>>,
}

pub struct Receiver<T> {
    shared: Arc<Mutex<State<T>>>,
}
// ANCHOR_END: state

/// The sender went away without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError;

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sender was dropped without sending")
    }
}

impl std::error::Error for RecvError {}

pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Mutex::new(State {
        value: None,
        receiver_waker: None,
        sender_gone: false,
        receiver_gone: false,
    }));
    (
        Sender {
            shared: Some(shared.clone()),
        },
        Receiver { shared },
    )
}

// ANCHOR: send
impl<T> Sender<T> {
    /// Sends `value`, or gives it back if the receiver is gone.
    pub fn send(mut self, value: T) -> Result<(), T> {
        let shared = self.shared.take().expect("only `send` takes it");
        let waker = {
            let mut state = lock(&shared);
            if state.receiver_gone {
                return Err(value);
            }
            state.value = Some(value);
            state.receiver_waker.take()
        };
        // Outside the lock: a waker is foreign code, and it may run the
        // receiver's task on this thread and lock `shared` again.
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// True once the receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.shared
            .as_ref()
            .is_none_or(|shared| lock(shared).receiver_gone)
    }
}
// ANCHOR_END: send

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(shared) = self.shared.take() else {
            return; // it sent; the receiver has its value
        };
        let waker = {
            let mut state = lock(&shared);
            state.sender_gone = true;
            state.receiver_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

// ANCHOR: recv
impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // One critical section: look, and if there is nothing, leave the
        // waker. A send cannot fall between the two.
        let mut state = lock(&self.shared);
        if let Some(value) = state.value.take() {
            return Poll::Ready(Ok(value));
        }
        if state.sender_gone {
            return Poll::Ready(Err(RecvError));
        }
        match &mut state.receiver_waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
// ANCHOR_END: recv

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let value = {
            let mut state = lock(&self.shared);
            state.receiver_gone = true;
            state.value.take()
        };
        // A value nobody will read is dropped outside the lock: its `Drop`
        // is user code.
        drop(value);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver").finish_non_exhaustive()
    }
}
