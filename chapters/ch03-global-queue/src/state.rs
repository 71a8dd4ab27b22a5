//! The task state machine: one atomic byte that decides who may queue a task
//! and who may poll it.
//!
//! Without it, a task woken while it is being polled would be queued while a
//! worker still runs it, and a second worker could pick it up and poll the
//! same future at the same time. A task woken twice would sit in the queue
//! twice. Every transition below is a single compare-and-swap, so exactly one
//! thread wins each race.

use crate::sync::{AtomicU8, Ordering};

// ANCHOR: states
/// Waiting for a wake-up; in no queue.
const IDLE: u8 = 0;
/// In a run queue (or about to be pushed onto one).
const SCHEDULED: u8 = 1;
/// A worker is polling it right now.
const RUNNING: u8 = 2;
/// Woken while RUNNING: the worker must queue it again once its poll returns.
const NOTIFIED: u8 = 3;
/// Finished (or cancelled); wake-ups are ignored from now on.
const COMPLETE: u8 = 4;
// ANCHOR_END: states

/// What the caller of [`State::wake`] must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeAction {
    /// The task went IDLE → SCHEDULED: the caller owns the push onto a queue.
    Schedule,
    /// Someone else will take care of it (already queued, running, or done).
    Nothing,
}

/// What the worker must do after a poll returned `Pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPoll {
    /// No wake-up arrived during the poll: the task now waits (IDLE).
    Idle,
    /// A wake-up arrived during the poll: the task is SCHEDULED again and the
    /// worker must push it back onto a queue.
    Reschedule,
}

#[derive(Debug)]
pub struct State(AtomicU8);

impl State {
    /// A new task starts SCHEDULED, because `spawn` queues it straight away.
    pub fn new_scheduled() -> Self {
        State(AtomicU8::new(SCHEDULED))
    }

    /// A waker fired.
    // This, `start_running` and `finish_pending` run on every poll, called
    // from other crates (chapter 12's task cell): `#[inline]` lets those
    // crates inline them, which saves about 17 instructions per yield.
    #[inline]
    pub fn wake(&self) -> WakeAction {
        let mut action = WakeAction::Nothing;
        // Always a read-modify-write, even when the state stays the same
        // (already queued, already notified, finished). A plain load would
        // let this wake and a worker's `start_running` pass each other:
        // the worker could poll without seeing what the waking thread
        // published just before `wake`, while `wake` saw SCHEDULED and did
        // nothing — a lost wake-up. Read-modify-writes of one atomic are
        // totally ordered, so either the worker's poll comes after this
        // write (and sees everything before it), or this sees RUNNING.
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                Some(match current {
                    IDLE => {
                        action = WakeAction::Schedule;
                        SCHEDULED
                    }
                    RUNNING => {
                        action = WakeAction::Nothing;
                        NOTIFIED
                    }
                    // One pending wake-up is as good as two.
                    other => {
                        action = WakeAction::Nothing;
                        other
                    }
                })
            });
        action
    }

    /// A worker took the task off a queue and is about to poll it.
    /// Returns false if the task already completed (it was cancelled while
    /// queued), in which case it must not be polled.
    #[inline]
    pub fn start_running(&self) -> bool {
        self.0
            .compare_exchange(SCHEDULED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The poll returned `Pending`.
    #[inline]
    pub fn finish_pending(&self) -> AfterPoll {
        // A plain read first picks the one read-modify-write that is likely
        // to succeed. A task that yields is NOTIFIED here every time, and
        // trying RUNNING -> IDLE on it first would cost a second `lock`ed
        // instruction per poll for a compare that is bound to fail.
        if self.0.load(Ordering::Relaxed) == RUNNING
            && self
                .0
                .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            return AfterPoll::Idle;
        }
        // NOTIFIED: only a wake can change RUNNING, and nothing but this
        // worker changes NOTIFIED. A swap, not a plain store: wakes keep
        // writing NOTIFIED back (see `wake`), and only a read-modify-write is
        // sure to read the last of those writes, so that the next poll sees
        // whatever the last waker published before it woke us.
        let previous = self.0.swap(SCHEDULED, Ordering::AcqRel);
        debug_assert_eq!(previous, NOTIFIED, "only a wake can change RUNNING");
        AfterPoll::Reschedule
    }

    /// The task finished, panicked or was cancelled.
    pub fn complete(&self) {
        self.0.store(COMPLETE, Ordering::Release);
    }

    pub fn is_complete(&self) -> bool {
        self.0.load(Ordering::Acquire) == COMPLETE
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_new_task_is_scheduled_so_a_wake_does_not_queue_it_twice() {
        let state = State::new_scheduled();
        assert_eq!(state.wake(), WakeAction::Nothing);
        assert!(state.start_running());
    }

    #[test]
    fn a_wake_while_idle_schedules_once() {
        let state = State::new_scheduled();
        assert!(state.start_running());
        assert_eq!(state.finish_pending(), AfterPoll::Idle);
        assert_eq!(state.wake(), WakeAction::Schedule);
        assert_eq!(state.wake(), WakeAction::Nothing, "second wake is absorbed");
    }

    #[test]
    fn a_wake_during_poll_is_remembered_not_queued() {
        let state = State::new_scheduled();
        assert!(state.start_running());
        assert_eq!(state.wake(), WakeAction::Nothing, "the worker owns it");
        assert_eq!(state.wake(), WakeAction::Nothing);
        assert_eq!(state.finish_pending(), AfterPoll::Reschedule);
        // Rescheduled: it can be run again, and a wake now does nothing.
        assert_eq!(state.wake(), WakeAction::Nothing);
        assert!(state.start_running());
    }

    #[test]
    fn wakes_after_completion_are_ignored() {
        let state = State::new_scheduled();
        assert!(state.start_running());
        state.complete();
        assert_eq!(state.wake(), WakeAction::Nothing);
        assert!(!state.start_running());
        assert!(state.is_complete());
    }

    #[test]
    fn racing_wakes_from_many_threads_schedule_exactly_once() {
        use std::sync::Arc;
        for _ in 0..200 {
            let state = Arc::new(State::new_scheduled());
            assert!(state.start_running());
            assert_eq!(state.finish_pending(), AfterPoll::Idle);
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let state = state.clone();
                    std::thread::spawn(move || state.wake() == WakeAction::Schedule)
                })
                .collect();
            let winners = handles
                .into_iter()
                .map(|h| h.join().expect("wake thread panicked"))
                .filter(|won| *won)
                .count();
            assert_eq!(winners, 1);
        }
    }
}
