//! Exercise 2.4: a waker by hand (book: Chapter 2, section "Exercises").

use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// What a waker made by [`arc_waker`] does when it is woken.
pub trait Notify: Send + Sync + 'static {
    fn notify(&self);
}

// ANCHOR: solution
/// A `Waker` whose data pointer is the `Arc` itself: one reference count, no
/// allocation beyond the `Arc` the caller made. The waker owns the
/// reference it was given.
pub fn arc_waker<N: Notify>(notify: Arc<N>) -> Waker {
    let data = Arc::into_raw(notify).cast::<()>();
    // SAFETY: `data` came from `Arc::<N>::into_raw` and the vtable is the
    // one for `N`, so every function below gets the pointer it expects; the
    // reference `into_raw` gave up is now owned by the waker.
    unsafe { Waker::from_raw(RawWaker::new(data, vtable::<N>())) }
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

/// A new waker is one more reference to the same `Arc`.
unsafe fn clone_waker<N: Notify>(data: *const ()) -> RawWaker {
    // SAFETY: `data` is a live `Arc<N>` pointer owned by the waker being
    // cloned, which stays alive during this call.
    unsafe { Arc::increment_strong_count(data.cast::<N>()) };
    RawWaker::new(data, vtable::<N>())
}

/// Waking by value consumes the waker, and with it its reference.
unsafe fn wake<N: Notify>(data: *const ()) {
    // SAFETY: the waker owned one reference; we take it back and drop it
    // at the end of this function.
    let notify = unsafe { Arc::from_raw(data.cast::<N>()) };
    notify.notify();
}

/// Waking by reference leaves the waker, and its reference, alone.
unsafe fn wake_by_ref<N: Notify>(data: *const ()) {
    // SAFETY: the waker is alive for this call, so the pointee is too; we
    // only borrow it, no count changes.
    let notify = unsafe { &*data.cast::<N>() };
    notify.notify();
}

/// Dropping a waker gives its reference back.
unsafe fn drop_waker<N: Notify>(data: *const ()) {
    // SAFETY: the waker owned one reference and is going away.
    unsafe { drop(Arc::from_raw(data.cast::<N>())) };
}
// ANCHOR_END: solution
