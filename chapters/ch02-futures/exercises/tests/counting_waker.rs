//! Tests for Exercise 2.1 (counting_waker).

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll};
use std::thread;

use ch02_exercises::counting_waker::counting_waker;
use ch02_futures::countdown::Countdown;

#[test]
fn a_new_waker_has_not_been_woken() {
    let (_waker, counter) = counting_waker();
    assert_eq!(counter.count(), 0);
}

#[test]
fn counts_wake_by_ref_and_wake() {
    let (waker, counter) = counting_waker();
    waker.wake_by_ref();
    waker.wake_by_ref();
    waker.wake(); // consumes the waker
    assert_eq!(
        counter.count(),
        3,
        "two wake_by_ref and one wake must count 3 (does the counter you return \
         share its count with the waker?)"
    );
}

#[test]
fn clones_share_one_count() {
    let (waker, counter) = counting_waker();
    let clone = waker.clone();
    clone.wake();
    waker.wake_by_ref();
    assert_eq!(counter.count(), 2);
}

#[test]
fn counts_wakes_from_other_threads() {
    // Four threads wake at the same time, many times each: a count that is
    // read and then written back in two steps loses some of them.
    const THREADS: usize = 4;
    const WAKES: usize = 500_000;
    let (waker, counter) = counting_waker();
    testkit::timeout(move || {
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let waker = waker.clone();
                let start = Arc::clone(&start);
                thread::spawn(move || {
                    start.wait();
                    (0..WAKES).for_each(|_| waker.wake_by_ref());
                })
            })
            .collect();
        threads
            .into_iter()
            .for_each(|t| t.join().expect("a waking thread panicked"));
    });
    let count = counter.count();
    assert_eq!(
        count,
        THREADS * WAKES,
        "{} of {} wake-ups from other threads were lost: two threads counted \
         at once and one overwrote the other (count with one atomic operation)",
        THREADS * WAKES - count.min(THREADS * WAKES),
        THREADS * WAKES
    );
}

#[test]
fn sees_a_future_wake_itself() {
    let (waker, counter) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut countdown = pin!(Countdown::new(3));
    while countdown.as_mut().poll(&mut cx) == Poll::Pending {}
    assert_eq!(counter.count(), 3, "Countdown wakes once per Pending");
}
