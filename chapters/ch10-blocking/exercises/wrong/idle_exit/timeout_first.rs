// Wrong: looks at the time-out before the notification. A job that arrives
// just as the keep-alive ends is counted as this thread's, the thread
// leaves, and the job stays in the queue with nobody coming for it.

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
    if shutdown || timed_out {
        counts.idle -= 1;
        counts.threads -= 1;
        AfterWait::Exit
    } else if counts.notified > 0 {
        counts.notified -= 1;
        counts.idle -= 1;
        AfterWait::TakeJob
    } else {
        AfterWait::KeepWaiting
    }
}
