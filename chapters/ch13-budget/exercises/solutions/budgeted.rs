//! Exercise 13.2: Budgeted, solved.

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
        /// Puts the saved budget back when dropped: after the poll, and
        /// also while a panic unwinds out of it, since the worker goes on
        /// to poll other tasks on this thread.
        struct PutBack(Option<u8>);
        impl Drop for PutBack {
            fn drop(&mut self) {
                budget::set(self.0);
            }
        }
        let _put_back = PutBack(budget::get());
        budget::set(Some(BUDGET));
        Pin::new(&mut self.future).poll(cx)
    }
}
// ANCHOR_END: solution
