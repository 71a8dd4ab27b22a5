//! Exercise 1.1: first_to_finish (book: Chapter 1, "Exercise 1.1: first_to_finish").

/// Runs every job on a thread of its own, all at the same time, and returns
/// the index and result of the first job to finish, as soon as it finishes.
/// The other jobs are not waited for: their threads run on by themselves.
///
/// A job that panics never finishes, so it cannot win. Returns `None` when
/// `jobs` is empty or every job panicked.
pub fn first_to_finish<T, F>(jobs: Vec<F>) -> Option<(usize, T)>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // TODO: one thread per job, each reporting its result the moment it has
    // one; return the first report.
    let _ = jobs;
    todo!("Exercise 1.1 (first_to_finish): see the book, Chapter 1, \"Exercise 1.1: first_to_finish\"")
}
