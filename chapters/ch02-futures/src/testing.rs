//! Test helpers shared by this crate's unit tests.
//!
//! The `unwrap`s on lock results below cannot fire: no code panics while
//! holding `wakes`, so the lock is never poisoned.

use std::sync::{Arc, Condvar, Mutex};
use std::task::Waker;

use futures_task::ArcWake;

/// A waker that counts how often it was woken, and lets a test sleep until
/// a given count is reached.
#[derive(Clone, Default)]
pub struct CountingWaker(Arc<Count>);

#[derive(Default)]
pub struct Count {
    wakes: Mutex<usize>,
    changed: Condvar,
}

impl ArcWake for Count {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        *arc_self.wakes.lock().unwrap() += 1;
        arc_self.changed.notify_all();
    }
}

impl CountingWaker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn waker(&self) -> Waker {
        futures_task::waker(self.0.clone())
    }

    pub fn count(&self) -> usize {
        *self.0.wakes.lock().unwrap()
    }

    /// Blocks until the waker was woken at least `n` times. Call it inside
    /// `testkit::timeout`, so a missing wake fails instead of hanging.
    pub fn wait_for(&self, n: usize) {
        let mut wakes = self.0.wakes.lock().unwrap();
        while *wakes < n {
            wakes = self.0.changed.wait(wakes).unwrap();
        }
    }
}
