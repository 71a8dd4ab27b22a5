// Wrong: the exiting thread leaves `threads` as it was. The pool believes
// it is still full, so once every thread has retired, new jobs are queued
// for threads that no longer exist.

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
    if counts.notified > 0 {
        counts.notified -= 1;
        counts.idle -= 1;
        AfterWait::TakeJob
    } else if shutdown || timed_out {
        counts.idle -= 1;
        AfterWait::Exit
    } else {
        AfterWait::KeepWaiting
    }
}
