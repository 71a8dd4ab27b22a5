// Wrong: every thread sends its result on a channel as soon as it is done,
// and the results are collected from the channel, so they come back in the
// order the jobs finished, not the order they were given in.

use std::sync::mpsc;
use std::thread;

pub fn run_all_on_threads<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let tx = tx.clone();
            thread::spawn(move || {
                let _ = tx.send(job());
            })
        })
        .collect();
    drop(tx);
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    rx.into_iter().collect()
}
