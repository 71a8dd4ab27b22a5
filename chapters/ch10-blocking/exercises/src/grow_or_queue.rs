//! Exercise 10.1: grow or queue (book: Chapter 10, section "Exercise 10.1: Grow or queue").

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
    // TODO: wake an idle thread that nobody has woken yet; else start a
    // thread if the pool is below `max_threads`; else leave the job queued.
    let _ = (counts, max_threads);
    todo!("Exercise 10.1 (grow_or_queue): see the book, Chapter 10, \"Exercise 10.1: Grow or queue\"")
}
// ANCHOR_END: solution
