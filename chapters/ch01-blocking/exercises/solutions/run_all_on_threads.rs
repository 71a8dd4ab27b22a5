//! Exercise 1.1: run_all_on_threads (book: Chapter 1, section "Exercises").

use std::thread;

// ANCHOR: solution
/// Runs every job on a thread of its own, all at the same time, and returns
/// their results in the order of `jobs` (not in the order they finish).
///
/// A job that panics makes this function panic too.
pub fn run_all_on_threads<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // Spawn them all before joining any: joining inside the same loop would
    // wait for each job before starting the next, which is sequential again.
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        // The handles are in input order, so the results are too, whatever
        // order the threads finish in.
        .map(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}
// ANCHOR_END: solution
