// Wrong: `wake` does what `wake_by_ref` does and stops there. But `wake`
// takes the waker by value: the waker is gone after the call, and the
// reference it owned must be given back. Here it never is: every wake by
// value leaks one reference, and the Arc is never freed.

use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Waker};

pub trait Notify: Send + Sync + 'static {
    fn notify(&self);
}

pub fn arc_waker<N: Notify>(notify: Arc<N>) -> Waker {
    let data = Arc::into_raw(notify).cast::<()>();
    unsafe { Waker::from_raw(RawWaker::new(data, vtable::<N>())) }
}

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

unsafe fn clone_waker<N: Notify>(data: *const ()) -> RawWaker {
    unsafe { Arc::increment_strong_count(data.cast::<N>()) };
    RawWaker::new(data, vtable::<N>())
}

unsafe fn wake<N: Notify>(data: *const ()) {
    unsafe { wake_by_ref::<N>(data) }
}

unsafe fn wake_by_ref<N: Notify>(data: *const ()) {
    let notify = unsafe { &*data.cast::<N>() };
    notify.notify();
}

unsafe fn drop_waker<N: Notify>(data: *const ()) {
    unsafe { drop(Arc::from_raw(data.cast::<N>())) };
}
