//! Exercise 10.2: an idle thread's wake-up, the reference solution.

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
    // The notification is checked first. `submit` counted this thread as
    // the one taking its job; a thread that left on its time-out instead
    // would leave that job in the queue with nobody coming for it.
    if counts.notified > 0 {
        counts.notified -= 1;
        counts.idle -= 1;
        AfterWait::TakeJob
    } else if shutdown || timed_out {
        counts.idle -= 1;
        // So the next `submit` sees the pool below its cap again.
        counts.threads -= 1;
        AfterWait::Exit
    } else {
        // Condition variables may wake a thread for no reason.
        AfterWait::KeepWaiting
    }
}
// ANCHOR_END: solution
