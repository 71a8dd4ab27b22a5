// Wrong: each worker keeps the queue's lock while it runs the job it took,
// so the other workers wait at the lock: `limit` threads, but one job at a
// time.

use std::sync::{Arc, Mutex};
use std::thread;

pub fn run_with_limit<T, F>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    assert!(limit > 0, "run_with_limit needs at least one thread");
    let count = jobs.len();
    let queue = Arc::new(Mutex::new(jobs.into_iter().enumerate()));
    let results = Arc::new(Mutex::new((0..count).map(|_| None).collect::<Vec<_>>()));
    let workers: Vec<_> = (0..limit)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                let mut queue = queue.lock().unwrap();
                let Some((index, job)) = queue.next() else { break };
                let value = job();
                drop(queue);
                results.lock().unwrap()[index] = Some(value);
            })
        })
        .collect();
    for worker in workers {
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    let mut results = results.lock().unwrap();
    results.iter_mut().map(|slot| slot.take().unwrap()).collect()
}
