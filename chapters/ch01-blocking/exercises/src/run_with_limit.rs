//! Exercise 1.2: run_with_limit (book: Chapter 1, section "Exercises").

/// Runs the jobs on at most `limit` threads at a time and returns their
/// results in the order of `jobs`. With `limit` threads and more jobs than
/// that, up to `limit` jobs run at the same time.
///
/// # Panics
/// If `limit` is 0, or if a job panics.
pub fn run_with_limit<T, F>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // TODO: start `limit` worker threads that take jobs from a shared queue
    // until it is empty, and put each result in its input slot.
    let _ = (jobs, limit);
    todo!(
        "Exercise 1.2 (run_with_limit): see the book, Chapter 1, \"Exercise 1.2: run_with_limit\""
    )
}
