//! Timers: `sleep`, `sleep_until` and `timeout`.
//!
//! No thread per timer: every pending timer sits in one min-heap in the
//! reactor, and the worker that waits in the reactor uses the earliest
//! deadline as its `poll` timeout. When `poll` returns, every timer whose
//! deadline has passed fires.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use ch03_global_queue::sync::{lock, Mutex};

use crate::reactor::Reactor;

// ANCHOR: timer_heap
/// One registered timer, shared by its `Sleep` and the heap.
pub(crate) struct TimerEntry {
    state: Mutex<EntryState>,
}

#[derive(Default)]
struct EntryState {
    waker: Option<Waker>,
    /// Set by the reactor once the deadline has passed.
    fired: bool,
    /// Set when the `Sleep` is dropped first; the heap drops it lazily.
    cancelled: bool,
}

/// Pending timers, earliest first.
pub(crate) struct TimerHeap {
    heap: BinaryHeap<Scheduled>,
    /// Breaks ties between equal deadlines: first registered, first fired.
    next_seq: u64,
    /// Entries in the heap whose `Sleep` was dropped before they fired.
    cancelled: usize,
    /// While a worker waits in `poll`: the deadline it will wake up at on
    /// its own (`None` inside: no deadline, it waits for I/O only).
    polling: Option<Option<Instant>>,
}

struct Scheduled {
    deadline: Instant,
    seq: u64,
    entry: Arc<TimerEntry>,
}
// ANCHOR_END: timer_heap

// `BinaryHeap` is a max-heap; reversing the order makes the earliest
// deadline its top.
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (other.deadline, other.seq).cmp(&(self.deadline, self.seq))
    }
}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.deadline, self.seq) == (other.deadline, other.seq)
    }
}
impl Eq for Scheduled {}

/// Clean out dropped timers when they are more than half the heap and at
/// least this many: a `timeout` that finishes early would otherwise leave
/// its timer behind until the deadline.
const COMPACT_AT: usize = 1024;

impl TimerHeap {
    pub(crate) fn new() -> Self {
        TimerHeap {
            heap: BinaryHeap::new(),
            next_seq: 0,
            cancelled: 0,
            polling: None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }

    // ANCHOR: insert
    /// Adds a timer. The flag is true when a worker waits in `poll` with a
    /// later deadline (or none): it must be woken to wait less.
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> (Arc<TimerEntry>, bool) {
        let entry = Arc::new(TimerEntry {
            state: Mutex::new(EntryState {
                waker: Some(waker),
                ..EntryState::default()
            }),
        });
        self.heap.push(Scheduled {
            deadline,
            seq: self.next_seq,
            entry: entry.clone(),
        });
        self.next_seq += 1;
        let earlier = match self.polling {
            Some(None) => true,
            Some(Some(until)) => deadline < until,
            None => false,
        };
        if earlier {
            // One wake per earlier deadline is enough.
            self.polling = Some(Some(deadline));
        }
        (entry, earlier)
    }
    // ANCHOR_END: insert

    /// A worker is about to wait in `poll`: how long it may wait.
    pub(crate) fn begin_poll(&mut self, now: Instant) -> Option<Duration> {
        let next = self.heap.peek().map(|top| top.deadline);
        self.polling = Some(next);
        next.map(|deadline| deadline.saturating_duration_since(now))
    }

    pub(crate) fn end_poll(&mut self) {
        self.polling = None;
    }

    // ANCHOR: fire_due
    /// Fires every timer whose deadline is not after `now`, in deadline order.
    pub(crate) fn fire_due(&mut self, now: Instant, wakers: &mut Vec<Waker>) {
        while self.heap.peek().is_some_and(|top| top.deadline <= now) {
            let Some(Scheduled { entry, .. }) = self.heap.pop() else {
                break;
            };
            let mut state = lock(&entry.state);
            if state.cancelled {
                self.cancelled = self.cancelled.saturating_sub(1);
            } else {
                state.fired = true;
                wakers.extend(state.waker.take());
            }
        }
    }
    // ANCHOR_END: fire_due

    /// The reactor shuts down: every waiting `Sleep` is woken to find out.
    pub(crate) fn take_wakers(&mut self, wakers: &mut Vec<Waker>) {
        for scheduled in self.heap.iter() {
            wakers.extend(lock(&scheduled.entry.state).waker.take());
        }
    }

    /// A `Sleep` was dropped before its timer fired.
    pub(crate) fn cancelled(&mut self, _entry: &TimerEntry) {
        self.cancelled += 1;
        if self.cancelled >= COMPACT_AT && self.cancelled * 2 > self.heap.len() {
            self.heap
                .retain(|scheduled| !lock(&scheduled.entry.state).cancelled);
            // A `Sleep` dropped on another thread may have marked its entry
            // and not counted it yet; the count may run slightly high, which
            // only makes the next clean-up come a little early.
            self.cancelled = 0;
        }
    }
}

/// Waits until `deadline`. Never completes before it.
///
/// # Panics
/// When polled (and not yet due) outside a `ch06_reactor::Runtime`.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        timer: None,
    }
}

/// Waits for `duration`. Never completes early.
///
/// # Panics
/// When polled (and not yet due) outside a `ch06_reactor::Runtime`.
pub fn sleep(duration: Duration) -> Sleep {
    // A duration too long to add to "now" means "practically forever".
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(far_future);
    sleep_until(deadline)
}

/// The future returned by [`sleep`] and [`sleep_until`].
pub struct Sleep {
    deadline: Instant,
    /// Registered with the current runtime's reactor on the first poll that
    /// has to wait.
    timer: Option<(Arc<Reactor>, Arc<TimerEntry>)>,
}

impl Sleep {
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

// ANCHOR: sleep
impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let Some((reactor, entry)) = &this.timer else {
            if Instant::now() >= this.deadline {
                return Poll::Ready(());
            }
            let reactor = Reactor::current();
            let entry = reactor.add_timer(this.deadline, cx.waker().clone());
            this.timer = Some((reactor, entry));
            return Poll::Pending;
        };
        let mut state = lock(&entry.state);
        // `fired` is only set once the reactor's clock passed the deadline;
        // the clock check catches a deadline the reactor has not looked at yet.
        if state.fired || Instant::now() >= this.deadline {
            return Poll::Ready(());
        }
        // Like tokio: finishing early would break the promise, and waiting
        // for a reactor nobody turns would hang.
        assert!(
            !reactor.is_shut_down(),
            "a sleep was polled after the runtime that drives its timer shut down"
        );
        if !state
            .waker
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            state.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

// ANCHOR_END: sleep

// ANCHOR: sleep_drop
impl Drop for Sleep {
    fn drop(&mut self) {
        let Some((reactor, entry)) = self.timer.take() else {
            return;
        };
        let still_queued = {
            let mut state = lock(&entry.state);
            // Drop the waker now: it keeps the task's allocation alive.
            state.waker = None;
            if state.fired {
                false
            } else {
                state.cancelled = true;
                true
            }
        };
        if still_queued {
            reactor.cancel_timer(&entry);
        }
    }
}
// ANCHOR_END: sleep_drop

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// About thirty years from now: what tokio uses for "never" too.
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365 * 30)
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

impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> Self {
        std::io::ErrorKind::TimedOut.into()
    }
}

// ANCHOR: timeout
/// Runs `future`, giving up after `duration`, counted from this call (as
/// in tokio), not from the first poll. The future is polled first, so one
/// that is ready straight away wins even with a zero duration. On timeout
/// the future is dropped, which cancels it.
///
/// # Panics
/// When polled outside a `ch06_reactor::Runtime` and it has to wait.
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: sleep(duration),
    }
}

/// The future returned by [`timeout`].
pub struct Timeout<F> {
    future: F,
    /// Its deadline was computed by `timeout`; the timer is registered on
    /// the first poll that has to wait.
    sleep: Sleep,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is pinned because `self` is: we never move it
        // out, hand out a `&mut` to it, or implement `Drop` for `Timeout`.
        // `sleep` is `Unpin`, so a plain `&mut` to it is fine.
        let (future, sleep) = unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.future), &mut this.sleep)
        };
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        Pin::new(sleep).poll(cx).map(|()| Err(Elapsed(())))
    }
}
// ANCHOR_END: timeout

impl<F> Timeout<F> {
    pub fn deadline(&self) -> Instant {
        self.sleep.deadline()
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("deadline", &self.deadline())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactor::tests::counting_waker;
    use crate::reactor::Wait;
    use std::sync::atomic::Ordering;

    #[test]
    fn the_heap_fires_in_deadline_order_and_only_when_due() {
        let mut heap = TimerHeap::new();
        let start = Instant::now();
        let (fired, waker) = counting_waker();
        let mut entries = Vec::new();
        for ms in [30u64, 10, 20, 10] {
            entries.push(
                heap.insert(start + Duration::from_millis(ms), waker.clone())
                    .0,
            );
        }
        let mut wakers = Vec::new();
        heap.fire_due(start + Duration::from_millis(9), &mut wakers);
        assert!(wakers.is_empty(), "nothing is due at 9 ms");
        heap.fire_due(start + Duration::from_millis(20), &mut wakers);
        assert_eq!(wakers.len(), 3, "10, 10 and 20 ms are due at 20 ms");
        assert!(lock(&entries[1].state).fired && lock(&entries[3].state).fired);
        assert!(!lock(&entries[0].state).fired, "30 ms is not due");
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(fired.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn an_earlier_timer_asks_to_wake_the_poller() {
        let mut heap = TimerHeap::new();
        let now = Instant::now();
        let (_, waker) = counting_waker();
        assert!(
            !heap.insert(now + Duration::from_secs(5), waker.clone()).1,
            "nobody polls"
        );
        assert_eq!(heap.begin_poll(now), Some(Duration::from_secs(5)));
        assert!(
            !heap.insert(now + Duration::from_secs(9), waker.clone()).1,
            "later: no wake"
        );
        assert!(
            heap.insert(now + Duration::from_secs(1), waker.clone()).1,
            "earlier: wake"
        );
        assert!(
            !heap.insert(now + Duration::from_secs(2), waker).1,
            "already woken for 1 s"
        );
        heap.end_poll();
    }

    #[test]
    fn the_reactor_sleeps_until_the_next_deadline() {
        testkit::timeout(|| {
            let reactor = Arc::new(Reactor::new().expect("epoll"));
            let start = Instant::now();
            let (fired, waker) = counting_waker();
            let _entry = reactor.add_timer(start + Duration::from_millis(30), waker);
            while fired.load(Ordering::SeqCst) == 0 {
                reactor
                    .turn(Wait::UntilNextTimer)
                    .into_iter()
                    .for_each(Waker::wake);
            }
            assert!(start.elapsed() >= Duration::from_millis(30), "fired early");
        });
    }

    #[test]
    fn dropped_timers_are_cleaned_up() {
        let left = testkit::timeout(|| {
            let rt = crate::Runtime::new(1);
            rt.block_on(async {
                let (_, waker) = counting_waker();
                let mut cx = Context::from_waker(&waker);
                for _ in 0..3 * COMPACT_AT {
                    let mut sleep = sleep(Duration::from_secs(60));
                    assert!(Pin::new(&mut sleep).poll(&mut cx).is_pending());
                }
                Reactor::current().pending_timers()
            })
        });
        assert!(left < 2 * COMPACT_AT, "{left} timers left behind");
    }
}
