//! Why a future must stay where it is once it has been polled.
//!
//! Everything here is safe code: we only compare addresses and never read
//! through a pointer that may dangle.

use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr;
use std::task::Context;

use futures_task::noop_waker;

use crate::countdown::Countdown;

// ANCHOR: self_ref
/// A struct that stores the address of one of its own fields, the way the
/// compiler's state machine does when a local is borrowed across `.await`.
pub struct SelfRef {
    pub value: String,
    /// Meant to point at `self.value`. A raw pointer, because a reference
    /// into the same struct cannot be written in safe Rust.
    ptr_to_value: *const String,
}

impl SelfRef {
    pub fn new(value: &str) -> Self {
        SelfRef {
            value: value.to_owned(),
            ptr_to_value: ptr::null(),
        }
    }

    /// Records where `value` is now.
    pub fn init(&mut self) {
        self.ptr_to_value = &self.value;
    }

    /// Does the stored pointer still point at our own field?
    pub fn points_at_itself(&self) -> bool {
        ptr::eq(self.ptr_to_value, &self.value)
    }

    /// (address stored in the pointer, address of the field now)
    pub fn addresses(&self) -> (*const String, *const String) {
        (self.ptr_to_value, &self.value)
    }
}
// ANCHOR_END: self_ref

// ANCHOR: pinned_self_ref
/// The same struct, made safe to keep: it only ever exists behind
/// `Pin<Box<_>>`, and `PhantomPinned` makes it `!Unpin`, so safe code
/// cannot get a `&mut` to it and move it out.
///
/// ```compile_fail,E0277
/// use ch02_futures::pinning::PinnedSelfRef;
/// let mut a = PinnedSelfRef::new("a");
/// let mut b = PinnedSelfRef::new("b");
/// // `get_mut` needs `Unpin`; without it, no swap and no move.
/// std::mem::swap(a.as_mut().get_mut(), b.as_mut().get_mut());
/// ```
pub struct PinnedSelfRef {
    pub value: String,
    ptr_to_value: *const String,
    _pinned: PhantomPinned,
}

impl PinnedSelfRef {
    pub fn new(value: &str) -> Pin<Box<Self>> {
        let mut boxed = Box::new(PinnedSelfRef {
            value: value.to_owned(),
            ptr_to_value: ptr::null(),
            _pinned: PhantomPinned,
        });
        // The value now lives on the heap, and moving the Box later moves
        // only the Box pointer, never the value: this address stays valid.
        boxed.ptr_to_value = &boxed.value;
        // From here on only a `Pin` exists, so the value can never move.
        Box::into_pin(boxed)
    }

    pub fn points_at_itself(&self) -> bool {
        ptr::eq(self.ptr_to_value, &self.value)
    }
}
// ANCHOR_END: pinned_self_ref

// ANCHOR: async_self_ref
/// Polls once an async block that borrows its own local across an `.await`,
/// and reports where that local lives compared to the future itself:
/// `(future start, future size, address of the local)`.
pub fn where_the_local_lives() -> (usize, usize, usize) {
    let local_address = Cell::new(0);
    let future = async {
        let buffer = [7u8; 32];
        let view = &buffer[..]; // a reference to a local...
        local_address.set(view.as_ptr() as usize);
        Countdown::new(1).await; // ...kept across a suspension point...
        view.len() // ...and used after it.
    };
    // `buffer` and `view` must survive the suspension, so they are stored
    // inside the future value: `view` points into the future itself.
    let mut future = Box::pin(future);
    let waker = noop_waker();
    let _ = future.as_mut().poll(&mut Context::from_waker(&waker));

    let start = ptr::from_ref(&*future) as *const u8 as usize;
    let size = std::mem::size_of_val(&*future);
    (start, size, local_address.get())
}
// ANCHOR_END: async_self_ref

// ANCHOR: unpin
/// True if `T` is `Unpin`. Safe code may move an `Unpin` value even while
/// it is pinned; every `async` block and `async fn` future is `!Unpin`.
///
/// ```compile_fail,E0277
/// fn needs_unpin<T: Unpin>(_: &T) {}
/// let future = async { 1 };
/// needs_unpin(&future);
/// ```
pub fn is_unpin<T: Unpin>(_: &T) -> bool {
    true
}
// ANCHOR_END: unpin

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_a_self_referential_struct_breaks_it() {
        let mut on_stack = SelfRef::new("hello");
        on_stack.init();
        assert!(on_stack.points_at_itself());
        // Moving to the heap changes the field's address for certain, and
        // the stored pointer is copied along unchanged.
        let moved = Box::new(on_stack);
        assert!(!moved.points_at_itself());
    }

    #[test]
    fn a_pinned_box_keeps_it_valid_when_the_box_moves() {
        let pinned = PinnedSelfRef::new("hello");
        assert!(pinned.points_at_itself());
        let elsewhere = [pinned]; // moves the Box, not the value it points to
        assert!(elsewhere[0].points_at_itself());
        assert_eq!(elsewhere[0].value, "hello");
    }

    #[test]
    fn an_async_block_stores_its_borrowed_local_inside_itself() {
        let (start, size, local) = where_the_local_lives();
        assert!(
            (start..start + size).contains(&local),
            "local at {local:#x}, future at {start:#x}..{:#x}",
            start + size
        );
    }

    #[test]
    fn hand_written_futures_are_unpin() {
        assert!(is_unpin(&Countdown::new(1)));
        assert!(is_unpin(&crate::desugar::AddSlowly::new(1, 2)));
    }
}
