//! Exercise 2.2: Race (book: Chapter 2, section "Exercises").

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The output of whichever future finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

// ANCHOR: solution
/// A future that runs two futures at the same time and is ready with the
/// output of the first one to finish. The other one is dropped unfinished.
/// If both are ready in the same poll, `Left` wins.
pub struct Race<A: Future, B: Future> {
    // Boxed so that `Race` is `Unpin` whatever `A` and `B` are.
    a: Pin<Box<A>>,
    b: Pin<Box<B>>,
}

/// Runs `a` and `b` concurrently until one of them is ready.
pub fn race<A: Future, B: Future>(a: A, b: B) -> Race<A, B> {
    Race {
        a: Box::pin(a),
        b: Box::pin(b),
    }
}

impl<A: Future, B: Future> Future for Race<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Always `a` first: simple and predictable, but biased. If `a` is
        // ready at every poll, `b` never gets a chance. tokio's `select!`
        // picks a random branch first for that reason.
        if let Poll::Ready(out) = self.a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        if let Poll::Ready(out) = self.b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(out));
        }
        // Both are pending, and both hold our waker: whichever finishes
        // first wakes the task, and the next poll returns its output.
        Poll::Pending
    }
}
// ANCHOR_END: solution
