//! Exercise 6.3: Clearing readiness with the tick (book: Chapter 6, section "Exercises").

use std::sync::atomic::Ordering;

pub use ch06_reactor::scheduled_io::Direction;
// std's atomic, except that the tests can stage a reactor event between
// two of your operations.
use exercise_support::lockstep::AtomicUsize;

const READABLE: usize = 0b01;
const WRITABLE: usize = 0b10;
const FLAGS_MASK: usize = READABLE | WRITABLE;
/// The bits above the flags count the reactor's events: the tick.
const TICK_SHIFT: u32 = 2;

fn bit(direction: Direction) -> usize {
    match direction {
        Direction::Read => READABLE,
        Direction::Write => WRITABLE,
    }
}

/// The readiness of one I/O source, as in the chapter's `ScheduledIo`
/// without the wakers: a flag per direction, and a tick that every reactor
/// event moves on.
pub struct Readiness {
    state: AtomicUsize,
}

/// What a task saw when it found the source ready: the tick of the event
/// that made it so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyEvent {
    pub tick: usize,
}

impl Default for Readiness {
    fn default() -> Self {
        Self::new()
    }
}

impl Readiness {
    /// Ready in both directions, tick 0: the first syscall is just tried.
    pub fn new() -> Readiness {
        Readiness {
            state: AtomicUsize::new(READABLE | WRITABLE),
        }
    }

    /// The event a task acts on if `direction` is ready now.
    pub fn ready(&self, direction: Direction) -> Option<ReadyEvent> {
        let current = self.state.load(Ordering::Acquire);
        (current & bit(direction) != 0).then_some(ReadyEvent {
            tick: current >> TICK_SHIFT,
        })
    }

    /// The reactor's side: an edge arrived. Sets the flags and moves the
    /// tick on, in one atomic step.
    pub fn set_readiness(&self, readable: bool, writable: bool) {
        let bits = (if readable { READABLE } else { 0 }) | (if writable { WRITABLE } else { 0 });
        let _ = self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                let tick = (current >> TICK_SHIFT).wrapping_add(1);
                Some((tick << TICK_SHIFT) | (current & FLAGS_MASK) | bits)
            });
    }

    /// The task's side: the syscall it made after `event` said
    /// `WouldBlock`, so that edge is used up: clear `direction`'s flag.
    /// But only if no newer event arrived since `event` (the tick has not
    /// moved): a newer edge may come from data that arrived after the
    /// syscall, and erasing it would leave the task waiting for an edge
    /// that already came. The other direction's flag is never touched.
    pub fn clear_readiness(&self, event: ReadyEvent, direction: Direction) {
        // TODO: clear `bit(direction)` in `self.state` if the tick is
        // still `event.tick`.
        let _ = (event, bit(direction), &self.state);
        todo!("Exercise 6.3 (readiness): see the book, Chapter 6, \"Exercise 6.3: Clearing readiness with the tick\"")
    }
}
