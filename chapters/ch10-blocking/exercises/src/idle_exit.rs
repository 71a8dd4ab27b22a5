//! Exercise 10.2: an idle thread's wake-up (book: Chapter 10, section "Exercise 10.2: Retire without losing a job").

/// The pool's counts, as in Exercise 10.1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub threads: usize,
    pub idle: usize,
    pub notified: usize,
}

/// What an idle thread does after its wait on the condition variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWait {
    /// Leave the idle state and take a job from the queue.
    TakeJob,
    /// Leave the pool: the thread's function returns.
    Exit,
    /// Nothing for this thread: wait again for the rest of its keep-alive.
    KeepWaiting,
}

// ANCHOR: solution
/// An idle thread has returned from `Condvar::wait_timeout`, holding the
/// pool's lock. `timed_out`: its keep-alive has passed. `shutdown`: the pool
/// is being dropped. Decides what the thread does, and updates `counts`.
pub fn after_wait(counts: &mut Counts, timed_out: bool, shutdown: bool) -> AfterWait {
    // TODO: a thread woken for a job takes it, even if its keep-alive
    // passed meanwhile; otherwise it exits on shutdown or time-out, and
    // waits again after a spurious wake-up.
    let _ = (counts, timed_out, shutdown);
    todo!("Exercise 10.2 (idle_exit): see the book, Chapter 10, \"Exercise 10.2: Retire without losing a job\"")
}
// ANCHOR_END: solution
