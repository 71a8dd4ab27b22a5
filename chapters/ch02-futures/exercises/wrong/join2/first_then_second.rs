// Wrong: drives the first future to the end before it polls the second one
// at all. That is `a.await; b.await`, one after the other, not at the same
// time, and a first future that waits for the second never finishes.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub struct Join2<A: Future, B: Future> {
    a: Pin<Box<A>>,
    b: Pin<Box<B>>,
    a_out: Option<A::Output>,
}

impl<A: Future, B: Future> Unpin for Join2<A, B> {}

pub fn join2<A: Future, B: Future>(a: A, b: B) -> Join2<A, B> {
    Join2 {
        a: Box::pin(a),
        b: Box::pin(b),
        a_out: None,
    }
}

impl<A: Future, B: Future> Future for Join2<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.a_out.is_none() {
            this.a_out = Some(ready!(this.a.as_mut().poll(cx)));
        }
        let b_out = ready!(this.b.as_mut().poll(cx));
        Poll::Ready((this.a_out.take().unwrap(), b_out))
    }
}
