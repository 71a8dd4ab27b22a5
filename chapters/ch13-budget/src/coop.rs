//! The cooperative budget: how many times a task may find a resource ready
//! in one poll before the resource pretends it is not.
//!
//! A future that is always ready never returns `Pending`, so the worker
//! polling it never gets back to its queue. The budget makes every resource
//! (here: this chapter's sockets) spend one unit of it per ready result; at
//! zero, the resource wakes the task and returns `Pending`, and the task goes
//! to the back of the queue like a `yield_now`. The runtime refills the
//! budget before each poll of a task ([`Budgeted`]).

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

// ANCHOR: budget
/// Units per poll of a task. tokio's number too.
pub const BUDGET: u8 = 128;

/// The units left to the task this thread is polling. `None` means nobody
/// counts: outside any task, and inside [`unconstrained`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget(Option<u8>);

impl Budget {
    pub const fn initial() -> Budget {
        Budget(Some(BUDGET))
    }

    pub const fn unconstrained() -> Budget {
        Budget(None)
    }
}

std::thread_local! {
    static CURRENT: Cell<Budget> = const { Cell::new(Budget::unconstrained()) };
}
// ANCHOR_END: budget

// ANCHOR: budget_scope
/// Gives this thread `budget` until [`BudgetScope::leave`], or the drop
/// (a panic unwinding included), puts back the budget from before.
pub struct BudgetScope {
    before: Budget,
}

impl BudgetScope {
    #[inline]
    pub fn enter(budget: Budget) -> BudgetScope {
        let before = CURRENT.with(|current| current.replace(budget));
        BudgetScope { before }
    }

    /// Puts the budget from before back and returns the units that were
    /// left (`None`: nobody counted).
    #[inline]
    pub fn leave(self) -> Option<u8> {
        let left = CURRENT.with(|current| current.replace(self.before));
        // The budget is back already; the drop would only do it again.
        std::mem::forget(self);
        left.0
    }
}

impl Drop for BudgetScope {
    #[inline]
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.before));
    }
}
// ANCHOR_END: budget_scope

// ANCHOR: with_budget
/// Runs `poll` with `budget` as this thread's budget, then puts back the
/// budget that was there before, even if `poll` panics: a worker goes on to
/// poll other tasks after a panic, and `block_on` may be inside a task's
/// budget (a nested runtime in a test).
pub fn with_budget<R>(budget: Budget, poll: impl FnOnce() -> R) -> R {
    let _scope = BudgetScope::enter(budget);
    poll()
}
// ANCHOR_END: with_budget

/// The units left on this thread: `None` when unconstrained.
#[inline]
pub fn remaining() -> Option<u8> {
    CURRENT.with(|current| current.get().0)
}

// ANCHOR: poll_proceed
/// Asks for one unit before a resource does its work. `Pending` (after
/// waking the task, so it is polled again after the others in its queue)
/// when the budget is spent. The unit is given back when the returned guard
/// is dropped, unless the resource calls `made_progress` first: an operation
/// that ends up `Pending` did no work, and must not use up the budget.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    CURRENT.with(|current| match current.get().0 {
        None => Poll::Ready(RestoreOnPending {
            took: Cell::new(false),
        }),
        Some(0) => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Some(left) => {
            current.set(Budget(Some(left - 1)));
            Poll::Ready(RestoreOnPending {
                took: Cell::new(true),
            })
        }
    })
}

// ANCHOR_END: poll_proceed

// ANCHOR: restore
/// The unit `poll_proceed` took, given back on drop unless spent.
#[must_use = "drop it only after the operation: dropping it gives the unit back"]
pub struct RestoreOnPending {
    took: Cell<bool>,
}

impl RestoreOnPending {
    /// The operation was ready: the unit is spent.
    pub fn made_progress(&self) {
        self.took.set(false);
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if !self.took.get() {
            return;
        }
        // A unit taken under `with_budget` is given back inside it: the
        // guard lives within one poll of one resource.
        let _ = CURRENT.try_with(|current| {
            if let Budget(Some(left)) = current.get() {
                current.set(Budget(Some(left.saturating_add(1).min(BUDGET))));
            }
        });
    }
}
// ANCHOR_END: restore

// ANCHOR: with_unit
/// One operation of a resource, under the budget: a unit first (or a
/// yield), then the operation; a `Pending` operation gives its unit back
/// when `unit` drops.
pub fn with_unit<T>(
    cx: &mut Context<'_>,
    operation: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    let unit = ready!(poll_proceed(cx));
    let result = ready!(operation(cx));
    unit.made_progress();
    Poll::Ready(result)
}
// ANCHOR_END: with_unit

// ANCHOR: consume_budget
/// Spends one unit, yielding first if there is none left: for a loop that
/// does work without touching a resource that counts (tokio's
/// `task::consume_budget`).
pub async fn consume_budget() {
    poll_fn(|cx| {
        let unit = ready!(poll_proceed(cx));
        unit.made_progress();
        Poll::Ready(())
    })
    .await
}
// ANCHOR_END: consume_budget

// ANCHOR: budgeted
/// A task's future, with a full budget for each of its polls. `spawn` and
/// `block_on` wrap every future in one.
pub struct Budgeted<F, H = fn()> {
    future: F,
    /// Called when a poll returns `Pending` with the budget spent. A named
    /// function has a type of its own, of zero bytes, so the runtime's hook
    /// adds nothing to its tasks, where a `fn()` pointer would add eight.
    when_spent: H,
}

impl<F, H: Fn() + Copy> Budgeted<F, H> {
    /// With a hook for the runtime, run when the task yields because its
    /// budget ran out (chapter 13's runtime turns its reactor then).
    pub fn when_spent(future: F, when_spent: H) -> Budgeted<F, H> {
        Budgeted { future, when_spent }
    }
}

impl<F: Future, H: Fn() + Copy> Future for Budgeted<F, H> {
    type Output = F::Output;

    // A call of its own would cost every yield about 20 instructions.
    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let when_spent = self.when_spent;
        // SAFETY: `future` is pinned whenever `self` is: it is never moved
        // out, and `Budgeted` has no `Drop` and no `Unpin` of its own.
        let future = unsafe { self.map_unchecked_mut(|this| &mut this.future) };
        let scope = BudgetScope::enter(Budget::initial());
        let poll = future.poll(cx);
        // Nothing left after a `Pending`: the task yielded for its budget.
        if scope.leave() == Some(0) && poll.is_pending() {
            when_spent();
        }
        poll
    }
}
// ANCHOR_END: budgeted

impl<F> Budgeted<F> {
    /// With no hook: only the budget.
    pub fn new(future: F) -> Budgeted<F> {
        Budgeted::when_spent(future, || {})
    }
}

// ANCHOR: unconstrained
/// Runs `future` with no budget: its resources never force a yield. For a
/// task that must not be interrupted; it can starve the others again.
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { future }
}

pub struct Unconstrained<F> {
    future: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: as in `Budgeted`: `future` is never moved out.
        let future = unsafe { self.map_unchecked_mut(|this| &mut this.future) };
        with_budget(Budget::unconstrained(), || future.poll(cx))
    }
}
// ANCHOR_END: unconstrained

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting() -> (Arc<CountWakes>, Waker) {
        let count = Arc::new(CountWakes(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn spent_units_run_out_and_the_last_call_wakes_the_task() {
        let (wakes, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        with_budget(Budget::initial(), || {
            for _ in 0..BUDGET {
                match poll_proceed(&mut cx) {
                    Poll::Ready(unit) => unit.made_progress(),
                    Poll::Pending => panic!("ran out before {BUDGET} units"),
                }
            }
            assert_eq!(remaining(), Some(0));
            assert!(poll_proceed(&mut cx).is_pending());
            assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        });
        assert_eq!(remaining(), None, "the thread's budget is put back");
    }

    #[test]
    fn a_unit_not_spent_is_given_back() {
        let (_, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        with_budget(Budget::initial(), || {
            let Poll::Ready(unit) = poll_proceed(&mut cx) else {
                panic!("a full budget refused a unit");
            };
            assert_eq!(remaining(), Some(BUDGET - 1));
            drop(unit);
            assert_eq!(remaining(), Some(BUDGET));
        });
    }

    #[test]
    fn unconstrained_never_runs_out() {
        let (wakes, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(Budgeted::new(unconstrained(poll_fn(|cx| {
            for _ in 0..10 * BUDGET as usize {
                let unit = ready!(poll_proceed(cx));
                unit.made_progress();
            }
            Poll::Ready(remaining())
        }))));
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(None));
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
    }
}
