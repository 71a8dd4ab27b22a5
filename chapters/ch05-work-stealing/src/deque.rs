//! The deques the scheduler uses: crossbeam-deque's, re-exported.
//!
//! Under loom (`RUSTFLAGS="--cfg loom"`) they are wrapped, because loom does
//! not see crossbeam's own atomics. Loom cannot interrupt a deque operation
//! (it switches threads only at operations it models), so each push, pop or
//! steal still runs whole and sees every earlier one. What loom would miss is
//! the guarantee crossbeam gives on top: whatever a thread wrote before it
//! pushed a task (the task's state, its future) is visible to the thread
//! that takes it. Without that edge loom reports a false "causality
//! violation" on the first access to a task's state by the worker that took
//! it. The wrappers model the edge with one loom atomic, `HANDOFF`: every
//! push performs a read-modify-write on it just before pushing, and every
//! take performs one just after taking. Read-modify-writes of one atomic
//! form one chain, so each take synchronizes with every push before it.
//! Crossbeam's own lock-free code is not model-checked here (crossbeam's
//! tests do that); the scheduler's protocol around it is.

#[cfg(not(loom))]
pub use crossbeam_deque::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
pub use self::modelled::{Injector, Steal, Stealer, Worker};

#[cfg(loom)]
mod modelled {
    use loom::sync::atomic::{AtomicUsize, Ordering};

    pub use crossbeam_deque::Steal;

    // ANCHOR: handoff
    loom::lazy_static! {
        static ref HANDOFF: AtomicUsize = AtomicUsize::new(0);
    }

    /// Before a push: a release that every later take acquires.
    fn publish() {
        HANDOFF.fetch_add(1, Ordering::AcqRel);
    }

    /// After a take: acquires every push made so far.
    fn acquire<T>(steal: Steal<T>) -> Steal<T> {
        if let Steal::Success(_) = steal {
            HANDOFF.fetch_add(0, Ordering::AcqRel);
        }
        steal
    }

    pub struct Injector<T>(crossbeam_deque::Injector<T>);

    impl<T> Injector<T> {
        pub fn new() -> Self {
            Injector(crossbeam_deque::Injector::new())
        }
        pub fn push(&self, task: T) {
            publish();
            self.0.push(task);
        }
        pub fn steal(&self) -> Steal<T> {
            acquire(self.0.steal())
        }
        // ANCHOR_END: handoff
        pub fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
            acquire(self.0.steal_batch_and_pop(&dest.0))
        }
        pub fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
        pub fn len(&self) -> usize {
            self.0.len()
        }
    }

    impl<T> Default for Injector<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    pub struct Worker<T>(crossbeam_deque::Worker<T>);

    impl<T> Worker<T> {
        pub fn new_fifo() -> Self {
            Worker(crossbeam_deque::Worker::new_fifo())
        }
        pub fn stealer(&self) -> Stealer<T> {
            Stealer(self.0.stealer())
        }
        pub fn push(&self, task: T) {
            publish();
            self.0.push(task);
        }
        /// Only the owner pops, and everything in its deque it pushed
        /// itself or took (and acquired) itself: no edge is missing.
        pub fn pop(&self) -> Option<T> {
            self.0.pop()
        }
        pub fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
        pub fn len(&self) -> usize {
            self.0.len()
        }
    }

    pub struct Stealer<T>(crossbeam_deque::Stealer<T>);

    impl<T> Stealer<T> {
        pub fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
            acquire(self.0.steal_batch_and_pop(&dest.0))
        }
        pub fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }
}
