//! Tests for Exercise 3.1 (output_slot).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use ch03_exercises::output_slot::{OutputSlot, Wait};
use ch03_global_queue::Runtime;

/// A waker that counts its wake-ups.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    (counter.clone(), Waker::from(counter))
}

#[test]
fn a_value_completed_before_the_poll_is_ready_at_once() {
    let slot = OutputSlot::new();
    slot.complete(7);
    let (counter, waker) = counting_waker();
    assert_eq!(
        slot.poll_take(&mut Context::from_waker(&waker)),
        Poll::Ready(7)
    );
    assert_eq!(
        counter.wakes.load(Ordering::SeqCst),
        0,
        "nobody was waiting: wake nobody"
    );
}

#[test]
fn a_poll_before_the_value_stores_the_waker_and_complete_wakes_it_once() {
    let slot = OutputSlot::new();
    let (counter, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(slot.poll_take(&mut cx), Poll::Pending);
    assert_eq!(
        slot.poll_take(&mut cx),
        Poll::Pending,
        "polling again is allowed"
    );
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 0);
    slot.complete("done");
    assert_eq!(counter.wakes.load(Ordering::SeqCst), 1);
    assert_eq!(slot.poll_take(&mut cx), Poll::Ready("done"));
}

#[test]
fn only_the_latest_waker_is_woken() {
    // A JoinHandle can move to another task between two polls: the old
    // task's waker is stale, and waking it would wake the wrong task.
    let slot = OutputSlot::new();
    let (old, old_waker) = counting_waker();
    let (new, new_waker) = counting_waker();
    assert_eq!(
        slot.poll_take(&mut Context::from_waker(&old_waker)),
        Poll::Pending
    );
    assert_eq!(
        slot.poll_take(&mut Context::from_waker(&new_waker)),
        Poll::Pending
    );
    slot.complete(1);
    assert_eq!(
        old.wakes.load(Ordering::SeqCst),
        0,
        "complete woke the waker of the first poll, not the latest one: a later poll \
         must replace the stored waker"
    );
    assert_eq!(new.wakes.load(Ordering::SeqCst), 1);
}

#[test]
fn the_first_complete_wins() {
    let slot = OutputSlot::new();
    let (counter, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(slot.poll_take(&mut cx), Poll::Pending);
    slot.complete(String::from("first"));
    slot.complete(String::from("second"));
    assert_eq!(
        counter.wakes.load(Ordering::SeqCst),
        1,
        "a second complete woke again"
    );
    assert_eq!(
        slot.poll_take(&mut cx),
        Poll::Ready(String::from("first")),
        "only the first complete counts: a later one must not replace the value"
    );
    // Taken, and a late complete must not refill it.
    slot.complete(String::from("third"));
    assert_eq!(slot.poll_take(&mut cx), Poll::Pending);
}

/// Polls the slot again from inside `wake`, as an executor that polls
/// in place would. Deadlocks if `complete` still holds the lock.
struct PollsOnWake {
    slot: Arc<OutputSlot<u32>>,
    seen: Mutex<Option<Poll<u32>>>,
}

impl Wake for PollsOnWake {
    fn wake(self: Arc<Self>) {
        let waker = Waker::from(self.clone());
        let polled = self.slot.poll_take(&mut Context::from_waker(&waker));
        *self.seen.lock().expect("only this test locks it") = Some(polled);
    }
}

#[test]
fn complete_wakes_after_releasing_the_lock() {
    // A deadlock here is on one thread: no need to wait the full default.
    // (A timeout here means `complete` called `wake` while holding the lock,
    // and the waker's poll waited for that lock.)
    let seen = testkit::with_timeout(Duration::from_secs(5), || {
        let slot = Arc::new(OutputSlot::new());
        let waiter = Arc::new(PollsOnWake {
            slot: slot.clone(),
            seen: Mutex::new(None),
        });
        let waker = Waker::from(waiter.clone());
        assert_eq!(
            slot.poll_take(&mut Context::from_waker(&waker)),
            Poll::Pending
        );
        slot.complete(5);
        let seen = waiter.seen.lock().expect("only this test locks it").take();
        seen
    });
    assert_eq!(seen, Some(Poll::Ready(5)));
}

#[test]
fn no_wake_up_is_lost_between_threads() {
    // Each round races a `complete` on a worker against the main thread's
    // `poll_take` and park: a lost wake-up hangs a round, and the timeout
    // turns that into a failure. The window is narrow, so this catches a
    // check and a store under two locks only now and then; the loom model
    // (`cargo xtask loom output_slot`) catches it every time.
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        for round in 0..2_000u32 {
            let slot = Arc::new(OutputSlot::new());
            let completer = slot.clone();
            drop(rt.spawn(async move { completer.complete(round) }));
            assert_eq!(rt.block_on(Wait { slot }), round);
        }
        // And from plain threads, waited for by Chapter 2's parking block_on.
        for round in 0..500u32 {
            let slot = Arc::new(OutputSlot::new());
            let completer = slot.clone();
            let thread = thread::spawn(move || completer.complete(round));
            assert_eq!(ch02_futures::block_on(Wait { slot }), round);
            thread.join().expect("the completing thread panicked");
        }
    });
}
