// Wrong: it collects every result before it answers. The answer is the right
// one, but it comes only when the slowest job is done.

use std::sync::mpsc;
use std::thread;

pub fn first_to_finish<T, F>(jobs: Vec<F>) -> Option<(usize, T)>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (results, all) = mpsc::channel();
    for (index, job) in jobs.into_iter().enumerate() {
        let results = results.clone();
        thread::spawn(move || {
            let _ = results.send((index, job()));
        });
    }
    drop(results);
    let finished: Vec<(usize, T)> = all.iter().collect();
    finished.into_iter().next()
}
