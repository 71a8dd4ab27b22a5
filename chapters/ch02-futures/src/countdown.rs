//! A future written by hand: an enum that is its own state machine.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: countdown_enum
/// Returns `Pending` `n` times, then `Ready(())`.
///
/// Each state is one variant. `poll` looks at the current state, does a
/// little work, moves to the next state and returns right away: it never
/// blocks the thread, however long the future takes as a whole.
#[derive(Debug)]
pub enum Countdown {
    Counting { remaining: u32 },
    Done,
}

impl Countdown {
    pub fn new(n: u32) -> Self {
        Countdown::Counting { remaining: n }
    }
}
// ANCHOR_END: countdown_enum

// ANCHOR: countdown_poll
impl Future for Countdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `Countdown` holds no references into itself, so it is `Unpin` and
        // `Pin<&mut Self>` lets us assign to `*self` directly.
        match *self {
            Countdown::Counting { remaining: 0 } => {
                *self = Countdown::Done;
                Poll::Ready(())
            }
            Countdown::Counting { remaining } => {
                *self = Countdown::Counting {
                    remaining: remaining - 1,
                };
                // Returning `Pending` is a promise that the waker will be
                // called when it is worth polling again. Nothing outside
                // will do that for us, so we wake ourselves: "poll me again
                // soon". Forgetting this line hangs any real executor.
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            // Polling a finished future is a bug in the caller. Panicking is
            // what the futures made by `async` do too.
            Countdown::Done => panic!("Countdown polled after it returned Ready"),
        }
    }
}
// ANCHOR_END: countdown_poll

#[cfg(test)]
mod tests {
    use super::*;
    use futures_task::noop_waker;
    use std::pin::pin;

    #[test]
    fn pending_n_times_then_ready() {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut countdown = pin!(Countdown::new(3));
        for _ in 0..3 {
            assert_eq!(countdown.as_mut().poll(&mut cx), Poll::Pending);
        }
        assert_eq!(countdown.as_mut().poll(&mut cx), Poll::Ready(()));
    }

    #[test]
    fn wakes_itself_each_time_it_is_pending() {
        let wakes = crate::testing::CountingWaker::new();
        let waker = wakes.waker();
        let mut cx = Context::from_waker(&waker);
        let mut countdown = pin!(Countdown::new(2));
        let _ = countdown.as_mut().poll(&mut cx);
        let _ = countdown.as_mut().poll(&mut cx);
        assert_eq!(wakes.count(), 2);
        assert_eq!(countdown.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(wakes.count(), 2, "no wake when Ready");
    }

    #[test]
    #[should_panic(expected = "after it returned Ready")]
    fn polling_after_ready_panics() {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut countdown = pin!(Countdown::new(0));
        let _ = countdown.as_mut().poll(&mut cx);
        let _ = countdown.as_mut().poll(&mut cx);
    }
}
