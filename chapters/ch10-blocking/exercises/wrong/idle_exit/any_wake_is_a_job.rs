// Wrong: treats every return from the wait that is not a time-out as a
// notification. A spurious wake-up sends the thread to an empty queue, and
// the thread that really was notified later finds no count left to claim.

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

pub fn after_wait(counts: &mut Counts, timed_out: bool, shutdown: bool) -> AfterWait {
    if shutdown || (timed_out && counts.notified == 0) {
        counts.idle -= 1;
        counts.threads -= 1;
        AfterWait::Exit
    } else {
        counts.notified = counts.notified.saturating_sub(1);
        counts.idle -= 1;
        AfterWait::TakeJob
    }
}
