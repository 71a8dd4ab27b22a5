// Wrong: waits for the tick with std::thread::sleep, which blocks the
// worker thread: no other task runs and no timer fires until it wakes.

use std::time::{Duration, Instant};

use ch06_reactor::time::sleep_until;

/// Ticks every `period`, on a fixed schedule: tick `k` is due at
/// `start + k * period`, however long the caller takes between ticks.
pub struct Interval {
    next: Instant,
    period: Duration,
}

/// An interval whose first tick is due at once.
///
/// # Panics
/// If `period` is zero.
pub fn interval(period: Duration) -> Interval {
    assert!(
        !period.is_zero(),
        "an interval needs a period greater than zero"
    );
    Interval {
        next: Instant::now(),
        period,
    }
}

impl Interval {
    /// Waits until the next tick is due (with `ch06_reactor::time::sleep_until`)
    /// and returns the instant it was due at. Never returns before it. A
    /// caller that fell behind gets the missed ticks one after another,
    /// without waiting, each with its own due instant.
    pub async fn tick(&mut self) -> Instant {
        let due = self.next;
        // A deadline already passed completes at once: that is the catch-up.
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let _ = sleep_until;
        // From the schedule, not from the clock, so lateness never adds up.
        self.next = due + self.period;
        due
    }

    pub fn period(&self) -> Duration {
        self.period
    }
}
