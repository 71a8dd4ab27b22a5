//! Futures are lazy: calling an `async fn` runs none of its body.

use std::cell::Cell;

// ANCHOR: lazy
/// Counts in `body_runs` every time its body starts, then returns 42.
pub async fn answer(body_runs: &Cell<u32>) -> u32 {
    body_runs.set(body_runs.get() + 1);
    42
}
// ANCHOR_END: lazy

#[cfg(test)]
mod tests {
    use super::*;
    use futures_task::noop_waker;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll};

    #[test]
    fn calling_runs_nothing_polling_runs_the_body() {
        let runs = Cell::new(0);
        let future = answer(&runs);
        assert_eq!(runs.get(), 0, "calling an async fn only builds the future");
        let waker = noop_waker();
        let mut future = pin!(future);
        let polled = future.as_mut().poll(&mut Context::from_waker(&waker));
        assert_eq!(polled, Poll::Ready(42));
        assert_eq!(runs.get(), 1);
    }

    #[test]
    fn a_future_dropped_unpolled_never_runs() {
        let runs = Cell::new(0);
        drop(answer(&runs));
        assert_eq!(runs.get(), 0);
    }
}
