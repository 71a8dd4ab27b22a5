// Wrong: keeps the results of the jobs that returned and quietly skips the
// ones that panicked, so the caller never learns that a job failed (and the
// results no longer line up with the jobs).

use std::thread;

pub fn run_all_on_threads<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .filter_map(|handle| handle.join().ok())
        .collect()
}
