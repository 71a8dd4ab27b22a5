// Wrong: the function keeps its own sender alive while it waits. When every
// job panics, no result ever comes, and `recv` waits for that last sender,
// which belongs to the caller itself: it never returns.

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
            let _ = results.send((index, job()));
        });
    }
    first.recv().ok()
}
