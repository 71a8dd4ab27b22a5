// Wrong: joins each thread right after spawning it, so the next job starts
// only when the previous one has finished. Correct results, in order, on
// threads of their own, but one job at a time: sequential again.

use std::thread;

pub fn run_all_on_threads<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    jobs.into_iter()
        .map(|job| {
            thread::spawn(job)
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}
