//! Exercise 9.1: Work that can be aborted (book: Chapter 9, "Exercises").

use ch09_cancellation::yield_now;

/// Calls `work` on each item, in order, and after every `every` items
/// awaits `yield_now()`: the other tasks get a turn, and an `abort` of this
/// task takes effect there. Returns how many items it processed.
///
/// `every` is at least 1.
pub async fn process<T>(items: Vec<T>, every: usize, mut work: impl FnMut(T)) -> usize {
    // TODO: count the items; yield after each `every`-th one.
    let _ = (items, every, &mut work);
    todo!("Exercise 9.1 (cooperative): see the book, Chapter 9, \"Exercise 9.1: Work that can be aborted\"")
}
