// Wrong: sets a full budget and polls, but leaves the task's leftovers on
// the thread: whatever the worker runs next (an unconstrained task, the
// reactor's wake-ups) runs under this task's budget.

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
        budget::set(Some(BUDGET));
        Pin::new(&mut self.future).poll(cx)
    }
}
// ANCHOR_END: solution
