//! Drop means cancel; abort on an idle and on a running task; select2; and
//! cancellation safety, shown on an in-memory stream whose bytes the test
//! hands out exactly.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ch08_channels::{oneshot, Notify};
use ch09_cancellation::framed::{encode, read_message_naive, MessageReader};
use ch09_cancellation::pipe::Pipe;
use ch09_cancellation::{select2, spawn, time, yield_now, Either, Runtime};
use testkit::DropCounter;

fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    std::pin::Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_timeout_drops_the_future_it_gave_up_on() {
    testkit::timeout(|| {
        let drops = DropCounter::new();
        let token = drops.token();
        let runtime = Runtime::new(2);
        let result = runtime.block_on(time::timeout(Duration::from_millis(20), async move {
            let _token = token;
            std::future::pending::<()>().await
        }));
        assert!(result.is_err(), "the future never finishes");
        assert_eq!(drops.alive(), 0, "the timed-out future was not dropped");
    });
}

#[test]
fn dropping_a_join_handle_does_not_cancel_the_task() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            let (go, wait) = oneshot::channel::<()>();
            let (done, finished) = oneshot::channel();
            drop(spawn(async move {
                let _ = wait.await;
                let _ = done.send("ran to the end");
            }));
            go.send(()).expect("the task is alive, detached");
            assert_eq!(finished.await, Ok("ran to the end"));
        });
    });
}

#[test]
fn abort_on_an_idle_task_drops_its_future() {
    testkit::timeout(|| {
        let drops = DropCounter::new();
        let token = drops.token();
        let runtime = Runtime::new(2);
        runtime.block_on(async move {
            let (_never, wait) = oneshot::channel::<()>();
            let (started, running) = oneshot::channel();
            let task = spawn(async move {
                let _token = token;
                let _ = started.send(());
                let _ = wait.await; // idle here, for ever
            });
            running.await.expect("the task starts");
            task.abort();
            let result = task.await;
            assert!(result.is_err_and(|e| e.is_cancelled()));
        });
        assert_eq!(
            drops.alive(),
            0,
            "the aborted task's future was not dropped"
        );
    });
}

// ANCHOR: abort_running
#[test]
fn abort_on_a_running_task_takes_effect_at_its_next_yield() {
    testkit::timeout(|| {
        let drops = DropCounter::new();
        let token = drops.token();
        let polls = Arc::new(AtomicUsize::new(0));
        let (in_poll, running) = mpsc::channel();
        let (go_on, go) = mpsc::channel::<()>();
        let runtime = Runtime::new(2);
        let counted = polls.clone();
        let task = runtime.spawn(async move {
            let _token = token;
            loop {
                counted.fetch_add(1, Ordering::SeqCst);
                // A long stretch of work inside one poll, which nothing
                // can interrupt: the test aborts the task right here.
                in_poll.send(()).expect("the test waits");
                let _ = go.recv();
                yield_now().await;
            }
        });
        running.recv().expect("the task is in its first poll");
        task.abort();
        go_on.send(()).expect("the task waits for it");
        let result = runtime.block_on(task);
        assert!(result.is_err_and(|e| e.is_cancelled()));
        assert_eq!(polls.load(Ordering::SeqCst), 1, "polled again after abort");
        assert_eq!(drops.alive(), 0, "the future was not dropped");
    });
}
// ANCHOR_END: abort_running

#[test]
fn select2_returns_the_first_and_drops_the_other() {
    testkit::timeout(|| {
        let drops = DropCounter::new();
        let token = drops.token();
        let runtime = Runtime::new(2);
        let winner = runtime.block_on(async move {
            let slow = pin!(async move {
                let _token = token;
                time::sleep(Duration::from_secs(60)).await;
                "slow"
            });
            let fast = pin!(async {
                time::sleep(Duration::from_millis(10)).await;
                "fast"
            });
            select2(slow, fast).await
        });
        assert_eq!(winner, Either::Right("fast"));
        assert_eq!(drops.alive(), 0, "the loser was not dropped");
    });
}

/// The scene of the bug: a read loop that also waits for a signal (a
/// timer tick, a shutdown), and the signal wins while a message is half
/// read. Returns the next message the reader produces.
fn read_across_a_lost_race(reader: impl Fn(&Pipe) -> Poll<Vec<u8>>, pipe: &Pipe) -> Poll<Vec<u8>> {
    pipe.write(&[0, 0, 0, 5, b'h', b'e']); // "hello", cut after two bytes
    let _ = reader(pipe); // reads what is there, then waits: dropped
    assert_eq!(pipe.unread(), 0, "the reader took the partial message");
    pipe.write(b"llo");
    pipe.write(&encode(b"next"));
    reader(pipe)
}

// ANCHOR: cancel_safe_test
#[test]
fn a_message_reader_survives_losing_a_select_half_way_through_a_message() {
    let pipe = Pipe::new();
    let notify = Notify::new();
    let mut reader = MessageReader::new();
    let mut stream = pipe.clone();
    pipe.write(&[0, 0, 0, 5, b'h', b'e']); // "hello", cut after two bytes
    {
        let read = pin!(reader.read_message(&mut stream));
        let tick = pin!(notify.notified());
        let mut race = select2(read, tick);
        assert!(poll_once(&mut race).is_pending(), "half a message");
        notify.notify_one(); // the tick (or the shutdown) wins the race
        assert!(matches!(
            poll_once(&mut race),
            Poll::Ready(Either::Right(()))
        ));
    } // the race and the read in it are dropped here
    pipe.write(b"llo");
    pipe.write(&encode(b"next"));
    let next = poll_once(&mut pin!(reader.read_message(&mut stream)));
    assert!(matches!(next, Poll::Ready(Ok(Some(m))) if m == b"hello"));
    let next = poll_once(&mut pin!(reader.read_message(&mut stream)));
    assert!(matches!(next, Poll::Ready(Ok(Some(m))) if m == b"next"));
}
// ANCHOR_END: cancel_safe_test

#[test]
fn the_naive_reader_loses_the_partial_message() {
    let pipe = Pipe::new();
    let next = read_across_a_lost_race(
        |pipe| {
            let mut stream = pipe.clone();
            let polled = poll_once(&mut pin!(read_message_naive(&mut stream)));
            match polled {
                Poll::Ready(Ok(message)) => Poll::Ready(message),
                Poll::Ready(Err(e)) => Poll::Ready(format!("error: {e}").into_bytes()),
                Poll::Pending => Poll::Pending,
            }
        },
        &pipe,
    );
    // "llo" plus the next header's first byte were taken for a length.
    assert_eq!(
        next,
        Poll::Ready(b"error: a message of 1819045632 bytes is over the limit of 1048576".to_vec()),
        "this test documents the bug; if it fails, the naive reader changed"
    );
}

#[test]
fn messages_split_anywhere_and_a_clean_end() {
    let pipe = Pipe::new();
    let mut bytes = encode(b"one");
    bytes.extend(encode(b""));
    bytes.extend(encode(b"three"));
    let mut reader = MessageReader::new();
    let mut stream = pipe.clone();
    let mut got = Vec::new();
    for byte in bytes {
        pipe.write(&[byte]);
        while let Poll::Ready(result) = poll_once(&mut pin!(reader.read_message(&mut stream))) {
            got.push(result.expect("valid stream").expect("not the end yet"));
        }
    }
    assert_eq!(got, [b"one".to_vec(), b"".to_vec(), b"three".to_vec()]);
    pipe.close();
    let end = poll_once(&mut pin!(reader.read_message(&mut stream)));
    assert!(matches!(end, Poll::Ready(Ok(None))));
}
