//! Exercise 1.2: run_with_limit (book: Chapter 1, section "Exercises").

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

// ANCHOR: solution
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
    assert!(limit > 0, "run_with_limit needs at least one thread");
    let count = jobs.len();
    // The queue holds each job with its index, so results can be put back in
    // input order. A channel needs no explicit "empty" check: `recv` fails
    // once the queue is drained and the sender is gone.
    let (job_tx, job_rx) = mpsc::channel();
    for indexed in jobs.into_iter().enumerate() {
        // The receiver is alive (we hold it), so `send` cannot fail.
        job_tx.send(indexed).expect("receiver is alive");
    }
    drop(job_tx);
    // mpsc has one receiver; the workers share it through a mutex.
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (result_tx, result_rx) = mpsc::channel();

    let workers: Vec<_> = (0..limit.min(count))
        .map(|_| {
            let job_rx = Arc::clone(&job_rx);
            let result_tx = result_tx.clone();
            thread::spawn(move || loop {
                // Hold the lock only to take a job, never while running it,
                // or the workers would run one job at a time.
                let next = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((index, job)) = next else { break };
                // The main thread keeps `result_rx` until every worker ends.
                let _ = result_tx.send((index, job()));
            })
        })
        .collect();
    drop(result_tx);

    for worker in workers {
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
    for (index, value) in result_rx {
        results[index] = Some(value);
    }
    results
        .into_iter()
        // Every worker finished without panicking, so every job ran.
        .map(|slot| slot.expect("every job produced a result"))
        .collect()
}
// ANCHOR_END: solution
