//! An atomic whose threads a test can make take turns, so that the race a
//! check-then-act mistake loses is staged every time, not once in a
//! thousand runs.
//!
//! [`AtomicUsize`] is std's, with one addition: before each operation, a
//! thread that has joined a [`Lockstep`] waits until every other thread of
//! that lockstep has reached its next operation too. Two threads that each
//! load and then store therefore both load before either stores. Outside a
//! lockstep (in your own code, in the runtime) it is a plain atomic.

use std::cell::RefCell;
use std::sync::atomic::{self, Ordering};
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
    let lockstep = CURRENT.with(|current| current.borrow().clone());
    if let Some(lockstep) = lockstep {
        lockstep.step();
    }
}

/// `std::sync::atomic::AtomicUsize`, whose every operation is one step of
/// the calling thread's [`Lockstep`], if it joined one.
#[derive(Debug, Default)]
pub struct AtomicUsize(atomic::AtomicUsize);

impl AtomicUsize {
    pub const fn new(value: usize) -> AtomicUsize {
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
