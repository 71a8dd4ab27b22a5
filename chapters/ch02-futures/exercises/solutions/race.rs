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
/// output of the first one to finish. The other one is dropped unfinished,
/// as soon as the race is decided. If both are ready in the same poll,
/// `Left` wins.
pub struct Race<A: Future, B: Future> {
    // Boxed so that `Race` is `Unpin` whatever `A` and `B` are. `None` once
    // the race is decided: the loser may hold a socket, a lock or a timer,
    // and it must let go when the race ends, not whenever the caller gets
    // round to dropping the `Race`.
    a: Option<Pin<Box<A>>>,
    b: Option<Pin<Box<B>>>,
}

/// Runs `a` and `b` concurrently until one of them is ready.
pub fn race<A: Future, B: Future>(a: A, b: B) -> Race<A, B> {
    Race {
        a: Some(Box::pin(a)),
        b: Some(Box::pin(b)),
    }
}

impl<A: Future, B: Future> Future for Race<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (Some(a), Some(b)) = (this.a.as_mut(), this.b.as_mut()) else {
            panic!("Race polled after it returned Ready");
        };
        // Always `a` first: simple and predictable, but biased. If `a` is
        // ready at every poll, `b` never gets a chance. tokio's `select!`
        // picks a random branch first for that reason.
        let output = if let Poll::Ready(out) = a.as_mut().poll(cx) {
            Either::Left(out)
        } else if let Poll::Ready(out) = b.as_mut().poll(cx) {
            Either::Right(out)
        } else {
            // Both are pending, and both hold our waker: whichever finishes
            // first wakes the task, and the next poll returns its output.
            return Poll::Pending;
        };
        // Decided: drop both futures now (the winner is finished anyway).
        this.a = None;
        this.b = None;
        Poll::Ready(output)
    }
}
// ANCHOR_END: solution
