//! `block_on`: run one future to completion on the calling thread, parking the
//! thread (not spinning) while the future is pending.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::{self, Thread};

use futures_task::{waker, ArcWake};

// ANCHOR: thread_waker
/// Wakes the thread that called `block_on`.
struct ThreadWaker {
    thread: Thread,
    /// Set by `wake`, cleared by `block_on` before it polls again. Without it
    /// a wake that lands between a `Pending` and the `park` would be lost.
    woken: AtomicBool,
}

impl ArcWake for ThreadWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::Release);
        arc_self.thread.unpark();
    }
}
// ANCHOR_END: thread_waker

// ANCHOR: block_on
/// Polls `future` on this thread until it is ready, parking in between.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let signal = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let waker = waker(signal.clone());
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // `park` can return spuriously, so loop until a wake really happened.
        while !signal.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
// ANCHOR_END: block_on
