//! Tests for Exercise 2.3 (counting_waker).

use std::future::Future;
use std::pin::pin;
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
    assert_eq!(counter.count(), 3);
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
    let (waker, counter) = counting_waker();
    testkit::timeout(move || {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let waker = waker.clone();
                thread::spawn(move || (0..250).for_each(|_| waker.wake_by_ref()))
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
    });
    assert_eq!(counter.count(), 1000);
}

#[test]
fn sees_a_future_wake_itself() {
    let (waker, counter) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut countdown = pin!(Countdown::new(3));
    while countdown.as_mut().poll(&mut cx) == Poll::Pending {}
    assert_eq!(counter.count(), 3, "Countdown wakes once per Pending");
}
