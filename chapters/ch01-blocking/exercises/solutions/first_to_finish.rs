//! Exercise 1.1: first_to_finish (book: Chapter 1, "Exercise 1.1: first_to_finish").

use std::sync::mpsc;
use std::thread;

// ANCHOR: solution
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
    let (results, first) = mpsc::channel();
    for (index, job) in jobs.into_iter().enumerate() {
        let results = results.clone();
        // The handle is dropped: the thread is detached and runs on alone.
        thread::spawn(move || {
            let value = job();
            // The receiver is gone once a winner was taken; the losers'
            // results have nowhere to go, and that is fine.
            let _ = results.send((index, value));
        });
    }
    // Our own sender must go, or `recv` would wait for it for ever when every
    // job panics: a panicking thread drops its sender as it unwinds, and once
    // the last one is gone `recv` returns `Err`.
    drop(results);
    first.recv().ok()
}
// ANCHOR_END: solution
