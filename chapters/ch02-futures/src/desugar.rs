//! An `async fn` and the state machine the compiler turns it into.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::countdown::Countdown;

// ANCHOR: async_fn
/// Adds, waits, doubles, waits, adds one.
pub async fn add_slowly(a: u32, b: u32) -> u32 {
    let sum = a + b;
    Countdown::new(2).await; // `sum` must survive this await...
    let doubled = sum * 2;
    Countdown::new(1).await; // ...and `doubled` this one.
    doubled + 1
}
// ANCHOR_END: async_fn

// ANCHOR: state_enum
/// `add_slowly` written by hand: one variant per place the function can be
/// suspended, each holding exactly the locals still needed after it.
pub enum AddSlowly {
    /// Called, but not polled yet: only the arguments exist.
    Start { a: u32, b: u32 },
    /// Suspended at the first `.await`.
    FirstWait { sum: u32, countdown: Countdown },
    /// Suspended at the second `.await`.
    SecondWait { doubled: u32, countdown: Countdown },
    /// Returned its value; must not be polled again.
    Done,
}

impl AddSlowly {
    /// What calling `add_slowly(a, b)` does: store the arguments, run nothing.
    pub fn new(a: u32, b: u32) -> Self {
        AddSlowly::Start { a, b }
    }
}
// ANCHOR_END: state_enum

// ANCHOR: state_poll
impl Future for AddSlowly {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // Every field is `Unpin`, so `AddSlowly` is too and we may take a
        // plain `&mut`. The compiler's version cannot: see "Pin" below.
        let this = self.get_mut();
        // One poll runs the code between two awaits, and keeps going through
        // states that do not have to wait.
        loop {
            match this {
                AddSlowly::Start { a, b } => {
                    let sum = *a + *b;
                    *this = AddSlowly::FirstWait {
                        sum,
                        countdown: Countdown::new(2),
                    };
                }
                AddSlowly::FirstWait { sum, countdown } => {
                    // `ready!` returns `Poll::Pending` from *this* function
                    // if the inner future is pending: that is what `.await`
                    // means inside an async fn.
                    ready!(Pin::new(countdown).poll(cx));
                    let doubled = *sum * 2;
                    *this = AddSlowly::SecondWait {
                        doubled,
                        countdown: Countdown::new(1),
                    };
                }
                AddSlowly::SecondWait { doubled, countdown } => {
                    ready!(Pin::new(countdown).poll(cx));
                    let output = *doubled + 1;
                    *this = AddSlowly::Done;
                    return Poll::Ready(output);
                }
                AddSlowly::Done => panic!("AddSlowly polled after it returned Ready"),
            }
        }
    }
}
// ANCHOR_END: state_poll

#[cfg(test)]
mod tests {
    use super::*;
    use futures_task::noop_waker;
    use std::pin::pin;

    /// Polls `future` with a no-op waker until it is ready; returns the output
    /// and how many polls returned `Pending`.
    fn run_by_hand<F: Future>(future: F) -> (F::Output, u32) {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        let mut pending = 0;
        loop {
            match future.as_mut().poll(&mut cx) {
                Poll::Ready(output) => return (output, pending),
                // Bounded so a broken state machine fails instead of looping.
                Poll::Pending if pending < 100 => pending += 1,
                Poll::Pending => panic!("still pending after 100 polls"),
            }
        }
    }

    #[test]
    fn both_give_the_same_result_after_the_same_number_of_pendings() {
        for (a, b) in [(0, 0), (2, 3), (10, 20)] {
            let from_async = run_by_hand(add_slowly(a, b));
            let by_hand = run_by_hand(AddSlowly::new(a, b));
            assert_eq!(from_async, by_hand);
            assert_eq!(by_hand, ((a + b) * 2 + 1, 3));
        }
    }

    #[test]
    fn both_run_under_block_on() {
        let outputs = testkit::timeout(|| {
            (
                crate::block_on(add_slowly(2, 3)),
                crate::block_on(AddSlowly::new(2, 3)),
            )
        });
        assert_eq!(outputs, (11, 11));
    }
}
