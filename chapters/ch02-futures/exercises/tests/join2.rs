//! Tests for Exercise 2.3 (join2).

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ch02_exercises::join2::join2;
use ch02_futures::block_on;
use ch02_futures::countdown::Countdown;
use ch02_futures::timer::{count_polls, Timer};
use futures_task::noop_waker;

/// Polls `future` by hand with a no-op waker, at most `limit` times.
/// Returns the output and the number of polls, or `None` if still pending.
fn poll_by_hand<F: Future>(future: F, limit: u32) -> Option<(F::Output, u32)> {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    (1..=limit).find_map(|poll| match future.as_mut().poll(&mut cx) {
        Poll::Ready(out) => Some((out, poll)),
        Poll::Pending => None,
    })
}

#[test]
fn returns_both_outputs() {
    let out = testkit::timeout(|| block_on(join2(async { 1 }, async { "two" })));
    assert_eq!(out, (1, "two"));
}

#[test]
fn polls_the_second_even_while_the_first_is_pending() {
    // `first` can only finish after `second` has run. A join that drives
    // `first` to the end before touching `second` never finishes.
    // (Polled by hand, so `first` need not arrange a wake-up when pending.)
    let flag = Cell::new(false);
    let first = poll_fn(|_| {
        if flag.get() {
            Poll::Ready("first")
        } else {
            Poll::Pending
        }
    });
    let second = async {
        flag.set(true);
        "second"
    };
    let (outputs, polls) = poll_by_hand(join2(first, second), 10).expect(
        "the join was still pending after 10 polls: while the first future is pending, \
         poll the second one too (the first one is waiting for it)",
    );
    assert_eq!(outputs, ("first", "second"));
    // Two polls if `first` is polled first, one if `second` is.
    assert!(polls <= 2, "took {polls} polls");
}

#[test]
fn never_polls_a_finished_future_again() {
    // An `async` block panics if it is polled after it returned Ready, so a
    // join that keeps polling the quick side fails here.
    let quick = async { 'q' };
    let slow = Countdown::new(3);
    let result =
        std::panic::catch_unwind(AssertUnwindSafe(|| poll_by_hand(join2(quick, slow), 10)))
            .unwrap_or_else(|_| {
                panic!(
                    "the join panicked: it polled the quick `async` block again after it \
                     returned Ready (\"`async fn` resumed after completion\"); keep a \
                     finished side's output and stop polling that side"
                )
            });
    assert_eq!(
        result,
        Some((('q', ()), 4)),
        "expected both outputs after 4 polls (the slow side counts down 3 times)"
    );
}

#[test]
fn waits_for_the_slower_side() {
    let ((a, b), _) = poll_by_hand(join2(async { 1 }, Countdown::new(5)), 100)
        .expect("the join was still pending after 100 polls, though both sides finish within 6");
    assert_eq!((a, b), (1, ()));
}

#[test]
fn runs_two_timers_at_once_without_spinning() {
    let (out, polls) = testkit::timeout(|| {
        let joined = join2(
            async {
                Timer::new(Duration::from_millis(50)).await;
                'a'
            },
            async {
                Timer::new(Duration::from_millis(50)).await;
                'b'
            },
        );
        block_on(count_polls(joined))
    });
    assert_eq!(out, ('a', 'b'));
    // One poll to start both timers, then at most one per wake-up.
    assert!(
        polls <= 3,
        "the join was polled {polls} times for two 50 ms timers: a future that wakes \
         itself whenever it returns Pending makes its task spin (leave the waking to the \
         timers, which hold the waker)"
    );
}
