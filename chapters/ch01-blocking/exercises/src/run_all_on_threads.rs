//! Exercise 1.1: run_all_on_threads (book: Chapter 1, section "Exercises").

/// Runs every job on a thread of its own, all at the same time, and returns
/// their results in the order of `jobs` (not in the order they finish).
///
/// A job that panics makes this function panic too.
pub fn run_all_on_threads<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // TODO: spawn one thread per job, then join them in input order.
    let _ = jobs;
    todo!("Exercise 1.1 (run_all_on_threads): see the book, Chapter 1, \"Exercise 1.1: run_all_on_threads\"")
}
