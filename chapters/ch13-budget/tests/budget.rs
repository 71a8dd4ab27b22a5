//! The budget on a real runtime: a task reading an always-ready socket
//! yields after `BUDGET` reads, a read that is `Pending` costs nothing,
//! `unconstrained` opts out, and `consume_budget` bounds a loop that
//! touches no socket.

use std::future::{poll_fn, Future};
use std::io::Write;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use ch13_budget::coop::{self, BUDGET};
use ch13_budget::net::{TcpListener, TcpStream};
use ch13_budget::task::{consume_budget, unconstrained};
use ch13_budget::{spawn, Runtime};

/// Far more one-byte reads than a budget, and little enough to sit in the
/// kernel's buffers of one loopback connection before anybody reads.
const PREFILL: usize = 32 * 1024;

/// A connection with `PREFILL` bytes waiting and the far end closed: every
/// read is ready until the last byte, and the one after it reads 0.
async fn prefilled() -> TcpStream {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let stream = TcpStream::connect(listener.local_addr().expect("addr"))
        .await
        .expect("connect");
    // The handshake is done: accept returns at once.
    let (mut peer, _) = listener.accept().expect("accept");
    peer.write_all(&[7; PREFILL]).expect("prefill");
    stream
}

// ANCHOR: hog
/// Reads one byte at a time until `other` has run or the data ends. After
/// its first byte (so the socket is known to be ready) it spawns `other`,
/// which only raises a flag; spawned from a task, `other` goes into the
/// worker's LIFO slot and runs when the hog's poll returns. Returns how many
/// bytes the hog read and whether it saw the flag.
async fn hog_then_other(mut stream: TcpStream) -> (usize, bool) {
    let ran = Arc::new(AtomicBool::new(false));
    let mut byte = [0u8; 1];
    let mut reads = 0;
    while !ran.load(Ordering::SeqCst) {
        match stream.read(&mut byte).await.expect("read") {
            0 => return (reads, false),
            _ => reads += 1,
        }
        if reads == 1 {
            let ran = ran.clone();
            drop(spawn(async move { ran.store(true, Ordering::SeqCst) }));
        }
    }
    (reads, true)
}
// ANCHOR_END: hog

// ANCHOR: hog_test
#[test]
fn a_hog_cannot_starve_another_task_on_its_worker() {
    let (reads, saw_other) = testkit::with_timeout(Duration::from_secs(20), || {
        let runtime = Runtime::new(1);
        runtime.block_on(async {
            let stream = prefilled().await;
            spawn(hog_then_other(stream))
                .await
                .expect("the hog panicked")
        })
    });
    assert!(
        saw_other,
        "the hog read all {reads} bytes before the other task ran"
    );
    // The read that found the budget spent yielded, and finishes when the
    // hog runs again, after the other task: then the hog sees the flag.
    assert_eq!(
        reads,
        BUDGET as usize + 1,
        "one budget of reads, a yield, then the read that yielded"
    );
}
// ANCHOR_END: hog_test

#[test]
fn unconstrained_lets_the_hog_starve_it_again() {
    let (reads, saw_other) = testkit::with_timeout(Duration::from_secs(20), || {
        let runtime = Runtime::new(1);
        runtime.block_on(async {
            let stream = prefilled().await;
            let hog = spawn(unconstrained(hog_then_other(stream)));
            hog.await.expect("the hog panicked")
        })
    });
    assert!(
        !saw_other && reads == PREFILL,
        "an unconstrained hog yielded after {reads} reads"
    );
}

#[test]
fn a_pending_read_gives_its_unit_back_and_a_ready_one_spends_it() {
    testkit::with_timeout(Duration::from_secs(20), || {
        let runtime = Runtime::new(1);
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let mut quiet = TcpStream::connect(listener.local_addr().expect("addr"))
                .await
                .expect("connect");
            let (_quiet_peer, _) = listener.accept().await.expect("accept");
            let mut busy = prefilled().await;
            let mut byte = [0u8; 1];
            // Waits for the data, so the next read is ready at once.
            busy.read(&mut byte).await.expect("read");
            poll_fn(|cx| {
                let before = coop::remaining().expect("a task has a budget");
                let mut nothing = [0u8; 1];
                let read = pin!(quiet.read(&mut nothing)).poll(cx);
                assert!(read.is_pending(), "nobody wrote to the quiet socket");
                assert_eq!(
                    coop::remaining(),
                    Some(before),
                    "a Pending read spent a unit"
                );
                let read = pin!(busy.read(&mut byte)).poll(cx);
                assert!(
                    matches!(read, Poll::Ready(Ok(1))),
                    "the busy socket was ready"
                );
                assert_eq!(coop::remaining(), Some(before - 1), "a ready read is free");
                Poll::Ready(())
            })
            .await;
        });
    });
}

#[test]
fn consume_budget_bounds_a_loop_that_touches_no_socket() {
    let rounds = testkit::within(
        Duration::from_secs(20),
        "a loop of consume_budget never let the other task run",
        || {
            let runtime = Runtime::new(1);
            runtime.block_on(async {
                spawn(async {
                    let ran = Arc::new(AtomicBool::new(false));
                    let flag = ran.clone();
                    drop(spawn(async move { flag.store(true, Ordering::SeqCst) }));
                    let mut rounds = 0usize;
                    while !ran.load(Ordering::SeqCst) {
                        consume_budget().await;
                        rounds += 1;
                    }
                    rounds
                })
                .await
                .expect("the loop panicked")
            })
        },
    );
    assert_eq!(
        rounds,
        BUDGET as usize + 1,
        "one budget of rounds, a yield, then the round that yielded"
    );
}

#[test]
fn a_task_draining_a_full_channel_yields_too() {
    let (received, saw_other) = testkit::with_timeout(Duration::from_secs(20), || {
        let runtime = Runtime::new(1);
        runtime.block_on(async {
            let (sender, mut receiver) = ch13_budget::sync::mpsc::channel(1024);
            for value in 0..1024 {
                sender.try_send(value).expect("room for every value");
            }
            spawn(async move {
                let ran = Arc::new(AtomicBool::new(false));
                let mut received = 0;
                while !ran.load(Ordering::SeqCst) {
                    match receiver.recv().await {
                        Some(_) => received += 1,
                        None => return (received, false),
                    }
                    if received == 1 {
                        let ran = ran.clone();
                        drop(spawn(async move { ran.store(true, Ordering::SeqCst) }));
                    }
                }
                drop(sender);
                (received, true)
            })
            .await
            .expect("the receiver panicked")
        })
    });
    assert!(
        saw_other,
        "the receiver took all {received} values before the other task ran"
    );
    assert_eq!(received, BUDGET as usize + 1);
}

#[test]
fn a_hog_that_spends_its_budget_lets_the_reactor_wake_a_reader() {
    let reads = testkit::with_timeout(Duration::from_secs(20), || {
        let runtime = Runtime::new(1);
        runtime.block_on(async {
            let mut hog_stream = prefilled().await;
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let mut quiet = TcpStream::connect(listener.local_addr().expect("addr"))
                .await
                .expect("connect");
            let (mut quiet_peer, _) = listener.accept().expect("accept");
            spawn(async move {
                let woke = Arc::new(AtomicBool::new(false));
                let flag = woke.clone();
                drop(spawn(async move {
                    let mut byte = [0u8; 1];
                    quiet.read(&mut byte).await.expect("read");
                    flag.store(true, Ordering::SeqCst);
                }));
                // The reader runs first, finds nothing and waits for the
                // reactor; only then does its byte arrive.
                ch13_budget::yield_now().await;
                quiet_peer.write_all(&[1]).expect("write");
                let mut byte = [0u8; 1];
                let mut reads = 0;
                while !woke.load(Ordering::SeqCst) {
                    match hog_stream.read(&mut byte).await.expect("read") {
                        0 => break,
                        _ => reads += 1,
                    }
                }
                reads
            })
            .await
            .expect("the hog panicked")
        })
    });
    // Without a look at the reactor when the budget runs out, the reader's
    // wake-up waits for the worker's maintenance, every 61st task: about
    // 61 budgets of reads, or the end of the data.
    assert!(
        reads <= BUDGET as usize + 1,
        "the hog read {reads} bytes before the reactor woke the reader"
    );
}
