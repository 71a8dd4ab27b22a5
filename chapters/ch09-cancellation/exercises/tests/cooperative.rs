//! Tests for Exercise 9.1 (cooperative). Run them with
//! `cargo test -p ch09-exercises --test cooperative`.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use ch08_channels::oneshot;
use ch09_cancellation::{JoinHandle, Runtime};
use ch09_exercises::cooperative::process;

/// Polls `process` by hand to the end; returns (its result, how many times
/// it returned `Pending`, that is, yielded).
fn run_by_hand(items: usize, every: usize) -> (usize, usize) {
    let mut future = pin!(process(vec![(); items], every, |()| {}));
    let mut cx = Context::from_waker(Waker::noop());
    let mut yields = 0;
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(done) => return (done, yields),
            Poll::Pending => yields += 1,
        }
    }
}

#[test]
fn it_yields_after_every_few_items() {
    assert_eq!(
        run_by_hand(10, 4),
        (10, 2),
        "10 items, a yield after every 4: after items 4 and 8, and it \
         returns 10"
    );
    assert_eq!(
        run_by_hand(3, 1),
        (3, 3),
        "every = 1: a yield after each item"
    );
    assert_eq!(run_by_hand(0, 5), (0, 0), "no items, no yields");
}

/// Spawns `process` over 100 items on one worker; the 10th item's work
/// aborts the task itself. Returns how many items were processed.
fn aborted_at_item_ten(every: usize) -> usize {
    testkit::timeout(move || {
        let runtime = Runtime::new(1);
        let handle: Arc<Mutex<Option<JoinHandle<usize>>>> = Arc::default();
        let seen = Arc::new(Mutex::new(0));
        let (start, started) = oneshot::channel::<()>();
        let (inside, counted) = (handle.clone(), seen.clone());
        let task = runtime.spawn(async move {
            let _ = started.await; // the handle is stored first
            process(vec![(); 100], every, |()| {
                let mut seen = counted.lock().expect("no panic holds it");
                *seen += 1;
                if *seen == 10 {
                    let task = inside.lock().expect("no panic holds it");
                    task.as_ref().expect("stored before the start").abort();
                }
            })
            .await
        });
        *handle.lock().expect("no panic holds it") = Some(task);
        start.send(()).expect("the task waits for it");
        // Awaited where it lies: the task's own work needs it, to abort.
        let result = runtime.block_on(std::future::poll_fn(|cx| {
            let mut task = handle.lock().expect("no panic holds it");
            Pin::new(task.as_mut().expect("stored above")).poll(cx)
        }));
        assert!(
            result.as_ref().is_err_and(|e| e.is_cancelled()),
            "the task was aborted at item 10 and still finished: {result:?}. \
             An abort takes effect only where the task yields"
        );
        let seen = *seen.lock().expect("no panic holds it");
        seen
    })
}

#[test]
fn an_abort_takes_effect_at_the_next_yield() {
    assert_eq!(
        aborted_at_item_ten(4),
        12,
        "aborted during item 10, with a yield after every 4 items: items 11 \
         and 12 still run, then the yield after item 12 is where it stops"
    );
    assert_eq!(
        aborted_at_item_ten(1),
        10,
        "every = 1: it stops right after item 10"
    );
}
