//! Exercise 2.3: Join2 (book: Chapter 2, section "Exercises").

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: solution
/// A future that runs two futures at the same time and is ready with both
/// outputs once both are ready.
pub struct Join2<A: Future, B: Future> {
    a: Slot<A>,
    b: Slot<B>,
}

/// One side of the join.
enum Slot<F: Future> {
    /// Boxed and pinned, so `Join2` works with any future, including the
    /// `!Unpin` ones `async` makes, without unsafe pin projection.
    Running(Pin<Box<F>>),
    Done(F::Output),
    /// The output was handed out.
    Taken,
}

// `Join2` never pins its fields in place (the futures are pinned in their
// own boxes), so it is fine to move it even if an output type is `!Unpin`.
impl<A: Future, B: Future> Unpin for Join2<A, B> {}

/// Runs `a` and `b` concurrently on the current task.
pub fn join2<A: Future, B: Future>(a: A, b: B) -> Join2<A, B> {
    Join2 {
        a: Slot::Running(Box::pin(a)),
        b: Slot::Running(Box::pin(b)),
    }
}

impl<F: Future> Slot<F> {
    /// Polls the future if it still runs; true once the output is here.
    /// A finished future is never polled again.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> bool {
        if let Slot::Running(future) = self {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                *self = Slot::Done(output);
            }
        }
        matches!(self, Slot::Done(_))
    }

    fn take(&mut self) -> F::Output {
        match std::mem::replace(self, Slot::Taken) {
            Slot::Done(output) => output,
            // `poll` only calls `take` once both sides are `Done`.
            _ => unreachable!("take() on a slot that is not Done"),
        }
    }
}

impl<A: Future, B: Future> Future for Join2<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if matches!(this.a, Slot::Taken) {
            panic!("Join2 polled after it returned Ready");
        }
        // Poll both every time, even if `a` is pending: `b` may be the one
        // that was woken. Both get the same waker, so either one can wake
        // the task that owns the join.
        let a_ready = this.a.poll_ready(cx);
        let b_ready = this.b.poll_ready(cx);
        if a_ready && b_ready {
            Poll::Ready((this.a.take(), this.b.take()))
        } else {
            Poll::Pending
        }
    }
}
// ANCHOR_END: solution
