//! `Notify`: a wake-up with no value attached.
//!
//! `notify_one` wakes the task that has waited longest, or, if nobody
//! waits, leaves a *permit* that the next `notified()` takes at once: a
//! notification sent a moment before the waiter arrives is not lost.
//! `notify_waiters` wakes every `notified()` future created before the
//! call, and leaves no permit.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::sync::{lock, Mutex};
use crate::wait_list::{Removed, WaitList};

// ANCHOR: state
#[derive(Debug, Default)]
pub struct Notify {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// A `notify_one` that found nobody waiting. At most one is kept.
    permit: bool,
    waiters: WaitList,
    /// How many `notify_waiters` calls so far. A `Notified` that sees this
    /// change since it was created was woken by one of them.
    generation: u64,
}

/// The future of [`Notify::notified`].
pub struct Notified<'a> {
    notify: &'a Notify,
    /// `State::generation` when the future was created.
    generation: u64,
    key: Option<u64>,
    done: bool,
}
// ANCHOR_END: state

impl Notify {
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: notify_one
    /// Wakes the longest waiter, or stores a permit for the next one.
    pub fn notify_one(&self) {
        let waker = {
            let mut state = lock(&self.state);
            let waker = state.waiters.wake_one();
            if waker.is_none() {
                state.permit = true;
            }
            waker
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
    // ANCHOR_END: notify_one

    /// Wakes every `notified()` future created before this call.
    pub fn notify_waiters(&self) {
        let wakers = {
            let mut state = lock(&self.state);
            state.generation += 1;
            state.waiters.take_all()
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// A future that completes on the next notification. It counts as
    /// waiting for `notify_waiters` from the moment it is created, so it
    /// can be created, then announced, then awaited, without a gap.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            generation: lock(&self.state).generation,
            key: None,
            done: false,
        }
    }
}

// ANCHOR: notified
impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut state = lock(&this.notify.state);
        let woken = if state.generation != this.generation {
            // A `notify_waiters` since we were created.
            state.waiters.remove(&mut this.key);
            true
        } else if this.key.is_none() && state.permit {
            state.permit = false; // a `notify_one` that came before us
            true
        } else if let Some(key) = this.key {
            // Registered before: no longer in the list means a
            // `notify_one` took us out to wake us.
            let woken = !state.waiters.contains(key);
            if woken {
                this.key = None;
            }
            woken
        } else {
            false
        };
        if woken {
            this.done = true;
            return Poll::Ready(());
        }
        state.waiters.register(&mut this.key, cx.waker());
        Poll::Pending
    }
}
// ANCHOR_END: notified

// ANCHOR: notified_drop
impl Drop for Notified<'_> {
    fn drop(&mut self) {
        if self.done || self.key.is_none() {
            return;
        }
        let mut state = lock(&self.notify.state);
        let handed_over = state.waiters.remove(&mut self.key) == Removed::WasWoken
            && state.generation == self.generation;
        if !handed_over {
            return;
        }
        // A `notify_one` chose us, and we leave without taking it: pass
        // it to the next waiter, or keep it as the permit.
        let next = state.waiters.wake_one();
        if next.is_none() {
            state.permit = true;
        }
        drop(state);
        if let Some(waker) = next {
            waker.wake();
        }
    }
}
// ANCHOR_END: notified_drop
