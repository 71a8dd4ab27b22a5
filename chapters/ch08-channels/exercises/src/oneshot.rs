//! The oneshot channel of Exercise 8.1, all but the piece the exercise asks
//! for: the receiver's `poll` lives in `oneshot_recv.rs` (a trait impl may
//! sit in any module of the crate), so a wrong solution replaces only that.

use std::sync::Arc;
use std::task::Waker;

use crate::interleave::Mutex;

pub(crate) struct State<T> {
    pub(crate) value: Option<T>,
    /// The receiver's waker, from its last `Pending` poll.
    pub(crate) receiver_waker: Option<Waker>,
    /// The sender is gone (after sending, or without sending).
    pub(crate) sender_gone: bool,
}

pub struct Sender<T> {
    pub(crate) shared: Arc<Mutex<State<T>>>,
}

pub struct Receiver<T> {
    pub(crate) shared: Arc<Mutex<State<T>>>,
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
