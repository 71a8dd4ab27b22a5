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
    /// Set by `wake`, cleared by `block_on` before it polls again.
    ///
    /// `park`/`unpark` alone are not enough. `park` may return when nobody
    /// called `unpark` (a spurious wake-up), and the one "unpark token" a
    /// thread has can be used up by other code on this thread that parks too
    /// (a channel receive or a nested `block_on` inside the future). The flag
    /// records the wake itself, so `block_on` polls again exactly when a wake
    /// happened, even if it came before the `park`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::countdown::Countdown;
    use crate::timer::{count_polls, Timer};
    use std::time::Duration;

    #[test]
    fn a_ready_future_is_polled_once() {
        let (value, polls) = testkit::timeout(|| block_on(count_polls(async { 7 })));
        assert_eq!((value, polls), (7, 1));
    }

    #[test]
    fn a_wake_during_poll_is_not_lost() {
        // `Countdown` wakes before it returns `Pending`, so the wake lands
        // before `block_on` parks: the flag is already set and `block_on`
        // polls again straight away.
        let ((), polls) = testkit::timeout(|| block_on(count_polls(Countdown::new(5))));
        assert_eq!(polls, 6);
    }

    #[test]
    fn a_wake_from_another_thread_resumes_the_future() {
        let ((), polls) =
            testkit::timeout(|| block_on(count_polls(Timer::new(Duration::from_millis(20)))));
        assert_eq!(polls, 2, "parked in between, not spinning");
    }

    #[test]
    fn an_unpark_that_is_not_a_wake_does_not_cause_a_poll() {
        let polls = testkit::timeout(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            let runner = thread::spawn(move || {
                block_on(count_polls(async move {
                    // The receiver is alive until the handle arrives.
                    tx.send(thread::current()).unwrap();
                    Timer::new(Duration::from_millis(200)).await;
                }))
                .1
            });
            let parked = rx.recv().unwrap();
            // Unpark without waking, as spurious wake-ups or foreign code do.
            for _ in 0..3 {
                thread::sleep(Duration::from_millis(10));
                parked.unpark();
            }
            runner.join().unwrap()
        });
        assert_eq!(polls, 2);
    }

    #[test]
    fn nested_awaits_run_to_completion() {
        let out = testkit::timeout(|| {
            block_on(async {
                Timer::new(Duration::from_millis(5)).await;
                Countdown::new(2).await;
                Timer::new(Duration::from_millis(5)).await;
                "done"
            })
        });
        assert_eq!(out, "done");
    }
}
