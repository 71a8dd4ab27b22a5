//! A `Waker` built by hand from a `RawWakerVTable`, twice: a waker that does
//! nothing, and one that unparks a thread.
//!
//! A `Waker` is a data pointer plus a table of four functions. The executor
//! decides what the pointer points at and how it is owned; the table says
//! how to clone, wake and drop it.

use std::ptr;
use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Wake, Waker};
use std::thread::Thread;

// ANCHOR: noop
/// The four functions of a waker that does nothing. The data pointer is
/// null and never read: there is nothing to own, nothing to free.
///
/// A `static`, not a `const`: `will_wake` compares the table's address, and
/// each use of a `const` may get a copy at an address of its own.
static NOOP_VTABLE: RawWakerVTable = RawWakerVTable::new(
    // clone: a copy of a no-op waker is the same no-op waker.
    |_data| RawWaker::new(ptr::null(), &NOOP_VTABLE),
    |_data| {}, // wake (by value: consumes this waker)
    |_data| {}, // wake_by_ref
    |_data| {}, // drop
);

/// A waker for polling by hand: no allocation, no thread, no refcount.
pub fn noop_waker() -> Waker {
    // SAFETY: every function in the table ignores the pointer, so any
    // pointer, null included, meets the `RawWaker` contract.
    unsafe { Waker::from_raw(RawWaker::new(ptr::null(), &NOOP_VTABLE)) }
}
// ANCHOR_END: noop

// ANCHOR: unpark
/// A waker that unparks one thread. Each `RawWaker` owns its own boxed
/// `Thread` handle: `clone` makes a new box, `wake` and `drop` free this one.
static UNPARK_VTABLE: RawWakerVTable =
    RawWakerVTable::new(unpark_clone, unpark_wake, unpark_wake_by_ref, unpark_drop);

pub fn unpark_waker(thread: Thread) -> Waker {
    let data = Box::into_raw(Box::new(thread)).cast::<()>();
    // SAFETY: `data` is a `Box<Thread>` given up with `into_raw`, exactly
    // what the four functions below expect and free once.
    unsafe { Waker::from_raw(RawWaker::new(data, &UNPARK_VTABLE)) }
}

/// # Safety
/// `data` is a live `Box<Thread>` made by `unpark_waker` or by this function.
unsafe fn unpark_clone(data: *const ()) -> RawWaker {
    let thread = &*data.cast::<Thread>();
    let copy = Box::into_raw(Box::new(thread.clone())).cast::<()>();
    RawWaker::new(copy, &UNPARK_VTABLE)
}

/// Waking by value consumes the waker: unpark, then free its box.
unsafe fn unpark_wake(data: *const ()) {
    let thread = Box::from_raw(data.cast::<Thread>().cast_mut());
    thread.unpark();
}

unsafe fn unpark_wake_by_ref(data: *const ()) {
    (*data.cast::<Thread>()).unpark();
}

unsafe fn unpark_drop(data: *const ()) {
    drop(Box::from_raw(data.cast::<Thread>().cast_mut()));
}
// ANCHOR_END: unpark

// ANCHOR: std_wake
/// The same unpark waker through the standard library's shortcut: implement
/// `Wake` for a type, put it in an `Arc`, and `Waker::from` writes the
/// vtable, whose clone and drop are the `Arc`'s count.
pub struct Unparker(pub Thread);

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    // The default clones the `Arc` and calls `wake`; this skips the count.
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

pub fn unpark_waker_std(thread: Thread) -> Waker {
    Waker::from(Arc::new(Unparker(thread)))
}
// ANCHOR_END: std_wake

#[cfg(test)]
mod tests {
    use super::*;
    use crate::countdown::Countdown;
    use std::future::Future;
    use std::pin::pin;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll};
    use std::thread;

    #[test]
    fn a_noop_waker_polls_a_future_by_hand() {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut countdown = pin!(Countdown::new(2));
        let mut polls = 1;
        while countdown.as_mut().poll(&mut cx).is_pending() {
            polls += 1;
        }
        assert_eq!(polls, 3);
        // Clones and drops of a no-op waker are harmless.
        let copy = waker.clone();
        assert!(copy.will_wake(&waker));
        copy.wake();
        waker.wake_by_ref();
    }

    #[test]
    fn an_unpark_waker_wakes_its_thread_from_another_thread() {
        wakes_its_thread_from_another_thread(unpark_waker);
    }

    #[test]
    fn the_std_wake_version_does_the_same() {
        wakes_its_thread_from_another_thread(unpark_waker_std);
    }

    fn wakes_its_thread_from_another_thread(make: fn(thread::Thread) -> Waker) {
        testkit::timeout(move || {
            let done = Arc::new(AtomicBool::new(false));
            let waker = make(thread::current());
            let helper = {
                let (done, waker) = (done.clone(), waker.clone());
                thread::spawn(move || {
                    done.store(true, Ordering::Release);
                    waker.wake(); // by value: frees the clone's box
                })
            };
            // `park` may return spuriously: wait until the flag is set.
            while !done.load(Ordering::Acquire) {
                thread::park();
            }
            helper.join().expect("the waking thread panicked");
            waker.wake_by_ref();
        });
    }

    #[test]
    fn an_unpark_waker_drives_a_future_like_block_on() {
        let polls = testkit::timeout(|| {
            let waker = unpark_waker(thread::current());
            let mut cx = Context::from_waker(&waker);
            let mut timer = pin!(crate::timer::Timer::new(std::time::Duration::from_millis(
                20
            )));
            let mut polls = 0;
            loop {
                polls += 1;
                if let Poll::Ready(()) = timer.as_mut().poll(&mut cx) {
                    break polls;
                }
                // Good enough for a test: a spurious return only costs an
                // extra poll, which the bound below allows.
                thread::park();
            }
        });
        assert!((2..=4).contains(&polls), "polled {polls} times");
    }

    #[test]
    fn wakers_with_the_same_data_and_table_will_wake_each_other() {
        let a = noop_waker();
        let b = noop_waker();
        assert!(a.will_wake(&b));
        let t = unpark_waker(thread::current());
        assert!(!t.will_wake(&a), "different tables");
        assert!(!t.will_wake(&t.clone()), "a clone owns a new box");
    }
}
