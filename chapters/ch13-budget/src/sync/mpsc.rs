//! Chapter 8's bounded channel; receiving a value spends a unit of the
//! task's budget, so a task draining a channel that a fast producer keeps
//! full yields like a task reading a full socket. Sending is chapter 8's:
//! a full channel already makes a sender wait.

use std::future::poll_fn;
use std::task::{Context, Poll};

use ch08_channels::mpsc as ch08;

pub use ch08::{Sender, TrySendError};

use crate::coop::with_unit;

/// A channel of `capacity` values, as chapter 8's `mpsc::channel`.
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let (sender, receiver) = ch08::channel(capacity);
    (sender, Receiver(receiver))
}

// ANCHOR: receiver
/// The receiving end: chapter 8's, spending a unit per value (and per
/// `None` at the end) it returns.
pub struct Receiver<T>(ch08::Receiver<T>);

impl<T> Receiver<T> {
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        with_unit(cx, |cx| self.0.poll_recv(cx))
    }

    /// Not budgeted, as in tokio: it never waits, so it cannot be the
    /// `.await` a loop spins on.
    pub fn try_recv(&mut self) -> Option<T> {
        self.0.try_recv()
    }
}
// ANCHOR_END: receiver
