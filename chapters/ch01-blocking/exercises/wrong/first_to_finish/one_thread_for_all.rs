// Wrong: one thread runs the jobs one after another, so the caller is not
// blocked, but the jobs do not run at the same time: a job that waits for
// another never finishes.

use std::sync::mpsc;
use std::thread;

pub fn first_to_finish<T, F>(jobs: Vec<F>) -> Option<(usize, T)>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (results, first) = mpsc::channel();
    thread::spawn(move || {
        for (index, job) in jobs.into_iter().enumerate() {
            let _ = results.send((index, job()));
        }
    });
    first.recv().ok()
}
