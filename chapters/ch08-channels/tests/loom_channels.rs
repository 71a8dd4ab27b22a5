//! Loom models of the channels: every interleaving (up to the preemption
//! bound) of a sender and a receiver on two threads, looking for a lost
//! wake-up. `loom::future::block_on` parks its thread until its waker is
//! called, so a wake-up that never comes is reported by loom as a
//! deadlock. The channels' shared state sits in a loom `Arc`, so a leak
//! fails the model too.
//!
//! Run with (`cargo xtask loom` runs every model this way):
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom cargo test -p ch08-channels --test loom_channels --release`
#![cfg(loom)]

use ch08_channels::{mpsc, oneshot, Notify};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use testkit::model::check;

// ANCHOR: oneshot_model
#[test]
fn oneshot_send_races_the_receivers_first_poll() {
    check("oneshot send", || {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(7).expect("the receiver waits"));
        assert_eq!(block_on(rx), Ok(7));
        sender.join().expect("the sender does not panic");
    });
}
// ANCHOR_END: oneshot_model

#[test]
fn oneshot_sender_dropped_without_sending() {
    check("oneshot drop", || {
        let (tx, rx) = oneshot::channel::<u8>();
        let sender = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx), Err(oneshot::RecvError));
        sender.join().expect("the sender does not panic");
    });
}

#[test]
fn mpsc_sender_waits_for_room_and_the_receiver_sees_the_close() {
    check("mpsc back-pressure", || {
        let (tx, mut rx) = mpsc::channel(1);
        let sender = thread::spawn(move || {
            block_on(async {
                tx.send(1).await.expect("the receiver is there");
                tx.send(2).await.expect("the receiver is there");
            })
        });
        block_on(async {
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(rx.recv().await, Some(2));
            assert_eq!(rx.recv().await, None);
        });
        sender.join().expect("the sender does not panic");
    });
}

#[test]
fn mpsc_dropping_the_receiver_releases_a_waiting_sender() {
    check("mpsc receiver drop", || {
        let (tx, rx) = mpsc::channel(1);
        tx.try_send(0).expect("room for one");
        let sender = thread::spawn(move || block_on(tx.send(1)));
        drop(rx);
        assert_eq!(
            sender.join().expect("the sender does not panic"),
            Err(mpsc::SendError(1))
        );
    });
}

#[test]
fn notify_one_races_the_waiter() {
    check("notify_one", || {
        let notify = Arc::new(Notify::new());
        let other = notify.clone();
        let notifier = thread::spawn(move || other.notify_one());
        block_on(notify.notified());
        notifier.join().expect("the notifier does not panic");
    });
}
