// Wrong: yields once, after the loop, where it is too late to stop anything.

use ch09_cancellation::yield_now;

/// Calls `work` on each item, in order, and after every `every` items
/// awaits `yield_now()`: the other tasks get a turn, and an `abort` of this
/// task takes effect there. Returns how many items it processed.
///
/// `every` is at least 1.
pub async fn process<T>(items: Vec<T>, every: usize, mut work: impl FnMut(T)) -> usize {
    let mut done = 0;
    for item in items {
        work(item);
        done += 1;
    }
    yield_now().await;
    done
}
