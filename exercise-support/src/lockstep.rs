//! An atomic that a test can interleave on purpose, so that the race a
//! check-then-act mistake loses is staged every time, not once in a
//! thousand runs.
//!
//! [`AtomicUsize`] is std's, with two additions for tests:
//!
//! - a thread that has joined a [`Lockstep`] waits, before each operation,
//!   until every other thread of that lockstep has reached its next
//!   operation too. Two threads that each load and then store therefore
//!   both load before either stores.
//! - [`interleave`] runs a piece of code just before the `n`th operation of
//!   the calling thread: another thread's action, staged at an exact point.
//!
//! Otherwise (in an exercise's own code, in a runtime) it is a plain atomic.
//! Under `RUSTFLAGS="--cfg loom"` it wraps loom's atomic instead, and
//! [`fence`] is loom's, so an exercise's loom model (`tests/loom_<name>.rs`)
//! explores the exercise's own operations.

use std::cell::RefCell;
use std::sync::atomic::Ordering;

#[cfg(loom)]
use loom::sync::atomic;
#[cfg(not(loom))]
use std::sync::atomic;

/// `std::sync::atomic::fence`, or loom's under `--cfg loom`.
pub use atomic::fence;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// Threads that take their atomic operations in rounds: nobody starts its
/// next operation until every thread still in the lockstep is ready to.
pub struct Lockstep {
    state: Mutex<Rounds>,
    next_round: Condvar,
}

struct Rounds {
    /// Threads that have not left yet (joined or still to join).
    active: usize,
    /// Of those, how many wait for the next round.
    arrived: usize,
    round: u64,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Lockstep>>> = const { RefCell::new(None) };
    static INTERLEAVED: RefCell<Option<Interleaved>> = const { RefCell::new(None) };
}

/// The action [`interleave`] stages, and how many operations remain before it.
struct Interleaved {
    before: usize,
    action: Box<dyn FnOnce()>,
}

/// Runs `body`, and runs `action` on the same thread just before `body`'s
/// `n`th atomic operation (counting from 1). If `body` makes fewer than `n`
/// operations, `action` runs after it. `action`'s own operations are not
/// counted.
///
/// A test runs this for every `n` to check an operation against another
/// thread's action at each point it could happen.
pub fn interleave<T>(n: usize, action: impl FnOnce() + 'static, body: impl FnOnce() -> T) -> T {
    assert!(n > 0, "operations count from 1");
    INTERLEAVED.with(|staged| {
        *staged.borrow_mut() = Some(Interleaved {
            before: n,
            action: Box::new(action),
        })
    });
    let value = body();
    let left = INTERLEAVED.with(|staged| staged.borrow_mut().take());
    if let Some(left) = left {
        (left.action)();
    }
    value
}

/// Runs the action [`interleave`] staged, now, if it has not run yet: for a
/// test's fake that is about to block (a park), so the staged action happens
/// while the thread sleeps instead of never.
pub fn run_staged_now() {
    let staged = INTERLEAVED.with(|staged| staged.borrow_mut().take());
    if let Some(staged) = staged {
        (staged.action)();
    }
}

/// Counts one operation of this thread, running a staged action if it is due.
fn count_operation() {
    let due = INTERLEAVED.with(|staged| {
        let mut staged = staged.borrow_mut();
        let interleaved = staged.as_mut()?;
        interleaved.before -= 1;
        if interleaved.before == 0 {
            staged.take()
        } else {
            None
        }
    });
    // Taken out first: the action's own operations find nothing staged.
    if let Some(due) = due {
        (due.action)();
    }
}

impl Lockstep {
    /// A lockstep for `threads` threads; each must [`join`](Self::join).
    pub fn new(threads: usize) -> Arc<Lockstep> {
        Arc::new(Lockstep {
            state: Mutex::new(Rounds {
                active: threads,
                arrived: 0,
                round: 0,
            }),
            next_round: Condvar::new(),
        })
    }

    /// Makes the calling thread's atomic operations take part; it leaves
    /// when the returned guard drops (also on a panic).
    pub fn join(self: &Arc<Self>) -> Joined {
        CURRENT.with(|current| *current.borrow_mut() = Some(self.clone()));
        Joined {
            lockstep: self.clone(),
        }
    }

    fn rounds(&self) -> MutexGuard<'_, Rounds> {
        // A panic while holding this lock leaves the counts consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn step(&self) {
        let mut rounds = self.rounds();
        rounds.arrived += 1;
        if rounds.arrived >= rounds.active {
            self.start_round(&mut rounds);
            return;
        }
        let round = rounds.round;
        while rounds.round == round {
            rounds = self
                .next_round
                .wait(rounds)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn leave(&self) {
        let mut rounds = self.rounds();
        rounds.active -= 1;
        if rounds.arrived > 0 && rounds.arrived >= rounds.active {
            self.start_round(&mut rounds);
        }
    }

    fn start_round(&self, rounds: &mut Rounds) {
        rounds.arrived = 0;
        rounds.round += 1;
        self.next_round.notify_all();
    }
}

/// Membership of a [`Lockstep`]; dropping it leaves.
pub struct Joined {
    lockstep: Arc<Lockstep>,
}

impl Drop for Joined {
    fn drop(&mut self) {
        CURRENT.with(|current| current.borrow_mut().take());
        self.lockstep.leave();
    }
}

fn step() {
    count_operation();
    let lockstep = CURRENT.with(|current| current.borrow().clone());
    if let Some(lockstep) = lockstep {
        lockstep.step();
    }
}

/// `std::sync::atomic::AtomicUsize`, whose every operation is one step of
/// the calling thread's [`Lockstep`], if it joined one.
#[derive(Debug)]
pub struct AtomicUsize(atomic::AtomicUsize);

impl Default for AtomicUsize {
    fn default() -> Self {
        AtomicUsize::new(0)
    }
}

impl AtomicUsize {
    pub fn new(value: usize) -> AtomicUsize {
        AtomicUsize(atomic::AtomicUsize::new(value))
    }

    pub fn load(&self, order: Ordering) -> usize {
        step();
        self.0.load(order)
    }

    pub fn store(&self, value: usize, order: Ordering) {
        step();
        self.0.store(value, order);
    }

    pub fn swap(&self, value: usize, order: Ordering) -> usize {
        step();
        self.0.swap(value, order)
    }

    pub fn fetch_add(&self, value: usize, order: Ordering) -> usize {
        step();
        self.0.fetch_add(value, order)
    }

    pub fn fetch_sub(&self, value: usize, order: Ordering) -> usize {
        step();
        self.0.fetch_sub(value, order)
    }

    pub fn fetch_and(&self, value: usize, order: Ordering) -> usize {
        step();
        self.0.fetch_and(value, order)
    }

    pub fn fetch_or(&self, value: usize, order: Ordering) -> usize {
        step();
        self.0.fetch_or(value, order)
    }

    pub fn compare_exchange(
        &self,
        current: usize,
        new: usize,
        success: Ordering,
        failure: Ordering,
    ) -> Result<usize, usize> {
        step();
        self.0.compare_exchange(current, new, success, failure)
    }

    /// Never fails spuriously here: it is `compare_exchange`.
    pub fn compare_exchange_weak(
        &self,
        current: usize,
        new: usize,
        success: Ordering,
        failure: Ordering,
    ) -> Result<usize, usize> {
        self.compare_exchange(current, new, success, failure)
    }

    /// std's compare-and-swap loop, with each load and each attempt a step.
    pub fn fetch_update<F>(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        mut f: F,
    ) -> Result<usize, usize>
    where
        F: FnMut(usize) -> Option<usize>,
    {
        let mut previous = self.load(fetch_order);
        while let Some(next) = f(previous) {
            match self.compare_exchange(previous, next, set_order, fetch_order) {
                Ok(value) => return Ok(value),
                Err(actual) => previous = actual,
            }
        }
        Err(previous)
    }
}
