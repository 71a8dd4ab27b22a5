//! Tests for Exercise 8.1 (oneshot_recv). Run them with
//! `cargo test -p ch08-exercises --test oneshot_recv`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use ch08_exercises::interleave;
use ch08_exercises::oneshot_recv::{channel, Receiver, RecvError};

#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (count.clone(), Waker::from(count))
}

fn wakes(count: &Count) -> usize {
    count.0.load(Ordering::SeqCst)
}

fn poll<T>(rx: &mut Receiver<T>, waker: &Waker) -> Poll<Result<T, RecvError>> {
    Pin::new(rx).poll(&mut Context::from_waker(waker))
}

#[test]
fn a_value_sent_before_the_first_poll_is_received() {
    let (tx, mut rx) = channel();
    tx.send(7);
    let (_, waker) = counter();
    assert_eq!(
        poll(&mut rx, &waker),
        Poll::Ready(Ok(7)),
        "the value was sent (and then the sender dropped, as `send` does): \
         look for the value before you look at `sender_gone`"
    );
}

#[test]
fn a_waiting_receiver_sleeps_until_the_value_comes() {
    let (tx, mut rx) = channel();
    let (count, waker) = counter();
    assert!(poll(&mut rx, &waker).is_pending());
    assert_eq!(
        wakes(&count),
        0,
        "the receiver woke itself while nothing had happened: a busy loop. \
         Store the waker and let the sender wake it"
    );
    tx.send("hello");
    assert_eq!(
        wakes(&count),
        1,
        "the send did not wake the waiting receiver"
    );
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok("hello")));
}

#[test]
fn a_sender_dropped_without_sending_ends_the_wait() {
    let (tx, mut rx) = channel::<u32>();
    let (count, waker) = counter();
    assert!(poll(&mut rx, &waker).is_pending());
    drop(tx);
    assert_eq!(
        wakes(&count),
        1,
        "dropping the sender must wake the receiver"
    );
    assert_eq!(
        poll(&mut rx, &waker),
        Poll::Ready(Err(RecvError)),
        "the sender is gone and no value came: return Err(RecvError), or the \
         receiver waits for ever"
    );

    let (tx, mut rx) = channel::<u32>();
    drop(tx);
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Err(RecvError)));
}

#[test]
fn the_latest_waker_is_the_one_woken() {
    let (tx, mut rx) = channel();
    let (first, first_waker) = counter();
    let (second, second_waker) = counter();
    assert!(poll(&mut rx, &first_waker).is_pending());
    // The receiver moved to another task, which polls it with its waker.
    assert!(poll(&mut rx, &second_waker).is_pending());
    tx.send(1);
    assert_eq!(
        (wakes(&first), wakes(&second)),
        (0, 1),
        "the send woke the task that polled first, not the one that polls \
         the receiver now: replace a stored waker that would not wake the \
         same task (`Waker::will_wake`)"
    );
}

// ANCHOR: every_gap
#[test]
fn a_send_in_any_gap_of_the_poll_is_never_lost() {
    for gap in 0.. {
        let (tx, mut rx) = channel();
        let (count, waker) = counter();
        // The sender acts right after the poll's `gap`-th unlock.
        interleave::after_unlock(gap, move || tx.send(42));
        let first = poll(&mut rx, &waker);
        if !interleave::ran() {
            break; // the poll unlocks fewer times than that: all gaps tried
        }
        if first.is_pending() {
            assert_eq!(
                wakes(&count),
                1,
                "the value arrived right after unlock number {gap} of your \
                 poll, and nobody woke the receiver: a lost wake-up. Look \
                 for the value and store the waker under one lock"
            );
            assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(42)));
        } else {
            assert_eq!(first, Poll::Ready(Ok(42)));
        }
    }
}
// ANCHOR_END: every_gap

#[test]
fn values_cross_threads_on_the_runtime() {
    testkit::timeout(|| {
        let runtime = ch08_channels::Runtime::new(2);
        runtime.block_on(async {
            for i in 0..300u32 {
                let (tx, rx) = channel();
                let (back, answer) = channel();
                ch08_channels::spawn(async move {
                    let value = rx.await.expect("the test sends");
                    back.send(value + 1);
                });
                tx.send(i);
                assert_eq!(answer.await, Ok(i + 1));
            }
        });
    });
}
