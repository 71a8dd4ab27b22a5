//! Tests for Exercise 2.4 (arc_waker).
//!
//! Every step checks the `Arc`'s reference count: one for the test, one per
//! live waker. The wakers are kept in `ManuallyDrop` and dropped by hand, so
//! a test that fails leaks them instead of dropping them with a wrong count
//! (which could free the `Arc` twice and crash every test at once).

use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::task::Waker;
use std::thread;

use ch02_exercises::arc_waker::{arc_waker, Notify};

#[derive(Default)]
struct Counter {
    notified: AtomicUsize,
}

impl Notify for Counter {
    fn notify(&self) {
        self.notified.fetch_add(1, Ordering::SeqCst);
    }
}

/// The test's own reference to the `Arc` behind the wakers.
struct Probe {
    counter: ManuallyDrop<Arc<Counter>>,
}

impl Probe {
    fn new() -> Probe {
        Probe {
            counter: ManuallyDrop::new(Arc::new(Counter::default())),
        }
    }

    /// A waker made by `arc_waker` from a new reference to our `Arc`.
    fn waker(&self) -> ManuallyDrop<Waker> {
        ManuallyDrop::new(arc_waker(Arc::clone(&self.counter)))
    }

    fn notified(&self) -> usize {
        self.counter.notified.load(Ordering::SeqCst)
    }

    /// Asserts that `wakers` wakers are alive, by the reference count.
    fn expect_wakers(&self, wakers: usize, after: &str) {
        let refs = Arc::strong_count(&self.counter);
        let expected = wakers + 1;
        if refs > expected {
            panic!(
                "after {after}, {wakers} waker(s) are alive, so the Arc should have {expected} \
                 references (the test's and one per waker), but it has {refs}: a reference \
                 was taken and never given back, and the Arc would leak"
            );
        }
        if refs < expected {
            panic!(
                "after {after}, {wakers} waker(s) are alive, so the Arc should have {expected} \
                 references (the test's and one per waker), but it has {refs}: a reference \
                 was given back that was never taken, and the Arc would be freed while a \
                 waker still points to it"
            );
        }
    }
}

/// Drops a waker we kept in `ManuallyDrop`.
fn drop_waker(waker: ManuallyDrop<Waker>) {
    drop(ManuallyDrop::into_inner(waker));
}

#[test]
fn a_waker_owns_the_reference_it_was_given() {
    let probe = Probe::new();
    let waker = probe.waker();
    probe.expect_wakers(1, "arc_waker");
    drop_waker(waker);
    probe.expect_wakers(0, "dropping the waker");
    assert_eq!(
        probe.notified(),
        0,
        "nobody woke the waker, yet it notified"
    );
}

#[test]
fn a_clone_takes_a_reference_and_its_drop_gives_it_back() {
    let probe = Probe::new();
    let waker = probe.waker();
    let clone = ManuallyDrop::new((*waker).clone());
    probe.expect_wakers(2, "cloning the waker");
    drop_waker(clone);
    probe.expect_wakers(1, "dropping the clone");
    drop_waker(waker);
    probe.expect_wakers(0, "dropping the original");
}

#[test]
fn wake_by_ref_notifies_and_keeps_the_waker() {
    let probe = Probe::new();
    let waker = probe.waker();
    waker.wake_by_ref();
    probe.expect_wakers(1, "wake_by_ref");
    waker.wake_by_ref();
    probe.expect_wakers(1, "a second wake_by_ref");
    assert_eq!(probe.notified(), 2, "two wake_by_ref should notify twice");
    drop_waker(waker);
    probe.expect_wakers(0, "dropping the waker");
}

#[test]
fn wake_notifies_and_consumes_the_waker() {
    let probe = Probe::new();
    let waker = probe.waker();
    ManuallyDrop::into_inner(waker).wake();
    assert_eq!(probe.notified(), 1, "wake should notify once");
    probe.expect_wakers(0, "wake (which consumes the waker)");
}

#[test]
fn clones_wake_the_same_arc() {
    let probe = Probe::new();
    let waker = probe.waker();
    let clone = ManuallyDrop::new((*waker).clone());
    probe.expect_wakers(2, "cloning the waker");
    assert!(
        waker.will_wake(&clone),
        "a clone should point to the same data with the same vtable (will_wake)"
    );
    ManuallyDrop::into_inner(clone).wake();
    probe.expect_wakers(1, "waking the clone by value");
    waker.wake_by_ref();
    assert_eq!(probe.notified(), 2);
    drop_waker(waker);
    probe.expect_wakers(0, "dropping the original");
}

#[test]
fn wakers_work_from_other_threads() {
    // Check the counting on this thread first: with a wrong count the
    // threads below would free the Arc under each other's feet.
    let probe = Probe::new();
    let waker = probe.waker();
    waker.wake_by_ref();
    probe.expect_wakers(1, "wake_by_ref");
    let clones: Vec<Waker> = (0..4).map(|_| (*waker).clone()).collect();
    let clones = ManuallyDrop::new(clones);
    probe.expect_wakers(5, "making 4 clones");

    let clones = ManuallyDrop::into_inner(clones);
    testkit::timeout(move || {
        let start = Arc::new(Barrier::new(4));
        let threads: Vec<_> = clones
            .into_iter()
            .map(|clone| {
                let start = Arc::clone(&start);
                thread::spawn(move || {
                    start.wait();
                    (0..1000).for_each(|_| clone.wake_by_ref());
                    clone.wake();
                })
            })
            .collect();
        threads
            .into_iter()
            .for_each(|t| t.join().expect("a waking thread panicked"));
    });
    assert_eq!(probe.notified(), 1 + 4 * 1001);
    probe.expect_wakers(1, "four clones woke by value on their threads");
    drop_waker(waker);
    probe.expect_wakers(0, "dropping the original");
}
