//! Tests for Exercise 2.2 (race).

use std::future::{pending, Future};
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ch02_exercises::race::{race, Either};
use ch02_futures::block_on;
use ch02_futures::countdown::Countdown;
use ch02_futures::timer::Timer;
use futures_task::noop_waker;

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    let waker = noop_waker();
    future.poll(&mut Context::from_waker(&waker))
}

#[test]
fn the_first_ready_future_wins() {
    let slow = async {
        Countdown::new(3).await;
        "slow"
    };
    let mut raced = pin!(race(slow, async { 7 }));
    assert_eq!(
        poll_once(raced.as_mut()),
        Poll::Ready(Either::Right(7)),
        "the right future was ready at the first poll: poll it too while the left \
         one is pending"
    );
}

#[test]
fn left_wins_a_tie() {
    let mut raced = pin!(race(async { 'l' }, async { 'r' }));
    assert_eq!(
        poll_once(raced.as_mut()),
        Poll::Ready(Either::Left('l')),
        "both were ready at the first poll: Left must win a tie (poll `a` first)"
    );
}

#[test]
fn the_loser_is_dropped_as_soon_as_the_race_is_decided() {
    let counter = testkit::DropCounter::new();
    let token = counter.token();
    let loser = async move {
        let _token = token; // dropped when the loser is dropped
        pending::<()>().await;
    };
    let mut raced = pin!(race(loser, async { 7 }));
    assert_eq!(poll_once(raced.as_mut()), Poll::Ready(Either::Right(7)));
    // `raced` itself is still alive here.
    assert_eq!(
        counter.alive(),
        0,
        "race returned the winner's output but still holds the loser: drop the \
         loser when the race is decided (it may hold a socket, a lock or a timer)"
    );
}

#[test]
fn pending_while_both_are_pending() {
    let mut raced = pin!(race(Countdown::new(2), Countdown::new(3)));
    assert_eq!(poll_once(raced.as_mut()), Poll::Pending);
    assert_eq!(poll_once(raced.as_mut()), Poll::Pending);
    assert_eq!(poll_once(raced.as_mut()), Poll::Ready(Either::Left(())));
}

#[test]
fn does_not_wait_for_the_loser() {
    // The loser never finishes; a race that waits for both hangs, and the
    // timeout turns that into a failure.
    let counter = testkit::DropCounter::new();
    let token = counter.token();
    let winner = testkit::with_timeout(Duration::from_secs(5), || {
        block_on(race(
            async move {
                let _token = token; // dropped when the loser is dropped
                pending::<()>().await;
            },
            async {
                Timer::new(Duration::from_millis(20)).await;
                "timer"
            },
        ))
    });
    assert_eq!(winner, Either::Right("timer"));
    assert_eq!(counter.alive(), 0, "the unfinished loser was never dropped");
}
