//! Exercise 13.2: `Budgeted`, a full budget for every poll of a task and
//! the thread's own budget back afterwards.

use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use ch13_exercises::budget::{self, BUDGET};
use ch13_exercises::budgeted::Budgeted;

fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(future).poll(&mut cx)
}

#[test]
fn every_poll_starts_with_a_full_budget() {
    let mut seen = Vec::new();
    let mut task = Budgeted::new(poll_fn(|_| {
        seen.push(budget::get());
        // The task spends everything, as a hog does, and yields.
        budget::set(Some(0));
        if seen.len() < 3 {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }));
    while poll_once(&mut task).is_pending() {}
    assert_eq!(
        seen,
        [Some(BUDGET); 3],
        "the budget each poll of the task started with"
    );
}

#[test]
fn the_threads_own_budget_comes_back_after_the_poll() {
    for before in [None, Some(7)] {
        budget::set(before);
        let mut seen = None;
        let mut task = Budgeted::new(poll_fn(|_| {
            seen = budget::get();
            budget::set(Some(3));
            Poll::<()>::Pending
        }));
        assert!(poll_once(&mut task).is_pending());
        assert_eq!(
            seen,
            Some(BUDGET),
            "a task polled where the thread had {before:?} did not get a full budget"
        );
        assert_eq!(
            budget::get(),
            before,
            "after polling a task, the thread's budget is not the one it had \
             before: the next thing this worker runs gets the task's leftovers"
        );
    }
}

#[test]
fn a_poll_that_panics_still_gives_the_thread_its_budget_back() {
    budget::set(None);
    let mut polled = false;
    let mut task = Budgeted::new(poll_fn(|_| -> Poll<()> {
        polled = true;
        budget::set(Some(3));
        panic!("the task's future panics");
    }));
    let result = catch_unwind(AssertUnwindSafe(|| poll_once(&mut task)));
    assert!(polled, "the task's future was never polled");
    assert!(result.is_err(), "the panic should reach the caller");
    assert_eq!(
        budget::get(),
        None,
        "a worker catches a task's panic and goes on running other tasks, \
         with whatever budget the panicking poll left behind"
    );
}
