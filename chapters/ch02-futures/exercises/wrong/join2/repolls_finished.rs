// Wrong: polls both futures on every poll, even one that already returned
// Ready. Polling a finished future breaks its contract: an `async` block
// panics ("`async fn` resumed after completion"), and others may misbehave.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub struct Join2<A: Future, B: Future> {
    a: Pin<Box<A>>,
    b: Pin<Box<B>>,
    a_out: Option<A::Output>,
    b_out: Option<B::Output>,
}

impl<A: Future, B: Future> Unpin for Join2<A, B> {}

pub fn join2<A: Future, B: Future>(a: A, b: B) -> Join2<A, B> {
    Join2 {
        a: Box::pin(a),
        b: Box::pin(b),
        a_out: None,
        b_out: None,
    }
}

impl<A: Future, B: Future> Future for Join2<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(out) = this.a.as_mut().poll(cx) {
            this.a_out = Some(out);
        }
        if let Poll::Ready(out) = this.b.as_mut().poll(cx) {
            this.b_out = Some(out);
        }
        if this.a_out.is_some() && this.b_out.is_some() {
            Poll::Ready((this.a_out.take().unwrap(), this.b_out.take().unwrap()))
        } else {
            Poll::Pending
        }
    }
}
