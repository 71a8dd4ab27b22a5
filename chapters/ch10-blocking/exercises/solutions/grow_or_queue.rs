//! Exercise 10.1: grow or queue, the reference solution.

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

// ANCHOR: solution
/// Decides what to do for a job just queued, and updates `counts` to what
/// will be true once the decision is carried out.
pub fn on_submit(counts: &mut Counts, max_threads: usize) -> Decision {
    // An idle thread that was already woken is on its way to an earlier
    // job: only the idle threads beyond those are free for this one.
    if counts.idle > counts.notified {
        counts.notified += 1;
        Decision::WakeIdle
    } else if counts.threads < max_threads {
        // Counted now, under the lock, so the next job sees it even though
        // the thread has not started yet.
        counts.threads += 1;
        Decision::StartThread
    } else {
        Decision::Queue
    }
}
// ANCHOR_END: solution
