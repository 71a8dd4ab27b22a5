//! Exercise 2.3: Join2 (book: Chapter 2, section "Exercises").

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that runs two futures at the same time and is ready with both
/// outputs once both are ready.
pub struct Join2<A: Future, B: Future> {
    // TODO: replace this with what you need: each future until it is ready,
    // then its output until the other one is ready too.
    _todo: PhantomData<(A, B)>,
}

/// Runs `a` and `b` concurrently on the current task.
pub fn join2<A: Future, B: Future>(a: A, b: B) -> Join2<A, B> {
    let _ = (a, b);
    todo!("Exercise 2.3 (join2): see the book, Chapter 2, \"Exercise 2.3: Join2\"")
}

impl<A: Future, B: Future> Future for Join2<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: poll each future that is not done yet; return Ready when
        // both outputs are there.
        let _ = (self, cx);
        todo!("Exercise 2.3 (join2): see the book, Chapter 2, \"Exercise 2.3: Join2\"")
    }
}
