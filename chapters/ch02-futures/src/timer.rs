//! A timer future that another thread wakes up.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

// ANCHOR: timer_state
/// Becomes ready `duration` after it is first polled.
///
/// The clock starts at the first poll, not at `new`: like every future, a
/// timer does nothing until someone polls it. It then starts one thread that
/// sleeps and calls the waker. (One thread per timer is exactly the cost
/// Chapter 1 measured; a real runtime keeps all its timers in one structure
/// served by the thread that waits for I/O. This is enough to see wake-ups.)
pub struct Timer {
    duration: Duration,
    /// `None` until the first poll starts the sleeping thread.
    shared: Option<Arc<Mutex<Shared>>>,
}

/// What the future and its sleeping thread both see.
#[derive(Default)]
struct Shared {
    fired: bool,
    /// The waker of the most recent poll: the one to call when time is up.
    waker: Option<Waker>,
}

impl Timer {
    pub fn new(duration: Duration) -> Self {
        Timer {
            duration,
            shared: None,
        }
    }
}
// ANCHOR_END: timer_state

// ANCHOR: timer_poll
impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        let shared = self.shared.get_or_insert_with(|| {
            let shared = Arc::new(Mutex::new(Shared::default()));
            let for_thread = Arc::clone(&shared);
            thread::spawn(move || {
                thread::sleep(duration);
                let waker = {
                    // Poisoned only if a poll panicked while holding the lock;
                    // the two fields stay consistent either way.
                    let mut state = for_thread.lock().unwrap_or_else(|p| p.into_inner());
                    state.fired = true;
                    state.waker.take()
                };
                // Outside the lock: the woken executor may poll (and lock) at once.
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
            shared
        });

        // Checking `fired` and storing the waker under one lock is what
        // prevents a lost wake-up: the thread either sees our waker, or it
        // already set `fired` and we see that here.
        let mut state = shared.lock().unwrap_or_else(|p| p.into_inner());
        if state.fired {
            return Poll::Ready(());
        }
        // Each poll may bring a different waker: only the latest one counts.
        match &mut state.waker {
            Some(old) if old.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
// ANCHOR_END: timer_poll

// ANCHOR: count_polls
/// Runs `future` and also returns how many times it was polled.
pub async fn count_polls<F: Future>(future: F) -> (F::Output, u32) {
    let mut future = pin!(future);
    let mut polls = 0;
    // `poll_fn` makes a future out of a closure: each poll of the outer
    // future calls it once, and it polls the inner future once.
    let output = poll_fn(|cx| {
        polls += 1;
        future.as_mut().poll(cx)
    })
    .await;
    (output, polls)
}
// ANCHOR_END: count_polls

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;
    use crate::testing::CountingWaker;

    #[test]
    fn block_on_polls_a_timer_twice() {
        // Once to start it (Pending), once after the wake-up (Ready). A busy
        // loop would poll it thousands of times.
        let ((), polls) =
            testkit::timeout(|| block_on(count_polls(Timer::new(Duration::from_millis(30)))));
        assert_eq!(polls, 2);
    }

    #[test]
    fn nothing_starts_before_the_first_poll() {
        let timer = Timer::new(Duration::from_millis(1));
        assert!(timer.shared.is_none());
    }

    #[test]
    fn the_sleeping_thread_calls_the_latest_waker() {
        testkit::timeout(|| {
            let first = CountingWaker::new();
            let second = CountingWaker::new();
            let mut timer = pin!(Timer::new(Duration::from_millis(50)));
            let w1 = first.waker();
            assert!(timer
                .as_mut()
                .poll(&mut Context::from_waker(&w1))
                .is_pending());
            let w2 = second.waker();
            assert!(timer
                .as_mut()
                .poll(&mut Context::from_waker(&w2))
                .is_pending());
            // The timer's thread wakes `second`; sleep until it has.
            second.wait_for(1);
            assert_eq!((first.count(), second.count()), (0, 1));
            assert!(timer
                .as_mut()
                .poll(&mut Context::from_waker(&w2))
                .is_ready());
        });
    }
}
