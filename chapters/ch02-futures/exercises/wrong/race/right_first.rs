// Wrong: polls the right future first, so when both are ready in the same
// poll the right one wins, against the contract ("Left wins a tie").

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug, PartialEq, Eq)]
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

pub struct Race<A: Future, B: Future> {
    a: Option<Pin<Box<A>>>,
    b: Option<Pin<Box<B>>>,
}

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
        let output = if let Poll::Ready(out) = b.as_mut().poll(cx) {
            Either::Right(out)
        } else if let Poll::Ready(out) = a.as_mut().poll(cx) {
            Either::Left(out)
        } else {
            return Poll::Pending;
        };
        this.a = None;
        this.b = None;
        Poll::Ready(output)
    }
}
