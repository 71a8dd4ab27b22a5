//! What the reactor knows about one registered I/O source: whether it is
//! ready to read, ready to write, and which tasks wait for each.
//!
//! mio's readiness is edge-triggered: the kernel reports "became readable"
//! once, not "is readable" for as long as it stays so. So the reactor keeps
//! the last edge here, and only the task that saw the syscall fail with
//! `WouldBlock` may clear it. Tokio calls this struct `ScheduledIo` too.

use std::task::{Context, Poll, Waker};

use ch03_global_queue::sync::{lock, AtomicUsize, Mutex, Ordering};

// ANCHOR: direction
/// The two directions of a socket. Each has its own readiness bit and its
/// own waiters, so a task waiting to read and a task waiting to write never
/// overwrite each other's waker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Read,
    Write,
}

impl Direction {
    fn bit(self) -> usize {
        match self {
            Direction::Read => READABLE,
            Direction::Write => WRITABLE,
        }
    }
}
// ANCHOR_END: direction

// ANCHOR: scheduled_io
const READABLE: usize = 0b001;
const WRITABLE: usize = 0b010;
/// The reactor is gone (its runtime was dropped): nobody will report another
/// edge, so a task must not wait for one.
const SHUTDOWN: usize = 0b100;
const FLAGS_MASK: usize = READABLE | WRITABLE | SHUTDOWN;
/// The bits above the flags count events: the "tick".
const TICK_SHIFT: u32 = 3;

pub struct ScheduledIo {
    /// Readiness flags, and above them a tick that the reactor bumps on every
    /// event for this source. The tick lets a task tell "the edge I acted
    /// on" from "a newer edge that arrived while I was in the syscall".
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

#[derive(Default)]
struct Waiters {
    reader: Waiting,
    writer: Waiting,
}

/// Readiness as a task saw it: `tick` identifies the event it came from.
#[derive(Debug, Clone, Copy)]
pub struct ReadyEvent {
    tick: usize,
    /// The reactor is gone: if the syscall would block, give up.
    pub shutdown: bool,
}

impl ReadyEvent {
    fn from(current: usize) -> Self {
        ReadyEvent {
            tick: current >> TICK_SHIFT,
            shutdown: current & SHUTDOWN != 0,
        }
    }
}
// ANCHOR_END: scheduled_io

// ANCHOR: waiting
/// The tasks waiting for one direction. Usually one or none; several when
/// tasks share the source, as tasks accepting on one `Arc<TcpListener>` do.
/// A new edge wakes them all: the first to run takes the connection (or the
/// data), and the others find `WouldBlock` and wait again.
#[derive(Default)]
enum Waiting {
    #[default]
    Nobody,
    One(Waker),
    Several(Vec<Waker>),
}

impl Waiting {
    /// Adds the task's waker, unless it already waits here.
    fn add(&mut self, waker: &Waker) {
        match self {
            Waiting::Nobody => *self = Waiting::One(waker.clone()),
            Waiting::One(first) if first.will_wake(waker) => {}
            Waiting::One(first) => {
                *self = Waiting::Several(vec![first.clone(), waker.clone()]);
            }
            Waiting::Several(all) => {
                if !all.iter().any(|w| w.will_wake(waker)) {
                    all.push(waker.clone());
                }
            }
        }
    }

    /// Hands every waiting task's waker to `wakers`.
    fn take_into(&mut self, wakers: &mut Vec<Waker>) {
        match std::mem::take(self) {
            Waiting::Nobody => {}
            Waiting::One(waker) => wakers.push(waker),
            Waiting::Several(all) => wakers.extend(all),
        }
    }
}
// ANCHOR_END: waiting

/// What the reactor read from one mio event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ready {
    pub readable: bool,
    pub writable: bool,
}

impl Default for ScheduledIo {
    fn default() -> Self {
        ScheduledIo::new()
    }
}

impl ScheduledIo {
    /// A new source starts out ready in both directions, so the first read
    /// or write goes straight to the syscall: it registers a waker only if
    /// the kernel answers `WouldBlock`.
    pub fn new() -> Self {
        ScheduledIo {
            readiness: AtomicUsize::new(READABLE | WRITABLE),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    // ANCHOR: set_readiness
    /// The reactor got an event: record the edge, bump the tick, and hand
    /// back the wakers of the directions that became ready. The caller wakes
    /// them once it has let go of the reactor and its locks.
    pub fn set_readiness(&self, ready: Ready, wakers: &mut Vec<Waker>) {
        let bits = (if ready.readable { READABLE } else { 0 })
            | (if ready.writable { WRITABLE } else { 0 });
        if bits == 0 {
            return;
        }
        let mut current = self.readiness.load(Ordering::Acquire);
        loop {
            let tick = (current >> TICK_SHIFT).wrapping_add(1);
            let next = (tick << TICK_SHIFT) | (current & FLAGS_MASK) | bits;
            match self.readiness.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        // Taken after the bits are set: a task that stores its waker under
        // this lock and then re-reads the bits either sees them set or
        // leaves its waker here for us to take.
        let mut waiters = lock(&self.waiters);
        if ready.readable {
            waiters.reader.take_into(wakers);
        }
        if ready.writable {
            waiters.writer.take_into(wakers);
        }
    }
    // ANCHOR_END: set_readiness

    // ANCHOR: poll_ready
    /// Ready if the last edge in `direction` has not been used up; otherwise
    /// adds the task's waker to that direction's waiters and returns
    /// `Pending`.
    pub fn poll_ready(&self, cx: &mut Context<'_>, direction: Direction) -> Poll<ReadyEvent> {
        let ready = direction.bit() | SHUTDOWN;
        let current = self.readiness.load(Ordering::Acquire);
        if current & ready != 0 {
            return Poll::Ready(ReadyEvent::from(current));
        }
        let mut waiters = lock(&self.waiters);
        match direction {
            Direction::Read => waiters.reader.add(cx.waker()),
            Direction::Write => waiters.writer.add(cx.waker()),
        }
        // Check again under the lock: an edge that arrived between the first
        // load and storing the waker would otherwise wake nobody.
        let current = self.readiness.load(Ordering::Acquire);
        if current & ready != 0 {
            return Poll::Ready(ReadyEvent::from(current));
        }
        Poll::Pending
    }
    // ANCHOR_END: poll_ready

    /// The syscall said `WouldBlock`: the edge seen in `event` is used up.
    /// If the reactor delivered a newer edge since (the tick moved on), the
    /// bit stays set and the task simply tries the syscall again.
    pub fn clear_readiness(&self, event: ReadyEvent, direction: Direction) {
        let bit = direction.bit();
        let _ = self
            .readiness
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                (current >> TICK_SHIFT == event.tick).then_some(current & !bit)
            });
    }

    /// The reactor is going away: mark the source so that no task waits on
    /// it again, and hand back the wakers of the tasks that wait now, to be
    /// woken so they find out.
    pub fn shutdown(&self, wakers: &mut Vec<Waker>) {
        self.readiness.fetch_or(SHUTDOWN, Ordering::AcqRel);
        let mut waiters = lock(&self.waiters);
        waiters.reader.take_into(wakers);
        waiters.writer.take_into(wakers);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize as StdAtomicUsize;
    use std::sync::Arc;
    use std::task::Wake;

    /// A waker that counts how often it was woken.
    #[derive(Default)]
    struct Count(StdAtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
    fn counted() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count::default());
        (count.clone(), Waker::from(count))
    }

    fn drain(io: &ScheduledIo, dir: Direction) {
        let (_, waker) = counted();
        let mut cx = Context::from_waker(&waker);
        if let Poll::Ready(ev) = io.poll_ready(&mut cx, dir) {
            io.clear_readiness(ev, dir);
        }
    }

    #[test]
    fn a_new_source_is_tried_before_it_waits() {
        let io = ScheduledIo::new();
        let (_, waker) = counted();
        let mut cx = Context::from_waker(&waker);
        assert!(io.poll_ready(&mut cx, Direction::Read).is_ready());
        assert!(io.poll_ready(&mut cx, Direction::Write).is_ready());
    }

    #[test]
    fn reader_and_writer_have_separate_wakers() {
        let io = ScheduledIo::new();
        drain(&io, Direction::Read);
        drain(&io, Direction::Write);
        let (reads, reader) = counted();
        let (writes, writer) = counted();
        assert!(io
            .poll_ready(&mut Context::from_waker(&reader), Direction::Read)
            .is_pending());
        assert!(io
            .poll_ready(&mut Context::from_waker(&writer), Direction::Write)
            .is_pending());
        let mut wakers = Vec::new();
        io.set_readiness(
            Ready {
                readable: false,
                writable: true,
            },
            &mut wakers,
        );
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(writes.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(
            reads.0.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "the reader still waits"
        );
        let mut wakers = Vec::new();
        io.set_readiness(
            Ready {
                readable: true,
                writable: false,
            },
            &mut wakers,
        );
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(reads.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn every_task_waiting_in_one_direction_is_woken() {
        let io = ScheduledIo::new();
        drain(&io, Direction::Read);
        let (first, first_waker) = counted();
        let (second, second_waker) = counted();
        for waker in [&first_waker, &second_waker, &first_waker] {
            assert!(io
                .poll_ready(&mut Context::from_waker(waker), Direction::Read)
                .is_pending());
        }
        let mut wakers = Vec::new();
        io.set_readiness(
            Ready {
                readable: true,
                writable: false,
            },
            &mut wakers,
        );
        assert_eq!(wakers.len(), 2, "a task that polled twice waits once");
        wakers.into_iter().for_each(Waker::wake);
        assert_eq!(first.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(second.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn an_edge_during_the_syscall_is_not_cleared() {
        let io = ScheduledIo::new();
        let (_, waker) = counted();
        let mut cx = Context::from_waker(&waker);
        let Poll::Ready(seen) = io.poll_ready(&mut cx, Direction::Read) else {
            panic!("a new source is ready");
        };
        // The task is in its read() syscall; the reactor reports a new edge.
        io.set_readiness(
            Ready {
                readable: true,
                writable: false,
            },
            &mut Vec::new(),
        );
        // The syscall returned WouldBlock for the old edge: clearing must
        // not swallow the new one.
        io.clear_readiness(seen, Direction::Read);
        assert!(io.poll_ready(&mut cx, Direction::Read).is_ready());
    }

    #[test]
    fn clearing_one_direction_keeps_the_other() {
        let io = ScheduledIo::new();
        drain(&io, Direction::Read);
        let (_, waker) = counted();
        let mut cx = Context::from_waker(&waker);
        assert!(io.poll_ready(&mut cx, Direction::Read).is_pending());
        assert!(io.poll_ready(&mut cx, Direction::Write).is_ready());
    }
}
