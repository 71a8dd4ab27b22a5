// Wrong: puts the budget back after the poll with a plain statement. When
// the task's poll panics, that line never runs, and the worker, which
// catches the panic and carries on, keeps the panicking task's budget.

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
        let before = budget::get();
        budget::set(Some(BUDGET));
        let poll = Pin::new(&mut self.future).poll(cx);
        budget::set(before);
        poll
    }
}
// ANCHOR_END: solution
