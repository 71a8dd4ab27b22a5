// Wrong: counts with a load and a store, two steps. Two threads that wake at
// the same moment both read n and both write n + 1: one wake-up is lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Waker;

use futures_task::ArcWake;

#[derive(Debug, Default)]
pub struct WakeCounter {
    count: AtomicUsize,
}

impl WakeCounter {
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl ArcWake for WakeCounter {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        let seen = arc_self.count.load(Ordering::SeqCst);
        arc_self.count.store(seen + 1, Ordering::SeqCst);
    }
}

pub fn counting_waker() -> (Waker, Arc<WakeCounter>) {
    let counter = Arc::new(WakeCounter::default());
    (futures_task::waker(Arc::clone(&counter)), counter)
}
