// Wrong: wakes its own task every time it returns `Pending`, "to be sure it
// gets polled again". The outputs are right, but the task never rests: it
// is polled over and over while the timers run, a busy loop in disguise.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub struct Join2<A: Future, B: Future> {
    a: Option<Pin<Box<A>>>,
    b: Option<Pin<Box<B>>>,
    a_out: Option<A::Output>,
    b_out: Option<B::Output>,
}

impl<A: Future, B: Future> Unpin for Join2<A, B> {}

pub fn join2<A: Future, B: Future>(a: A, b: B) -> Join2<A, B> {
    Join2 {
        a: Some(Box::pin(a)),
        b: Some(Box::pin(b)),
        a_out: None,
        b_out: None,
    }
}

impl<A: Future, B: Future> Future for Join2<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(a) = this.a.as_mut() {
            if let Poll::Ready(out) = a.as_mut().poll(cx) {
                this.a_out = Some(out);
                this.a = None;
            }
        }
        if let Some(b) = this.b.as_mut() {
            if let Poll::Ready(out) = b.as_mut().poll(cx) {
                this.b_out = Some(out);
                this.b = None;
            }
        }
        if this.a_out.is_some() && this.b_out.is_some() {
            return Poll::Ready((this.a_out.take().unwrap(), this.b_out.take().unwrap()));
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
