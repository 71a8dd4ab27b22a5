// Wrong: leaves the count of threads to the new thread to update when it
// starts. Until then, every job that arrives starts yet another thread:
// a burst of jobs blows straight through the cap.

/// The pool's counts as `submit` sees them, under the pool's lock, just
/// after it put a job in the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Threads alive: running a job or idle.
    pub threads: usize,
    /// Threads waiting on the condition variable.
    pub idle: usize,
    /// Idle threads already woken for a job that have not taken it yet.
    pub notified: usize,
}

/// What `submit` does for the job it just queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Notify the condition variable: an idle thread will take the job.
    WakeIdle,
    /// Start a new thread; it takes the job.
    StartThread,
    /// Do nothing: a busy thread takes the job when it finishes its own.
    Queue,
}

pub fn on_submit(counts: &mut Counts, max_threads: usize) -> Decision {
    if counts.idle > counts.notified {
        counts.notified += 1;
        Decision::WakeIdle
    } else if counts.threads < max_threads {
        Decision::StartThread
    } else {
        Decision::Queue
    }
}
