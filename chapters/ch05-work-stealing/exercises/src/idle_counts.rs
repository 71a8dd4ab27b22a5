//! Exercise 5.2: The searching and sleeping counts (book: Chapter 5, section "Exercises").

use std::sync::atomic::Ordering;

// std's atomic, except that the tests can make threads take turns at it.
use exercise_support::lockstep::AtomicUsize;

const ONE_SEARCHING: usize = 1;
const ONE_SLEEPING: usize = 1 << 16;
const SEARCHING_MASK: usize = ONE_SLEEPING - 1;

/// How many workers of a runtime search and how many sleep, in one atomic
/// word: searching in the low 16 bits, sleeping in the bits above.
pub struct IdleCounts {
    state: AtomicUsize,
    workers: usize,
}

impl IdleCounts {
    pub fn new(workers: usize) -> IdleCounts {
        assert!(workers < ONE_SLEEPING);
        IdleCounts {
            state: AtomicUsize::new(0),
            workers,
        }
    }

    pub fn searching(&self) -> usize {
        self.state.load(Ordering::SeqCst) & SEARCHING_MASK
    }

    pub fn sleeping(&self) -> usize {
        self.state.load(Ordering::SeqCst) / ONE_SLEEPING
    }

    /// A searching worker found work. Returns true if it was the last one
    /// searching.
    pub fn stop_searching(&self) -> bool {
        let before = self.state.fetch_sub(ONE_SEARCHING, Ordering::SeqCst);
        before & SEARCHING_MASK == 1
    }

    /// A worker goes to sleep: one more sleeper and, if it was searching,
    /// one fewer searcher, in a single atomic update.
    pub fn announce_sleep(&self, was_searching: bool) {
        let change = if was_searching {
            ONE_SLEEPING - ONE_SEARCHING
        } else {
            ONE_SLEEPING
        };
        self.state.fetch_add(change, Ordering::SeqCst);
    }

    /// tokio's limit: a worker may start searching only while fewer than
    /// half of the workers search (`2 * searching < workers`). Returns
    /// whether it may; if so, it now counts as searching. Two workers trying
    /// at once must not both slip past the limit.
    pub fn try_start_searching(&self) -> bool {
        // TODO: check the limit and count yourself in, as one atomic step.
        let _ = (&self.state, self.workers, ONE_SEARCHING);
        todo!("Exercise 5.2 (idle_counts): see the book, Chapter 5, \"Exercise 5.2: The searching and sleeping counts\"")
    }

    /// A task was pushed: should a sleeper be woken? Only if nobody searches
    /// and somebody sleeps. If so, move one worker from sleeping to searching
    /// in the same atomic step, and return true: of two pushes racing for
    /// the last sleeper, exactly one wins.
    pub fn claim_wake(&self) -> bool {
        // TODO: the same kind of atomic step as `try_start_searching`.
        todo!("Exercise 5.2 (idle_counts): see the book, Chapter 5, \"Exercise 5.2: The searching and sleeping counts\"")
    }
}
