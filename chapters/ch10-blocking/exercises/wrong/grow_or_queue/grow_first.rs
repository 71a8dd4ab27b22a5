// Wrong: starts a new thread while idle threads wait for work, so the pool
// grows to its cap under any load and the idle threads only time out.

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
    if counts.threads < max_threads {
        counts.threads += 1;
        Decision::StartThread
    } else if counts.idle > counts.notified {
        counts.notified += 1;
        Decision::WakeIdle
    } else {
        Decision::Queue
    }
}
