//! The channels' contracts, one poll at a time with counting wakers, and
//! on chapter 6's runtime across threads (with timeouts, so a lost wake-up
//! fails instead of hanging).

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use ch08_channels::{mpsc, oneshot, Notify, Runtime};

/// A waker that counts its wakes.
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

fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    std::pin::Pin::new(future).poll(&mut Context::from_waker(waker))
}

#[test]
fn oneshot_wakes_the_receiver_once_the_value_arrives() {
    let (tx, mut rx) = oneshot::channel();
    let (count, waker) = counter();
    assert!(poll_once(&mut rx, &waker).is_pending());
    assert_eq!(wakes(&count), 0, "a waiting receiver must not wake itself");
    tx.send(7).unwrap();
    assert_eq!(wakes(&count), 1);
    assert_eq!(poll_once(&mut rx, &waker), Poll::Ready(Ok(7)));
}

#[test]
fn oneshot_wakes_the_latest_waker() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    let (first, first_waker) = counter();
    let (second, second_waker) = counter();
    assert!(poll_once(&mut rx, &first_waker).is_pending());
    assert!(poll_once(&mut rx, &second_waker).is_pending());
    drop(tx);
    assert_eq!((wakes(&first), wakes(&second)), (0, 1));
    assert_eq!(
        poll_once(&mut rx, &second_waker),
        Poll::Ready(Err(oneshot::RecvError))
    );
}

#[test]
fn oneshot_send_to_a_dropped_receiver_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send("lost?"), Err("lost?"));
}

#[test]
fn oneshot_across_threads_never_loses_a_wake_up() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            for i in 0..2_000u32 {
                let (tx, rx) = oneshot::channel();
                let (back, answer) = oneshot::channel();
                ch08_channels::spawn(async move {
                    let value = rx.await.expect("the test sends");
                    back.send(value + 1).expect("the test waits");
                });
                tx.send(i).expect("the task waits");
                assert_eq!(answer.await, Ok(i + 1));
            }
        });
    });
}

#[test]
fn mpsc_a_full_channel_makes_the_sender_wait() {
    let (tx, mut rx) = mpsc::channel(2);
    let (count, waker) = counter();
    for i in 0..2 {
        assert_eq!(
            poll_once(&mut pin!(tx.send(i)), &waker),
            Poll::Ready(Ok(()))
        );
    }
    let mut third = tx.send(2);
    assert!(poll_once(&mut third, &waker).is_pending());
    assert_eq!(wakes(&count), 0);
    assert_eq!(tx.try_send(9), Err(mpsc::TrySendError::Full(9)));
    assert_eq!(rx.try_recv(), Some(0));
    assert_eq!(wakes(&count), 1, "a free slot wakes the waiting sender");
    assert_eq!(poll_once(&mut third, &waker), Poll::Ready(Ok(())));
    drop(third);
    assert_eq!(
        (rx.try_recv(), rx.try_recv(), rx.try_recv()),
        (Some(1), Some(2), None)
    );
}

#[test]
fn mpsc_each_free_slot_wakes_one_more_waiting_sender() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let (a_count, a) = counter();
    let (b_count, b) = counter();
    let (mut send_a, mut send_b) = (tx.send(1), tx.send(2));
    assert!(poll_once(&mut send_a, &a).is_pending());
    assert!(poll_once(&mut send_b, &b).is_pending());
    assert_eq!(rx.try_recv(), Some(0));
    assert_eq!(
        (wakes(&a_count), wakes(&b_count)),
        (1, 0),
        "longest waiter first"
    );
    assert!(poll_once(&mut send_a, &a).is_ready());
    assert_eq!(rx.try_recv(), Some(1));
    assert_eq!(wakes(&b_count), 1);
    assert!(poll_once(&mut send_b, &b).is_ready());
    assert_eq!(rx.try_recv(), Some(2));
}

#[test]
fn mpsc_a_woken_sender_that_gives_up_passes_its_turn_on() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let (_, a) = counter();
    let (b_count, b) = counter();
    let mut send_a = tx.send(1);
    let mut send_b = tx.send(2);
    assert!(poll_once(&mut send_a, &a).is_pending());
    assert!(poll_once(&mut send_b, &b).is_pending());
    assert_eq!(rx.try_recv(), Some(0)); // wakes A
    drop(send_a); // ... which goes away (a timeout fired, say)
    assert_eq!(
        wakes(&b_count),
        1,
        "the free slot's wake-up was lost with A"
    );
    assert!(poll_once(&mut send_b, &b).is_ready());
    assert_eq!(rx.try_recv(), Some(2));
}

#[test]
fn mpsc_the_receiver_drains_then_sees_the_senders_gone() {
    let (tx, mut rx) = mpsc::channel(4);
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    tx2.try_send(2).unwrap();
    let (count, waker) = counter();
    drop(tx);
    assert_eq!(
        poll_once(&mut pin!(rx.recv()), &waker),
        Poll::Ready(Some(1))
    );
    assert_eq!(
        poll_once(&mut pin!(rx.recv()), &waker),
        Poll::Ready(Some(2))
    );
    assert!(poll_once(&mut pin!(rx.recv()), &waker).is_pending());
    drop(tx2);
    assert_eq!(
        wakes(&count),
        1,
        "the last sender's drop wakes the receiver"
    );
    assert_eq!(poll_once(&mut pin!(rx.recv()), &waker), Poll::Ready(None));
}

#[test]
fn mpsc_dropping_the_receiver_fails_every_waiting_sender() {
    let (tx, rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let (a_count, a) = counter();
    let (b_count, b) = counter();
    let (mut send_a, mut send_b) = (tx.send(1), tx.send(2));
    assert!(poll_once(&mut send_a, &a).is_pending());
    assert!(poll_once(&mut send_b, &b).is_pending());
    drop(rx);
    assert_eq!((wakes(&a_count), wakes(&b_count)), (1, 1));
    assert_eq!(
        poll_once(&mut send_a, &a),
        Poll::Ready(Err(mpsc::SendError(1)))
    );
    assert_eq!(
        poll_once(&mut send_b, &b),
        Poll::Ready(Err(mpsc::SendError(2)))
    );
    assert!(tx.is_closed());
}

#[test]
fn mpsc_many_producers_on_the_runtime_deliver_everything() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let total = runtime.block_on(async {
            let (tx, mut rx) = mpsc::channel::<u64>(4);
            for p in 0..4u64 {
                let tx = tx.clone();
                ch08_channels::spawn(async move {
                    for i in 0..5_000 {
                        tx.send(p * 1_000_000 + i)
                            .await
                            .expect("the receiver waits");
                    }
                });
            }
            drop(tx);
            let mut next = [0u64; 4];
            while let Some(v) = rx.recv().await {
                let (p, i) = ((v / 1_000_000) as usize, v % 1_000_000);
                assert_eq!(i, next[p], "producer {p}'s values out of order");
                next[p] += 1;
            }
            next.iter().sum::<u64>()
        });
        assert_eq!(total, 20_000);
    });
}

#[test]
fn notify_one_before_the_wait_leaves_one_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one(); // still one permit, not two
    let (_, waker) = counter();
    assert!(poll_once(&mut pin!(notify.notified()), &waker).is_ready());
    assert!(poll_once(&mut pin!(notify.notified()), &waker).is_pending());
}

#[test]
fn notify_waiters_wakes_those_created_before_it_and_leaves_no_permit() {
    let notify = Notify::new();
    let (count, waker) = counter();
    let mut polled = pin!(notify.notified());
    let mut created = pin!(notify.notified()); // never polled before the call
    assert!(poll_once(&mut polled, &waker).is_pending());
    notify.notify_waiters();
    assert_eq!(wakes(&count), 1);
    assert!(poll_once(&mut polled, &waker).is_ready());
    assert!(poll_once(&mut created, &waker).is_ready());
    assert!(poll_once(&mut pin!(notify.notified()), &waker).is_pending());
}

#[test]
fn notify_one_handed_to_a_dropped_waiter_goes_to_the_next() {
    let notify = Notify::new();
    let (_, a) = counter();
    let (b_count, b) = counter();
    let mut first = Box::pin(notify.notified());
    let mut second = pin!(notify.notified());
    assert!(poll_once(&mut first, &a).is_pending());
    assert!(poll_once(&mut second, &b).is_pending());
    notify.notify_one(); // chooses `first`
    drop(first);
    assert_eq!(wakes(&b_count), 1);
    assert!(poll_once(&mut second, &b).is_ready());
}

#[test]
fn notify_across_threads_never_loses_a_wake_up() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            let ping = Arc::new(Notify::new());
            let pong = Arc::new(Notify::new());
            let (p, q) = (ping.clone(), pong.clone());
            let echo = ch08_channels::spawn(async move {
                for _ in 0..2_000 {
                    p.notified().await;
                    q.notify_one();
                }
            });
            for _ in 0..2_000 {
                ping.notify_one();
                pong.notified().await;
            }
            echo.await.expect("the echo task finishes");
        });
    });
}
