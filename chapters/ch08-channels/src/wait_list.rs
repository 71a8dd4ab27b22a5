//! A first-in, first-out list of waiting tasks, kept under a channel's lock.
//!
//! Each waiter is a future (a `send` on a full channel, a `notified()`)
//! that holds a key into the list. A wake takes the waiter *out* of the
//! list, so a future can tell "still waiting" from "woken" by looking for
//! its key. That difference matters when the future is dropped: a waiter
//! that was woken and goes away without using its turn must hand the turn
//! on, or the next waiter never hears of it.

use std::collections::VecDeque;
use std::task::Waker;

/// What [`WaitList::remove`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// The future never waited (or already removed itself).
    NotWaiting,
    /// It was still in the list; now it is not.
    WasWaiting,
    /// A wake took it out of the list before it got here.
    WasWoken,
}

// ANCHOR: wait_list
#[derive(Debug, Default)]
pub struct WaitList {
    waiters: VecDeque<(u64, Waker)>,
    next_key: u64,
}

impl WaitList {
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts the future holding `key` in the list, or, if it is already
    /// there, refreshes its waker (a future may move to another task).
    pub fn register(&mut self, key: &mut Option<u64>, waker: &Waker) {
        if let Some(k) = *key {
            if let Some((_, w)) = self.waiters.iter_mut().find(|(id, _)| *id == k) {
                if !w.will_wake(waker) {
                    w.clone_from(waker);
                }
                return;
            }
        }
        // New, or woken before and waiting again: to the back of the line.
        let k = self.next_key;
        self.next_key += 1;
        self.waiters.push_back((k, waker.clone()));
        *key = Some(k);
    }
    // ANCHOR_END: wait_list

    /// Takes the future holding `key` out of the list.
    pub fn remove(&mut self, key: &mut Option<u64>) -> Removed {
        let Some(k) = key.take() else {
            return Removed::NotWaiting;
        };
        match self.waiters.iter().position(|(id, _)| *id == k) {
            Some(at) => {
                self.waiters.remove(at);
                Removed::WasWaiting
            }
            None => Removed::WasWoken,
        }
    }

    /// Takes the longest waiter out and returns its waker, to be woken
    /// once the caller has let go of its lock.
    pub fn wake_one(&mut self) -> Option<Waker> {
        self.waiters.pop_front().map(|(_, waker)| waker)
    }

    /// Takes every waiter out; the caller wakes them after unlocking.
    pub fn take_all(&mut self) -> Vec<Waker> {
        self.waiters.drain(..).map(|(_, waker)| waker).collect()
    }

    /// True while the future holding `key` waits, not yet woken.
    pub fn contains(&self, key: u64) -> bool {
        self.waiters.iter().any(|(id, _)| *id == key)
    }

    pub fn len(&self) -> usize {
        self.waiters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn a_woken_waiter_is_told_apart_from_one_still_waiting() {
        let mut list = WaitList::new();
        let (mut a, mut b) = (None, None);
        list.register(&mut a, Waker::noop());
        list.register(&mut b, Waker::noop());
        list.register(&mut a, Waker::noop());
        assert_eq!(list.len(), 2, "registering twice keeps one entry");
        assert!(list.wake_one().is_some());
        assert_eq!(list.remove(&mut a), Removed::WasWoken);
        assert_eq!(list.remove(&mut b), Removed::WasWaiting);
        assert_eq!(list.remove(&mut b), Removed::NotWaiting);
        assert!(list.is_empty());
    }
}
