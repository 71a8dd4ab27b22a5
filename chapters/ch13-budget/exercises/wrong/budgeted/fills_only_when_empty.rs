// Wrong: gives a budget only where there is none ("a task polled inside a
// budgeted poll already has one"). A task polled inside another's poll (a
// block_on nested in a task) gets the other's leftovers, down to 0, and
// yields at its first operation, every time.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::budget::{self, BUDGET};
pub use crate::budget::Budgeted;

// ANCHOR: solution
impl<F: Future + Unpin> Future for Budgeted<F> {
    type Output = F::Output;

    /// Polls the task's future with `BUDGET` units. Whatever budget the
    /// thread had before is its own again afterwards, however the poll ends.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        /// Puts the saved budget back when dropped, even on a panic.
        struct PutBack(Option<u8>);
        impl Drop for PutBack {
            fn drop(&mut self) {
                budget::set(self.0);
            }
        }
        let before = budget::get();
        let _put_back = PutBack(before);
        if before.is_none() {
            budget::set(Some(BUDGET));
        }
        Pin::new(&mut self.future).poll(cx)
    }
}
// ANCHOR_END: solution
