//! `select2`: run two futures, finish with whichever finishes first, and
//! drop the other, which cancels it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Which of the two futures finished first, with its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<A, B> {
    Left(A),
    Right(B),
}

// ANCHOR: select2
/// Polls `a`, then `b`, each time it is polled; returns the first output.
/// The loser is dropped with the `Select2` (or when the caller drops the
/// result's future): that is its cancellation.
///
/// Both must be `Unpin`; pin a future first with `std::pin::pin!`.
pub fn select2<A, B>(a: A, b: B) -> Select2<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    Select2 { a, b }
}

pub struct Select2<A, B> {
    a: A,
    b: B,
}

impl<A, B> Future for Select2<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    type Output = Either<A::Output, B::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Always `a` first: a bias the caller can rely on (tokio's
        // `select!` picks a random order unless told `biased;`).
        if let Poll::Ready(out) = Pin::new(&mut self.a).poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        if let Poll::Ready(out) = Pin::new(&mut self.b).poll(cx) {
            return Poll::Ready(Either::Right(out));
        }
        // Both stored `cx`'s waker: whichever is ready first wakes us.
        Poll::Pending
    }
}
// ANCHOR_END: select2
