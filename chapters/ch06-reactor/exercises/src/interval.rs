//! Exercise 6.2: Interval (book: Chapter 6, section "Exercises").

use std::time::{Duration, Instant};

/// Ticks every `period`, on a fixed schedule: tick `k` is due at
/// `start + k * period`, however long the caller takes between ticks.
pub struct Interval {
    // TODO: what does `tick` need to know? (The first deadline, the period.)
    _todo: (),
}

/// An interval whose first tick is due at once.
///
/// # Panics
/// If `period` is zero.
pub fn interval(period: Duration) -> Interval {
    // TODO: check the period and remember when the first tick is due.
    let _ = period;
    todo!("Exercise 6.2 (interval): see the book, Chapter 6, \"Exercise 6.2: Interval\"")
}

impl Interval {
    /// Waits until the next tick is due (with `ch06_reactor::time::sleep_until`)
    /// and returns the instant it was due at. Never returns before it. A
    /// caller that fell behind gets the missed ticks one after another,
    /// without waiting, each with its own due instant.
    pub async fn tick(&mut self) -> Instant {
        // TODO: sleep until the due instant, then move the next one on by
        // exactly one period (not "now + period": that drifts).
        todo!("Exercise 6.2 (interval): see the book, Chapter 6, \"Exercise 6.2: Interval\"")
    }

    pub fn period(&self) -> Duration {
        todo!("Exercise 6.2 (interval): see the book, Chapter 6, \"Exercise 6.2: Interval\"")
    }
}
