//! Tests for Exercise 7.4 (abort_on_drop). Run them with
//! `cargo test -p ch07-exercises --test abort_on_drop`.

use std::future::{pending, poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use ch07_exercises::abort_on_drop::{abortable, Aborted};
use ch07_fetch::Runtime;
use testkit::DropCounter;

/// A waker that counts its wake-ups.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counted() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (count.clone(), Waker::from(count))
}

fn wakes(count: &Count) -> usize {
    count.0.load(Ordering::SeqCst)
}

/// A future that never finishes and counts its polls.
fn idle(polls: Arc<AtomicUsize>) -> impl Future<Output = ()> {
    poll_fn(move |_| {
        polls.fetch_add(1, Ordering::SeqCst);
        Poll::Pending
    })
}

#[test]
fn an_idle_task_is_dropped_when_its_guard_drops() {
    testkit::within(
        Duration::from_secs(10),
        "the aborted task's future was never dropped: an idle task is \
         polled again only if something wakes it",
        || {
            let runtime = Runtime::new(2);
            let drops = DropCounter::new();
            let (started, has_started) = mpsc::channel();
            let (dropped, was_dropped) = mpsc::channel::<()>();
            let token = drops.token();
            let (future, guard) = abortable(async move {
                // Dropped with the future, after the token (locals drop in
                // reverse order): the test hears of it at once.
                let _tell = Tell(dropped);
                let _token = token;
                started.send(()).unwrap();
                pending::<u32>().await
            });
            let handle = runtime.spawn(future);
            has_started.recv().unwrap();
            // The task now waits for nothing that will ever happen.
            drop(guard);
            was_dropped.recv().unwrap();
            assert_eq!(drops.alive(), 0);
            assert_eq!(runtime.block_on(handle).unwrap(), Err(Aborted));
        },
    );
}

/// Sends on its channel when dropped.
struct Tell(mpsc::Sender<()>);

impl Drop for Tell {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn an_aborted_future_is_dropped_at_once_and_never_polled_again() {
    let polls = Arc::new(AtomicUsize::new(0));
    let drops = DropCounter::new();
    let token = drops.token();
    let inner = idle(polls.clone());
    let (future, guard) = abortable(async move {
        let _token = token;
        inner.await
    });
    let mut future = pin!(future);
    let (woken, waker) = counted();
    let mut cx = Context::from_waker(&waker);
    assert!(future.as_mut().poll(&mut cx).is_pending());
    assert_eq!(polls.load(Ordering::SeqCst), 1);
    drop(guard);
    assert_eq!(wakes(&woken), 1, "dropping the guard wakes the task once");
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(Err(Aborted)));
    assert_eq!(
        polls.load(Ordering::SeqCst),
        1,
        "the inner future was polled after the abort: look at the flag first"
    );
    assert_eq!(
        drops.alive(),
        0,
        "the aborted future must be dropped by the poll that sees the \
         abort, not later when the Abortable itself is dropped"
    );
}

#[test]
fn the_abort_wakes_the_latest_waker() {
    let (future, guard) = abortable(idle(Arc::default()));
    let mut future = pin!(future);
    let (first, first_waker) = counted();
    let (latest, latest_waker) = counted();
    assert!(future
        .as_mut()
        .poll(&mut Context::from_waker(&first_waker))
        .is_pending());
    // Moved to another task (a JoinSet, a select): polled with a new waker.
    assert!(future
        .as_mut()
        .poll(&mut Context::from_waker(&latest_waker))
        .is_pending());
    drop(guard);
    assert_eq!(
        (wakes(&first), wakes(&latest)),
        (0, 1),
        "the abort must wake the task that polled the future last"
    );
}

#[test]
fn a_guard_dropped_before_the_first_poll_means_no_poll_at_all() {
    let polls = Arc::new(AtomicUsize::new(0));
    let (future, guard) = abortable(idle(polls.clone()));
    drop(guard);
    let mut future = pin!(future);
    let (_, waker) = counted();
    assert_eq!(
        future.as_mut().poll(&mut Context::from_waker(&waker)),
        Poll::Ready(Err(Aborted))
    );
    assert_eq!(polls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_future_that_finishes_keeps_its_output() {
    testkit::timeout(|| {
        let runtime = Runtime::new(1);
        let (future, guard) = abortable(async { 7 });
        let output = runtime.block_on(runtime.spawn(future)).unwrap();
        drop(guard);
        assert_eq!(output, Ok(7));
    });
}
