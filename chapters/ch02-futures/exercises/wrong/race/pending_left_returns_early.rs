// Wrong: returns `Pending` as soon as the left future is pending, without
// polling the right one (what `std::task::ready!` on the left poll does). A
// right future that is already finished waits until the left one is too.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

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
        let a = this.a.as_mut().expect("polled after Ready");
        let out = ready!(a.as_mut().poll(cx));
        this.a = None;
        this.b = None;
        Poll::Ready(Either::Left(out))
    }
}
