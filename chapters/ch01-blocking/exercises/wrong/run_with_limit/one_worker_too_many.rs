// Wrong: starts `limit + 1` workers (an off-by-one in `0..=limit`), so one
// job more than the limit can run at once.

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
    let workers: Vec<_> = (0..=limit)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                let next = queue.lock().unwrap().next();
                let Some((index, job)) = next else { break };
                let value = job();
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
