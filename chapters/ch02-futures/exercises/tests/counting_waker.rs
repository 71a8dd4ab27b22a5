//! Tests for Exercise 2.1 (counting_waker).

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

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
    // Four threads wake at the same time, for long enough to be preempted
    // many times each: a count that is read and then written back in two
    // steps loses wake-ups both when two threads run at once and when one
    // is preempted between its read and its write. A fixed number of wakes
    // could finish inside one time slice on a busy machine, and lose none.
    const THREADS: usize = 4;
    const FOR: Duration = Duration::from_millis(300);
    let (waker, counter) = counting_waker();
    let woken = testkit::timeout(move || {
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let waker = waker.clone();
                let start = Arc::clone(&start);
                thread::spawn(move || {
                    start.wait();
                    let deadline = Instant::now() + FOR;
                    let mut woken = 0;
                    while Instant::now() < deadline {
                        (0..1_000).for_each(|_| waker.wake_by_ref());
                        woken += 1_000;
                    }
                    woken
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a waking thread panicked"))
            .sum::<usize>()
    });
    let count = counter.count();
    assert_eq!(
        count,
        woken,
        "{} of {woken} wake-ups from other threads were lost: two threads \
         counted at once and one overwrote the other (count with one atomic \
         operation)",
        woken - count.min(woken),
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
