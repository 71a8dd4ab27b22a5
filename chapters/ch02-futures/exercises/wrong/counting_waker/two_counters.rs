// Wrong: makes the waker from one counter and returns another, new one. The
// waker counts its wake-ups in a counter nobody looks at, and the returned
// counter stays at 0.

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
        arc_self.count.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn counting_waker() -> (Waker, Arc<WakeCounter>) {
    let waker = futures_task::waker(Arc::new(WakeCounter::default()));
    (waker, Arc::new(WakeCounter::default()))
}
