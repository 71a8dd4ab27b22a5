//! Exercise 2.4: a waker by hand (book: Chapter 2, section "Exercises").

use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// What a waker made by [`arc_waker`] does when it is woken.
pub trait Notify: Send + Sync + 'static {
    fn notify(&self);
}

/// A `Waker` whose data pointer is the `Arc` itself: one reference count, no
/// allocation beyond the `Arc` the caller made. The waker owns the
/// reference it was given.
pub fn arc_waker<N: Notify>(notify: Arc<N>) -> Waker {
    // TODO: turn the Arc into a raw pointer that keeps its reference
    // (`Arc::into_raw`), and build the Waker from a RawWaker with that
    // pointer and `vtable::<N>()`.
    let _ = notify;
    todo!("Exercise 2.4 (arc_waker): see the book, Chapter 2, \"Exercise 2.4: a waker by hand\"")
}

/// One vtable per `N`, in static memory (a promoted constant), as `RawWaker`
/// requires: the four functions are the only code that knows the pointer is
/// an `Arc<N>`.
fn vtable<N: Notify>() -> &'static RawWakerVTable {
    &Table::<N>::VTABLE
}

struct Table<N>(std::marker::PhantomData<N>);

impl<N: Notify> Table<N> {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(
        clone_waker::<N>,
        wake::<N>,
        wake_by_ref::<N>,
        drop_waker::<N>,
    );
}

/// Makes a second waker for the same `Arc`.
unsafe fn clone_waker<N: Notify>(data: *const ()) -> RawWaker {
    // TODO: the new waker needs a reference of its own.
    let _ = data;
    todo!("Exercise 2.4 (arc_waker): see the book, Chapter 2, \"Exercise 2.4: a waker by hand\"")
}

/// `Waker::wake`: wakes, and consumes the waker.
unsafe fn wake<N: Notify>(data: *const ()) {
    // TODO: notify; the waker is gone after this call.
    let _ = data;
    todo!("Exercise 2.4 (arc_waker): see the book, Chapter 2, \"Exercise 2.4: a waker by hand\"")
}

/// `Waker::wake_by_ref`: wakes, and the waker stays.
unsafe fn wake_by_ref<N: Notify>(data: *const ()) {
    // TODO: notify without changing any reference count.
    let _ = data;
    todo!("Exercise 2.4 (arc_waker): see the book, Chapter 2, \"Exercise 2.4: a waker by hand\"")
}

/// A waker is dropped.
unsafe fn drop_waker<N: Notify>(data: *const ()) {
    // TODO: give the waker's reference back. (No `todo!` here: a failing
    // test drops its wakers while it unwinds, and a second panic would
    // abort the whole test run.)
    let _ = data;
}
