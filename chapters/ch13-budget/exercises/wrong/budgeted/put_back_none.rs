// Wrong: after the poll it sets the budget to `None` ("outside a task
// nobody counts") instead of what the thread had before. A task polled
// inside another budgeted poll (a `block_on` in a test, a nested runtime)
// hands its caller an unlimited budget.

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
        /// Ends the budget when dropped, even while a panic unwinds.
        struct Unlimited;
        impl Drop for Unlimited {
            fn drop(&mut self) {
                budget::set(None);
            }
        }
        let _unlimited = Unlimited;
        budget::set(Some(BUDGET));
        Pin::new(&mut self.future).poll(cx)
    }
}
// ANCHOR_END: solution
