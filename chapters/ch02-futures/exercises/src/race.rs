//! Exercise 2.2: Race (book: Chapter 2, section "Exercises").

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The output of whichever future finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

/// A future that runs two futures at the same time and is ready with the
/// output of the first one to finish. The other one is dropped unfinished,
/// as soon as the race is decided (not later, when the `Race` itself is
/// dropped). If both are ready in the same poll, `Left` wins.
pub struct Race<A: Future, B: Future> {
    // TODO: replace this with the two futures.
    _todo: PhantomData<(A, B)>,
}

/// Runs `a` and `b` concurrently until one of them is ready.
pub fn race<A: Future, B: Future>(a: A, b: B) -> Race<A, B> {
    let _ = (a, b);
    todo!("Exercise 2.2 (race): see the book, Chapter 2, \"Exercise 2.2: Race\"")
}

impl<A: Future, B: Future> Future for Race<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: poll `a`, then `b`; the first Ready wins, and the loser is
        // dropped before you return it.
        let _ = (self, cx);
        todo!("Exercise 2.2 (race): see the book, Chapter 2, \"Exercise 2.2: Race\"")
    }
}
