//! `cargo run -p ch08-channels`: the three primitives at work on chapter 6's
//! runtime: a reply over a oneshot, a producer slowed down by a full mpsc
//! channel, both ways a channel closes, and a Notify.

use std::sync::Arc;
use std::time::Duration;

use ch08_channels::mpsc::{self, TrySendError};
use ch08_channels::{oneshot, spawn, time, Notify, Runtime};

fn main() {
    let runtime = Runtime::new(2);
    runtime.block_on(async {
        reply().await;
        back_pressure().await;
        notify().await;
    });
}

// ANCHOR: reply
async fn reply() {
    let (tx, rx) = oneshot::channel();
    spawn(async move {
        let _ = tx.send(6 * 7);
    });
    println!("oneshot: the task answered {:?}", rx.await);

    let (tx, rx) = oneshot::channel::<u32>();
    spawn(async move { drop(tx) });
    println!("oneshot: the sender left without sending: {:?}", rx.await);
}
// ANCHOR_END: reply

// ANCHOR: back_pressure
async fn back_pressure() {
    let (tx, mut rx) = mpsc::channel(2);
    let producer = spawn(async move {
        for i in 0..6 {
            match tx.try_send(i) {
                Ok(()) => println!("mpsc: send({i}) went straight in"),
                Err(TrySendError::Full(i)) => {
                    tx.send(i).await.expect("the consumer is still there");
                    println!("mpsc: send({i}) waited for room");
                }
                Err(TrySendError::Closed(_)) => unreachable!("the consumer outlives us"),
            }
        }
        // `tx` is dropped here: the consumer learns that nothing more comes.
    });
    let mut received = 0;
    loop {
        time::sleep(Duration::from_millis(20)).await; // a slow consumer
        match rx.recv().await {
            Some(_) => received += 1,
            None => break,
        }
    }
    println!("mpsc: every sender gone: recv() -> None after {received} values");
    let _ = producer.await;

    let (tx, rx) = mpsc::channel(1);
    drop(rx);
    println!("mpsc: the receiver gone: send(7) -> {:?}", tx.send(7).await);
}
// ANCHOR_END: back_pressure

// ANCHOR: notify
async fn notify() {
    let notify = Arc::new(Notify::new());
    notify.notify_one(); // nobody waits yet: a permit is stored
    notify.notified().await;
    println!("notify: a notify_one that came first was kept as a permit");

    let (ready, mut all_ready) = mpsc::channel(3);
    let mut waiters = Vec::new();
    for n in 0..3 {
        let (notify, ready) = (notify.clone(), ready.clone());
        waiters.push(spawn(async move {
            let notified = notify.notified(); // waiting from here on
            ready.send(()).await.expect("main waits for all three");
            notified.await;
            n
        }));
    }
    for _ in 0..3 {
        all_ready.recv().await;
    }
    notify.notify_waiters();
    let mut woken = Vec::new();
    for waiter in waiters {
        woken.push(waiter.await.expect("a waiter finishes"));
    }
    println!("notify: notify_waiters woke waiters {woken:?}");
}
// ANCHOR_END: notify
