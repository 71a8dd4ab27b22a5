//! Timers on the wheel: `sleep`, `sleep_until`, `timeout` and `interval`,
//! with the same contracts as chapter 6's. The wheel counts milliseconds
//! since the driver was made; a deadline rounds up to the next tick and the
//! clock down, so no timer ever fires early.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use ch03_global_queue::sync::{lock, Mutex};
use ch06_reactor::reactor::TimerDriver;
use ch06_reactor::Reactor;
use ch13_budget::coop::poll_proceed;

use crate::wheel::{Lookup, TimerKey, Wheel};

// ANCHOR: driver
/// The wheel as the reactor's timer store.
pub struct WheelDriver {
    /// Tick 0.
    start: Instant,
    inner: Mutex<Inner>,
}

struct Inner {
    wheel: Wheel,
    /// While a worker waits in `poll`: the tick it wakes at on its own
    /// (`None` inside: it waits for I/O only). As in chapter 6's heap, an
    /// earlier timer must wake it.
    polling: Option<Option<u64>>,
}
// ANCHOR_END: driver

impl Default for WheelDriver {
    fn default() -> Self {
        Self::new()
    }
}

impl WheelDriver {
    pub fn new() -> WheelDriver {
        WheelDriver {
            start: Instant::now(),
            inner: Mutex::new(Inner {
                wheel: Wheel::new(),
                polling: None,
            }),
        }
    }

    /// The first tick at or after `deadline`: rounding up, never early.
    fn deadline_tick(&self, deadline: Instant) -> u64 {
        let since = deadline.saturating_duration_since(self.start);
        // In u64: a u128 division (`as_nanos().div_ceil(..)`) is a call to
        // a slow runtime routine, on the path of every insert.
        let ms = since
            .as_secs()
            .saturating_mul(1_000)
            .saturating_add(u64::from(since.subsec_nanos().div_ceil(1_000_000)));
        ms.min(u64::MAX / 2)
    }

    /// The last tick that has fully begun: rounding down.
    fn now_tick(&self, now: Instant) -> u64 {
        let since = now.saturating_duration_since(self.start);
        let ms = since
            .as_secs()
            .saturating_mul(1_000)
            .saturating_add(u64::from(since.subsec_millis()));
        ms.min(u64::MAX / 2)
    }

    /// Pending timers.
    pub fn len(&self) -> usize {
        lock(&self.inner).wheel.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slab's bytes (see [`Wheel::slab_bytes`]).
    pub fn slab_bytes(&self) -> usize {
        lock(&self.inner).wheel.slab_bytes()
    }

    // ANCHOR: register
    /// Adds a timer. True when a worker waits in `poll` for a later tick
    /// (or none) and must be woken to wait less.
    fn insert(&self, deadline: Instant, waker: Waker) -> (TimerKey, bool) {
        let when = self.deadline_tick(deadline);
        let mut inner = lock(&self.inner);
        let key = inner.wheel.insert(when, waker);
        let earlier = match inner.polling {
            Some(None) => true,
            Some(Some(until)) => when < until,
            None => false,
        };
        if earlier {
            inner.polling = Some(Some(when));
        }
        (key, earlier)
    }
    // ANCHOR_END: register
}

impl TimerDriver for WheelDriver {
    fn begin_poll(&self, now: Instant) -> Option<Duration> {
        let mut inner = lock(&self.inner);
        let next = inner.wheel.next_expiration().map(|(_, _, at)| at);
        inner.polling = Some(next);
        next.map(|tick| (self.start + Duration::from_millis(tick)).saturating_duration_since(now))
    }

    fn end_poll(&self) {
        lock(&self.inner).polling = None;
    }

    fn fire_due(&self, now: Instant, wakers: &mut Vec<Waker>) {
        let now = self.now_tick(now);
        lock(&self.inner).wheel.advance(now, wakers);
    }

    fn shutdown(&self, wakers: &mut Vec<Waker>) {
        lock(&self.inner).wheel.drain(wakers);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The wheel of the current runtime's reactor.
fn wheel_of(reactor: &Reactor) -> &WheelDriver {
    reactor.timers::<WheelDriver>().unwrap_or_else(|| {
        panic!(
            "a chapter 14 timer used in a runtime without a timer wheel: \
             use ch14_timer_wheel::Runtime"
        )
    })
}

/// Waits until `deadline`. Never completes before it.
///
/// # Panics
/// When polled (and not yet due) outside a `ch14_timer_wheel::Runtime`.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        timer: None,
    }
}

/// Waits for `duration`. Never completes early.
///
/// # Panics
/// When polled (and not yet due) outside a `ch14_timer_wheel::Runtime`.
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(deadline_after(duration))
}

/// `now + duration`, or about thirty years from now (tokio's "never") if
/// that does not fit in an `Instant`.
fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration)
        .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30))
}

// ANCHOR: sleep
/// The future returned by [`sleep`] and [`sleep_until`]: 32 bytes, and 40
/// in the wheel's slab while it waits.
pub struct Sleep {
    deadline: Instant,
    /// Set on the first poll that has to wait.
    timer: Option<(Arc<Reactor>, TimerKey)>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Like tokio's, a sleep spends chapter 13's budget when it is ready.
        let unit = std::task::ready!(poll_proceed(cx));
        let this = self.get_mut();
        if Instant::now() >= this.deadline {
            unit.made_progress();
            return Poll::Ready(());
        }
        let Some((reactor, key)) = &this.timer else {
            this.register(cx.waker());
            return Poll::Pending;
        };
        // Shutting down empties the wheel too, so this comes first: not
        // due, and nobody will ever turn the wheel again.
        assert!(
            !reactor.is_shut_down(),
            "a sleep was polled after the runtime that drives its timer shut down"
        );
        let (lookup, old_waker) = lock(&wheel_of(reactor).inner).wheel.poll(*key, cx.waker());
        drop(old_waker); // outside the lock: a waker's drop is foreign code
        if lookup == Lookup::Pending {
            return Poll::Pending;
        }
        // Gone: fired, the wheel's clock reached the deadline's tick.
        unit.made_progress();
        Poll::Ready(())
    }
}
// ANCHOR_END: sleep

// ANCHOR: sleep_drop
impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl Sleep {
    /// The first poll that has to wait: into the current runtime's wheel,
    /// waking the worker in the reactor if it waits for a later tick.
    fn register(&mut self, waker: &Waker) {
        let reactor = Reactor::current();
        let (key, earlier) = wheel_of(&reactor).insert(self.deadline, waker.clone());
        if earlier {
            reactor.wake();
        }
        self.timer = Some((reactor, key));
    }

    /// Frees the timer's entry now, not when its deadline comes.
    fn cancel(&mut self) {
        if let Some((reactor, key)) = self.timer.take() {
            let waker = lock(&wheel_of(&reactor).inner).wheel.cancel(key);
            drop(waker); // outside the lock
        }
    }
}
// ANCHOR_END: sleep_drop

impl Sleep {
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Moves the deadline (what `Interval` does after each tick). The old
    /// timer, if any, is cancelled; the next poll registers the new one.
    pub fn reset(&mut self, deadline: Instant) {
        self.cancel();
        self.deadline = deadline;
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// The error of [`timeout`]: the future did not finish in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `future`, giving up after `duration`, counted from this call. The
/// future is polled first, so one that is ready wins even with a zero
/// duration. On timeout the future is dropped, which cancels it.
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future: Box::pin(future),
        sleep: sleep(duration),
    }
}

/// The future returned by [`timeout`].
pub struct Timeout<F> {
    /// Boxed so `Timeout` is `Unpin` without unsafe pin projection; one
    /// allocation per timeout is not what this chapter measures.
    future: Pin<Box<F>>,
    sleep: Sleep,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(output) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(&mut self.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Ticks every `period`, the first tick at once. A tick that comes late
/// does not move the ones after it: the missed ones come at once, one
/// after the other (tokio's default, `MissedTickBehavior::Burst`).
///
/// # Panics
/// If `period` is zero.
pub fn interval(period: Duration) -> Interval {
    assert!(
        period > Duration::ZERO,
        "interval: the period must be non-zero"
    );
    Interval {
        period,
        sleep: sleep_until(Instant::now()),
    }
}

// ANCHOR: interval
pub struct Interval {
    period: Duration,
    /// Due at the next tick.
    sleep: Sleep,
}

impl Interval {
    /// Waits for the next tick and returns when it was due.
    pub async fn tick(&mut self) -> Instant {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.sleep).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let due = self.sleep.deadline();
        let next = due
            .checked_add(self.period)
            .unwrap_or_else(|| deadline_after(self.period));
        self.sleep.reset(next);
        Poll::Ready(due)
    }
}
// ANCHOR_END: interval

/// Timers pending in the current runtime's wheel (for tests and the demo).
///
/// # Panics
/// Outside a `ch14_timer_wheel::Runtime`.
pub fn current_wheel_len() -> usize {
    wheel_of(&Reactor::current()).len()
}
