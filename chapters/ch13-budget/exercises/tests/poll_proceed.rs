//! Exercise 13.1: `poll_proceed` and the guard that gives an unspent unit
//! back.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll, Wake, Waker};
use std::time::Duration;

use ch13_exercises::budget::{self, BUDGET};
use ch13_exercises::poll_proceed::poll_proceed;

struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A context whose waker counts its wake-ups.
fn counting() -> (Arc<CountWakes>, Waker) {
    let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
    (wakes.clone(), Waker::from(wakes))
}

fn proceed_and_spend(cx: &mut Context<'_>) -> bool {
    match poll_proceed(cx) {
        Poll::Ready(unit) => {
            unit.made_progress();
            true
        }
        Poll::Pending => false,
    }
}

#[test]
fn each_ready_operation_spends_one_unit() {
    let (_, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    budget::set(Some(3));
    for left in [2, 1, 0] {
        assert!(
            proceed_and_spend(&mut cx),
            "refused with {} unit(s) left",
            left + 1
        );
        assert_eq!(budget::get(), Some(left), "one operation, one unit");
    }
}

#[test]
fn with_the_budget_spent_it_yields_and_wakes_the_task() {
    let (wakes, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    budget::set(Some(0));
    assert!(
        poll_proceed(&mut cx).is_pending(),
        "went ahead with no units left"
    );
    assert_eq!(
        wakes.0.load(Ordering::SeqCst),
        1,
        "a Pending without a wake-up: the resource is ready, so nothing else \
         will ever wake this task"
    );
    assert_eq!(budget::get(), Some(0));
}

#[test]
// Before your guard has a `Drop`, clippy calls this `drop` useless; it is
// the point of the test.
#[allow(clippy::drop_non_drop)]
fn a_unit_not_spent_goes_back() {
    let (_, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    budget::set(Some(5));
    let Poll::Ready(unit) = poll_proceed(&mut cx) else {
        panic!("refused with 5 units left");
    };
    assert_eq!(budget::get(), Some(4), "the unit is taken at once");
    // The operation was Pending: the resource drops the guard unspent.
    drop(unit);
    assert_eq!(
        budget::get(),
        Some(5),
        "an operation that was Pending did no work, and spent a unit"
    );
}

#[test]
fn nobody_counts_the_operations_of_an_unconstrained_task() {
    let (wakes, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    budget::set(None);
    for _ in 0..1_000 {
        assert!(proceed_and_spend(&mut cx), "refused an unconstrained task");
        let unit = poll_proceed(&mut cx);
        drop(unit);
    }
    assert_eq!(
        budget::get(),
        None,
        "gave a budget to an unconstrained task"
    );
    assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
}

/// One operation of a resource that is always ready (a socket with
/// megabytes buffered): a unit, then success.
async fn operate() {
    poll_fn(|cx| {
        let unit = ready!(poll_proceed(cx));
        unit.made_progress();
        Poll::Ready(())
    })
    .await
}

/// The runtime's side, written here so this test needs only your
/// `poll_proceed`: a full budget for each poll of the task.
struct WithBudget<F>(Pin<Box<F>>);

impl<F: Future> Future for WithBudget<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        budget::set(Some(BUDGET));
        let poll = self.0.as_mut().poll(cx);
        budget::set(None);
        poll
    }
}

/// A hog, stopped after this many operations if nothing stops it before.
const LIMIT: usize = 1_000_000;

#[test]
fn a_hog_on_one_worker_lets_another_task_run() {
    let (operations, other_ran) = testkit::within(
        Duration::from_secs(3),
        "the hog ran out of budget and was never polled again: a Pending \
         that wakes nobody",
        || {
            let runtime = ch12_tuning::Runtime::new(1);
            runtime.block_on(async {
                let hog = ch12_tuning::spawn(WithBudget(Box::pin(async {
                    let other_ran = Arc::new(AtomicBool::new(false));
                    let mut operations = 0;
                    while !other_ran.load(Ordering::SeqCst) && operations < LIMIT {
                        operate().await;
                        operations += 1;
                        if operations == 1 {
                            let flag = other_ran.clone();
                            drop(ch12_tuning::spawn(async move {
                                flag.store(true, Ordering::SeqCst)
                            }));
                        }
                    }
                    (operations, other_ran.load(Ordering::SeqCst))
                })));
                hog.await.expect("the hog panicked")
            })
        },
    );
    assert!(
        other_ran,
        "the hog did {operations} operations and never let the other task run"
    );
    assert!(
        operations <= BUDGET as usize + 1,
        "the hog did {operations} operations before it yielded; the budget is {BUDGET}"
    );
}
