//! Moving a future to another thread: `Send`, `'static`, `Arc` and `Mutex`.

use std::future::Future;
use std::thread::{self, JoinHandle};

use crate::block_on;

// ANCHOR: spawn_on_thread
/// Runs `future` to completion on a new thread and returns a handle to its
/// output: a crude `spawn`, with one thread per future.
///
/// The bounds are the ones `tokio::spawn` has, for the same reasons. The
/// future is moved to another thread, so it must be `Send`; and that thread
/// may outlive the caller's stack frame, so the future may not borrow from
/// it: `'static`.
///
/// The compiler checks both. The examples below are doc tests, which
/// `cargo test -p ch02-futures` runs: a `compile_fail` example that compiles
/// is a failed test.
///
/// Holding an `Rc` (its count is not atomic) across an `.await` makes the
/// whole future `!Send`:
///
/// ```compile_fail
/// use std::rc::Rc;
/// use ch02_futures::{countdown::Countdown, send::spawn_on_thread};
///
/// spawn_on_thread(async {
///     let shared = Rc::new(5);
///     Countdown::new(1).await; // `shared` is alive across this await
///     *shared
/// });
/// ```
// ANCHOR_END: spawn_on_thread
// ANCHOR: spawn_on_thread_more
///
/// What counts is what is alive *at* an await. An `Rc` that is gone before
/// the first suspension is not part of the stored state, so this compiles:
///
/// ```
/// use std::rc::Rc;
/// use ch02_futures::{countdown::Countdown, send::spawn_on_thread};
///
/// let handle = spawn_on_thread(async {
///     let n = {
///         let shared = Rc::new(5);
///         *shared
///     };
///     Countdown::new(1).await;
///     n
/// });
/// assert_eq!(handle.join().unwrap(), 5);
/// ```
///
/// And a future that borrows the caller's locals is not `'static`:
///
/// ```compile_fail,E0597
/// use ch02_futures::send::spawn_on_thread;
///
/// let name = String::from("local");
/// let borrowed: &str = &name;
/// let handle = spawn_on_thread(async move { borrowed.len() });
/// handle.join().unwrap();
/// ```
pub fn spawn_on_thread<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    thread::spawn(move || block_on(future))
}
// ANCHOR_END: spawn_on_thread_more

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use crate::timer::Timer;

    #[test]
    fn futures_on_threads_share_state_through_arc_mutex() {
        let total = testkit::timeout(|| {
            let counter = Arc::new(Mutex::new(0));
            let handles: Vec<_> = (1..=4)
                .map(|i| {
                    let counter = Arc::clone(&counter);
                    spawn_on_thread(async move {
                        Timer::new(Duration::from_millis(10)).await;
                        *counter.lock().unwrap() += i;
                    })
                })
                .collect();
            for handle in handles {
                handle.join().unwrap();
            }
            let total = *counter.lock().unwrap();
            total
        });
        assert_eq!(total, 1 + 2 + 3 + 4);
    }

    #[test]
    fn the_output_comes_back_through_the_handle() {
        let handle = spawn_on_thread(async { String::from("done") });
        assert_eq!(testkit::timeout(move || handle.join().unwrap()), "done");
    }
}
