//! Exercise 13.2: Budgeted (book: Chapter 13, section "Exercise 13.2: A budget for every poll").

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[allow(unused_imports)] // yours to use
use crate::budget::{self, BUDGET};
pub use crate::budget::Budgeted;

// ANCHOR: solution
impl<F: Future + Unpin> Future for Budgeted<F> {
    type Output = F::Output;

    /// Polls the task's future with `BUDGET` units. Whatever budget the
    /// thread had before is its own again afterwards, however the poll ends.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // TODO: a full budget for this poll, then the thread's own back.
        let _ = (&mut self.future, cx);
        todo!("Exercise 13.2 (budgeted): see the book, Chapter 13, \"Exercise 13.2: A budget for every poll\"")
    }
}
// ANCHOR_END: solution
