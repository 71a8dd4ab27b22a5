//! A timeline of what ran where, recorded by the workers themselves.
//!
//! Off by default. When off, recording is one relaxed load of a flag; when
//! on, every event takes a global lock, which changes the timing it measures
//! a little: use it to see the shape of a schedule, not to time it.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use crate::task::{Task, TaskId};

static ENABLED: AtomicBool = AtomicBool::new(false);
static EVENTS: Mutex<Vec<Event>> = Mutex::new(Vec::new());
static START: OnceLock<Instant> = OnceLock::new();

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The worker polled the task.
    Poll,
    /// The worker took the task from another worker's queue.
    Steal { from: usize },
    /// The worker found nothing to do and went to sleep.
    Park,
}

#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Nanoseconds since tracing was enabled.
    pub at_nanos: u64,
    pub worker: usize,
    pub task: TaskId,
    pub kind: Kind,
}

/// Starts recording (and forgets anything recorded before).
pub fn enable() {
    START.get_or_init(Instant::now);
    events().clear();
    ENABLED.store(true, Ordering::Release);
}

/// Stops recording and returns the events, oldest first.
pub fn take() -> Vec<Event> {
    ENABLED.store(false, Ordering::Release);
    let mut events = std::mem::take(&mut *self::events());
    events.sort_by_key(|event| event.at_nanos);
    events
}

#[inline]
pub fn is_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

#[inline]
pub fn record(worker: usize, task: TaskId, kind: Kind) {
    if is_enabled() {
        record_slow(worker, task, kind);
    }
}

/// `record` for a task: its id is asked for only when recording is on,
/// since that is a call through the task's vtable, on every poll.
#[inline]
pub fn record_task(worker: usize, task: &Task, kind: Kind) {
    if is_enabled() {
        record_slow(worker, task.id(), kind);
    }
}

#[cold]
fn record_slow(worker: usize, task: TaskId, kind: Kind) {
    let start = START.get_or_init(Instant::now);
    let at_nanos = start.elapsed().as_nanos() as u64;
    events().push(Event {
        at_nanos,
        worker,
        task,
        kind,
    });
}

fn events() -> std::sync::MutexGuard<'static, Vec<Event>> {
    // Only this module locks EVENTS and it never panics while holding it.
    EVENTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The symbol for a task in a lane: the last base-36 digit of its id.
fn symbol(task: TaskId) -> char {
    std::char::from_digit((task % 36) as u32, 36).unwrap_or('?')
}

// ANCHOR: render
/// Draws one lane per worker, `columns` wide, time running left to right.
/// A cell shows the task polled last in that slice of time (its id's last
/// base-36 digit), `.` if the worker polled nothing. A `^` under a cell marks
/// a steal in that slice.
pub fn render(events: &[Event], workers: usize, columns: usize) -> String {
    let mut out = String::new();
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return "(no events recorded)\n".to_string();
    };
    let span = (last.at_nanos - first.at_nanos).max(1);
    let column_of = |at: u64| {
        (((at - first.at_nanos) as u128 * columns as u128 / (span as u128 + 1)) as usize)
            .min(columns - 1)
    };
    for worker in 0..workers {
        let mut lane = vec!['.'; columns];
        let mut steals = vec![' '; columns];
        for event in events.iter().filter(|event| event.worker == worker) {
            let column = column_of(event.at_nanos);
            match event.kind {
                Kind::Poll => lane[column] = symbol(event.task),
                Kind::Steal { .. } => steals[column] = '^',
                Kind::Park => {}
            }
        }
        let polls = events
            .iter()
            .filter(|e| e.worker == worker && e.kind == Kind::Poll)
            .count();
        let lane: String = lane.into_iter().collect();
        let _ = writeln!(out, "worker {worker} |{lane}| {polls} polls");
        if steals.contains(&'^') {
            let steals: String = steals.into_iter().collect();
            let _ = writeln!(out, "{:>9}|{}|", "steals", steals.trim_end_matches(' '));
        }
    }
    let _ = writeln!(
        out,
        "{:>9} {:.1} ms from left to right",
        "",
        span as f64 / 1e6
    );
    out
}
// ANCHOR_END: render

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at_nanos: u64, worker: usize, task: TaskId, kind: Kind) -> Event {
        Event {
            at_nanos,
            worker,
            task,
            kind,
        }
    }

    #[test]
    fn renders_one_lane_per_worker_in_time_order() {
        let events = [
            event(0, 0, 1, Kind::Poll),
            event(50, 1, 2, Kind::Steal { from: 0 }),
            event(60, 1, 2, Kind::Poll),
            event(100, 0, 3, Kind::Poll),
        ];
        let text = render(&events, 2, 4);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "worker 0 |1..3| 2 polls");
        assert_eq!(lines[1], "worker 1 |..2.| 1 polls");
        assert_eq!(lines[2], "   steals| ^|");
    }

    #[test]
    fn no_events_says_so() {
        assert_eq!(render(&[], 2, 10), "(no events recorded)\n");
    }
}
