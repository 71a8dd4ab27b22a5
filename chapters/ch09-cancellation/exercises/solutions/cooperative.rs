//! Exercise 9.1: Work that can be aborted, solved.

use ch09_cancellation::yield_now;

/// Calls `work` on each item, in order, and after every `every` items
/// awaits `yield_now()`: the other tasks get a turn, and an `abort` of this
/// task takes effect there. Returns how many items it processed.
///
/// `every` is at least 1.
pub async fn process<T>(items: Vec<T>, every: usize, mut work: impl FnMut(T)) -> usize {
    // ANCHOR: solution
    let mut done = 0;
    for item in items {
        work(item);
        done += 1;
        // A yield point: where an abort, or a waiting task, gets its turn.
        if done % every == 0 {
            yield_now().await;
        }
    }
    done
    // ANCHOR_END: solution
}
