// Wrong: it starts every thread, then joins them in the order they were
// given and returns the first that did not panic. That is the first job in
// the list, not the first to finish: it waits for job 0 however long it takes.

use std::thread;

pub fn first_to_finish<T, F>(jobs: Vec<F>) -> Option<(usize, T)>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    for (index, handle) in handles.into_iter().enumerate() {
        if let Ok(value) = handle.join() {
            return Some((index, value));
        }
    }
    None
}
