// Wrong: each thread catches its job's panic and reports it, and the first
// report decides. A job that panicked first makes the caller panic, although
// a panicking job cannot win and the others may still finish.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

pub fn first_to_finish<T, F>(jobs: Vec<F>) -> Option<(usize, T)>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (results, first) = mpsc::channel();
    for (index, job) in jobs.into_iter().enumerate() {
        let results = results.clone();
        thread::spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(job));
            let _ = results.send((index, outcome));
        });
    }
    drop(results);
    match first.recv().ok()? {
        (index, Ok(value)) => Some((index, value)),
        (_, Err(payload)) => panic::resume_unwind(payload),
    }
}
