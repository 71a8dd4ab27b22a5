//! Tests for Exercise 8.2 (bounded_send). Run them with
//! `cargo test -p ch08-exercises --test bounded_send`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use ch08_exercises::bounded_send::{channel, Receiver, Send, SendError};
use ch08_exercises::interleave;

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

type Sent<T> = Poll<Result<(), SendError<T>>>;

fn poll<T>(send: &mut Send<'_, T>, waker: &Waker) -> Sent<T> {
    Pin::new(send).poll(&mut Context::from_waker(waker))
}

fn recv<T>(rx: &mut Receiver<T>) -> Poll<T> {
    rx.poll_recv(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_full_channel_makes_the_sender_wait_without_spinning() {
    let (tx, mut rx) = channel(2);
    let (count, waker) = counter();
    assert_eq!(poll(&mut tx.send(1), &waker), Poll::Ready(Ok(())));
    assert_eq!(poll(&mut tx.send(2), &waker), Poll::Ready(Ok(())));
    let mut third = tx.send(3);
    assert!(
        poll(&mut third, &waker).is_pending(),
        "a third send into a channel of capacity 2 went in: no back-pressure"
    );
    assert_eq!(
        wakes(&count),
        0,
        "the waiting sender woke itself: a busy loop. Wait in `send_waiters`"
    );
    assert_eq!(recv(&mut rx), Poll::Ready(1));
    assert_eq!(wakes(&count), 1, "the freed slot did not wake the sender");
    assert_eq!(poll(&mut third, &waker), Poll::Ready(Ok(())));
    assert_eq!(
        (recv(&mut rx), recv(&mut rx)),
        (Poll::Ready(2), Poll::Ready(3))
    );
}

#[test]
fn a_send_wakes_the_waiting_receiver() {
    let (tx, mut rx) = channel(1);
    let (count, waker) = counter();
    assert!(rx.poll_recv(&mut Context::from_waker(&waker)).is_pending());
    assert_eq!(poll(&mut tx.send("hi"), Waker::noop()), Poll::Ready(Ok(())));
    assert_eq!(
        wakes(&count),
        1,
        "the receiver waits on an empty queue; queuing a value must wake it"
    );
}

#[test]
fn every_waiting_sender_gets_its_turn() {
    let (tx, mut rx) = channel(1);
    let tx2 = tx.clone();
    assert!(poll(&mut tx.send(0), Waker::noop()).is_ready());
    let (a_count, a) = counter();
    let (b_count, b) = counter();
    let (mut send_a, mut send_b) = (tx.send(1), tx2.send(2));
    assert!(poll(&mut send_a, &a).is_pending());
    assert!(poll(&mut send_b, &b).is_pending());
    assert_eq!(recv(&mut rx), Poll::Ready(0));
    assert_eq!(wakes(&a_count), 1, "the longest waiter is woken first");
    assert_eq!(poll(&mut send_a, &a), Poll::Ready(Ok(())));
    assert_eq!(recv(&mut rx), Poll::Ready(1));
    assert_eq!(
        wakes(&b_count),
        1,
        "the second waiting sender was never woken"
    );
    assert_eq!(poll(&mut send_b, &b), Poll::Ready(Ok(())));
    assert_eq!(recv(&mut rx), Poll::Ready(2));
}

#[test]
fn dropping_the_receiver_hands_every_waiting_sender_its_value_back() {
    let (tx, rx) = channel(1);
    assert!(poll(&mut tx.send(0), Waker::noop()).is_ready());
    let (a_count, a) = counter();
    let (b_count, b) = counter();
    let (mut send_a, mut send_b) = (tx.send(1), tx.send(2));
    assert!(poll(&mut send_a, &a).is_pending());
    assert!(poll(&mut send_b, &b).is_pending());
    drop(rx);
    assert_eq!(
        (wakes(&a_count), wakes(&b_count)),
        (1, 1),
        "the receiver's drop must wake every waiting sender, not just one"
    );
    assert_eq!(poll(&mut send_a, &a), Poll::Ready(Err(SendError(1))));
    assert_eq!(
        poll(&mut send_b, &b),
        Poll::Ready(Err(SendError(2))),
        "the receiver is gone: the send must fail and give the value back"
    );
    assert_eq!(poll(&mut tx.send(3), &a), Poll::Ready(Err(SendError(3))));
}

// ANCHOR: every_gap
#[test]
fn a_slot_freed_in_any_gap_of_the_poll_is_never_missed() {
    for gap in 0.. {
        let (tx, rx) = channel(1);
        assert!(poll(&mut tx.send(0), Waker::noop()).is_ready());
        let rx = Rc::new(RefCell::new(rx));
        let (count, waker) = counter();
        let mut send = tx.send(1);
        // The receiver takes a value right after the poll's `gap`-th unlock.
        let receiver = rx.clone();
        interleave::after_unlock(gap, move || {
            assert_eq!(recv(&mut receiver.borrow_mut()), Poll::Ready(0));
        });
        let first = poll(&mut send, &waker);
        if !interleave::ran() {
            break; // the poll unlocks fewer times than that: all gaps tried
        }
        if first.is_pending() {
            assert_eq!(
                wakes(&count),
                1,
                "the receiver freed a slot right after unlock number {gap} of \
                 your poll, and the sender was never woken: a lost wake-up. \
                 Look at the queue and join `send_waiters` under one lock"
            );
            assert_eq!(poll(&mut send, &waker), Poll::Ready(Ok(())));
        }
        drop(send);
        assert_eq!(recv(&mut rx.borrow_mut()), Poll::Ready(1));
    }
}
// ANCHOR_END: every_gap

#[test]
fn producers_and_a_consumer_on_the_runtime() {
    // A correct channel takes well under a second here.
    testkit::with_timeout(std::time::Duration::from_secs(10), || {
        let runtime = ch08_channels::Runtime::new(2);
        let sum = runtime.block_on(async {
            let (tx, mut rx) = channel::<u64>(2);
            tx.send(6_000).await.expect("the receiver is there");
            for _ in 0..3 {
                let tx = tx.clone();
                ch08_channels::spawn(async move {
                    for i in 0..2_000 {
                        tx.send(i).await.expect("the receiver is there");
                    }
                });
            }
            let mut sum = 0;
            for _ in 0..6_001 {
                sum += rx.recv().await;
            }
            sum
        });
        assert_eq!(sum, 6_000 + 3 * 1_999 * 2_000 / 2);
    });
}
