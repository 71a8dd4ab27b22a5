//! The reactor: one `mio::Poll`, the table of registered sources, and the
//! timers. A worker with nothing to do "turns" it: waits in `Poll::poll`
//! until a source is ready or the next timer is due, records what happened,
//! and returns the wakers of the tasks that can go on.
//!
//! The reactor never decides *who* turns it. That is the parker's job
//! ([`crate::park::ReactorPark`]): exactly one worker at a time, never while
//! holding a lock a waker could need.

use std::io;
use std::sync::Arc;
use std::task::Waker;
use std::time::{Duration, Instant};

use ch03_global_queue::sync::{lock, AtomicBool, Mutex, Ordering};
use mio::event::Source;
use mio::{Events, Interest, Poll, Registry, Token};

use crate::scheduled_io::{Ready, ScheduledIo};
use crate::time::{TimerEntry, TimerHeap};

/// How many events one turn can collect. More ready sources simply wait for
/// the next turn: epoll keeps them.
const EVENTS_PER_TURN: usize = 1024;

// ANCHOR: reactor
pub struct Reactor {
    /// Locked only by the worker that turns the reactor (the parker makes
    /// sure there is one at a time), so the lock is never contended.
    driver: Mutex<Driver>,
    /// A second handle on the same epoll instance: registering and
    /// deregistering need no lock and work while a worker waits in `poll`.
    registry: Registry,
    /// Makes a `poll` in progress return at once: used to hand the worker
    /// in the reactor new work, or an earlier timer.
    waker: mio::Waker,
    sources: Mutex<Sources>,
    timers: Mutex<TimerHeap>,
    /// Another timer store, asked alongside the heap (chapter 14's wheel).
    more_timers: Option<Box<dyn TimerDriver>>,
    /// Set when the runtime is dropped: nobody will turn the reactor again.
    shut_down: AtomicBool,
}

struct Driver {
    poll: Poll,
    events: Events,
}

/// Registered sources, indexed by token. A token carries the slot index and
/// a generation, so an event for a source that was dropped (and whose slot
/// was reused) is recognised as stale instead of waking the new owner.
struct Sources {
    slots: Vec<Slot>,
    free: Vec<usize>,
}

struct Slot {
    generation: usize,
    io: Option<Arc<ScheduledIo>>,
}
// ANCHOR_END: reactor

/// Bits of a token that hold the slot index; the rest hold the generation.
const INDEX_BITS: u32 = 24;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
const MAX_SOURCES: usize = INDEX_MASK; // the all-ones index is the waker's
/// The waker's token can never be a source's: no slot has the all-ones index.
const WAKER: Token = Token(usize::MAX);

fn token(index: usize, generation: usize) -> Token {
    Token((generation << INDEX_BITS) | index)
}

std::thread_local! {
    /// The reactor set by [`Reactor::enter`]; it wins over the runtime's.
    static ENTERED: std::cell::RefCell<Option<Arc<Reactor>>> = const { std::cell::RefCell::new(None) };
}

/// Restores the previously entered reactor when dropped.
pub struct EnterGuard {
    previous: Option<Arc<Reactor>>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        ENTERED.with(|entered| *entered.borrow_mut() = previous);
    }
}

// ANCHOR: timer_driver
/// A timer store of another chapter (chapter 14's wheel), which a reactor
/// built with [`Reactor::with_timers`] consults at each turn as it does its
/// own heap. The store keeps its own lock: these calls come from the one
/// worker that turns the reactor, its futures from any thread.
pub trait TimerDriver: Send + Sync + 'static {
    /// A worker is about to wait: how long it may, `None` for no timer.
    fn begin_poll(&self, now: Instant) -> Option<Duration>;
    /// The wait is over.
    fn end_poll(&self);
    /// Adds the wakers of the timers due at `now`.
    fn fire_due(&self, now: Instant, wakers: &mut Vec<Waker>);
    /// The runtime is gone: adds every waker, as [`Reactor::shutdown`] does.
    fn shutdown(&self, wakers: &mut Vec<Waker>);
    /// For the store's own futures to find it in [`Reactor::timers`].
    fn as_any(&self) -> &dyn std::any::Any;
}
// ANCHOR_END: timer_driver

/// How long a turn may wait for events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Look at what is ready now and return (a busy worker's check).
    No,
    /// Wait until a source is ready, the next timer is due, or
    /// [`Reactor::wake`] is called.
    UntilNextTimer,
}

impl Reactor {
    pub fn new() -> io::Result<Reactor> {
        Self::build(None)
    }

    /// A reactor that also drives `timers`.
    pub fn with_timers(timers: Box<dyn TimerDriver>) -> io::Result<Reactor> {
        Self::build(Some(timers))
    }

    /// The store given to [`Reactor::with_timers`], if it is a `T`.
    pub fn timers<T: TimerDriver>(&self) -> Option<&T> {
        self.more_timers.as_ref()?.as_any().downcast_ref()
    }

    fn build(more_timers: Option<Box<dyn TimerDriver>>) -> io::Result<Reactor> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = mio::Waker::new(poll.registry(), WAKER)?;
        Ok(Reactor {
            driver: Mutex::new(Driver {
                poll,
                events: Events::with_capacity(EVENTS_PER_TURN),
            }),
            registry,
            waker,
            sources: Mutex::new(Sources {
                slots: Vec::new(),
                free: Vec::new(),
            }),
            timers: Mutex::new(TimerHeap::new()),
            more_timers,
            shut_down: AtomicBool::new(false),
        })
    }

    // ANCHOR: current
    /// The reactor of the runtime this thread is in (a worker, or a thread
    /// inside `Runtime::block_on`).
    ///
    /// # Panics
    /// Outside a runtime, or inside a runtime without a reactor (chapter 3's
    /// or chapter 5's `Runtime`).
    pub fn current() -> Arc<Reactor> {
        if let Some(reactor) = ENTERED.with(|entered| entered.borrow().clone()) {
            return reactor;
        }
        let Some(handle) = ch03_global_queue::context::try_current() else {
            panic!(
                "I/O or timer used outside a runtime: create sockets and sleeps \
                 inside a task or inside ch06_reactor::Runtime::block_on"
            );
        };
        let Some(scheduler) = handle.scheduler_as::<crate::Scheduler>() else {
            panic!(
                "I/O or timer used inside a runtime without a reactor: \
                 use ch06_reactor::Runtime"
            );
        };
        scheduler.park().reactor().clone()
    }
    // ANCHOR_END: current

    // ANCHOR: enter
    /// Makes this reactor the current one on this thread until the guard is
    /// dropped, for a runtime that is not built from this chapter's
    /// scheduler (chapter 11's current-thread runtime), so sockets and
    /// timers created there find it through [`Reactor::current`].
    pub fn enter(self: &Arc<Self>) -> EnterGuard {
        let previous = ENTERED.with(|entered| entered.replace(Some(self.clone())));
        EnterGuard { previous }
    }
    // ANCHOR_END: enter

    // ANCHOR: register
    /// Registers `source` for `interest` and returns its token and readiness.
    pub fn register<S: Source + ?Sized>(
        &self,
        source: &mut S,
        interest: Interest,
    ) -> io::Result<(Token, Arc<ScheduledIo>)> {
        let io = Arc::new(ScheduledIo::new());
        let token = {
            let mut sources = lock(&self.sources);
            let index = match sources.free.pop() {
                Some(index) => index,
                None if sources.slots.len() < MAX_SOURCES => {
                    sources.slots.push(Slot {
                        generation: 0,
                        io: None,
                    });
                    sources.slots.len() - 1
                }
                None => {
                    return Err(io::Error::other(format!(
                        "the reactor holds {MAX_SOURCES} sources already"
                    )))
                }
            };
            let slot = &mut sources.slots[index];
            slot.io = Some(io.clone());
            token(index, slot.generation)
        };
        if let Err(error) = self.registry.register(source, token, interest) {
            self.release(token);
            return Err(error);
        }
        Ok((token, io))
    }
    // ANCHOR_END: register

    // ANCHOR: deregister
    /// Stops watching `source` and frees its token. Called when the socket
    /// is dropped.
    pub fn deregister<S: Source + ?Sized>(&self, source: &mut S, token: Token) {
        // Deregistering fails only if the source was never registered with
        // this epoll, and closing the socket right after removes it anyway.
        let _ = self.registry.deregister(source);
        self.release(token);
    }

    fn release(&self, token: Token) {
        let index = token.0 & INDEX_MASK;
        let mut sources = lock(&self.sources);
        let slot = &mut sources.slots[index];
        // A new generation makes late events for the old token stale.
        slot.generation = slot.generation.wrapping_add(1) & (usize::MAX >> INDEX_BITS);
        slot.io = None;
        sources.free.push(index);
    }
    // ANCHOR_END: deregister

    /// Number of registered sources.
    pub fn sources(&self) -> usize {
        let sources = lock(&self.sources);
        sources.slots.len() - sources.free.len()
    }

    // ANCHOR: turn
    /// Waits for events (or not, per `wait`), records readiness, fires due
    /// timers, and returns the wakers to call. The caller calls them after
    /// it has given the reactor up: a waker is code we do not control, and
    /// it may use the reactor (register a socket, add or drop a timer),
    /// which would deadlock on a lock that this turn still held.
    pub fn turn(&self, wait: Wait) -> Vec<Waker> {
        let mut driver = lock(&self.driver);
        let Driver { poll, events } = &mut *driver;
        let timeout = match wait {
            Wait::No => Some(Duration::ZERO),
            Wait::UntilNextTimer => self.begin_poll(Instant::now()),
        };
        let polled = poll.poll(events, timeout);
        if wait == Wait::UntilNextTimer {
            lock(&self.timers).end_poll();
            if let Some(more) = &self.more_timers {
                more.end_poll();
            }
        }
        match polled {
            Ok(()) => {}
            // A signal arrived: nothing happened, the caller will come back.
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            // epoll_wait fails otherwise only on a bad descriptor or buffer,
            // which would be a bug here; a reactor that cannot poll cannot
            // keep any of its promises, so stop loudly.
            Err(error) => panic!("the reactor's Poll::poll failed: {error}"),
        }
        // ANCHOR_END: turn

        // ANCHOR: turn_events
        let mut wakers = Vec::new();
        {
            let sources = lock(&self.sources);
            for event in events.iter() {
                let token = event.token();
                if token == WAKER {
                    continue; // only there to end the wait
                }
                let index = token.0 & INDEX_MASK;
                let Some(slot) = sources.slots.get(index) else {
                    continue;
                };
                let (Some(io), true) = (&slot.io, token.0 >> INDEX_BITS == slot.generation) else {
                    continue; // the source was dropped after this event was queued
                };
                // A closed or failed socket counts as ready: the next syscall
                // reports the end of stream or the error instead of waiting.
                let ready = Ready {
                    readable: event.is_readable() || event.is_read_closed() || event.is_error(),
                    writable: event.is_writable() || event.is_write_closed() || event.is_error(),
                };
                io.set_readiness(ready, &mut wakers);
            }
        }
        let now = Instant::now();
        lock(&self.timers).fire_due(now, &mut wakers);
        if let Some(more) = &self.more_timers {
            more.fire_due(now, &mut wakers);
        }
        wakers
    }
    // ANCHOR_END: turn_events

    /// The earlier of the heap's and the other store's next deadlines.
    fn begin_poll(&self, now: Instant) -> Option<Duration> {
        let heap = lock(&self.timers).begin_poll(now);
        let more = self.more_timers.as_ref().and_then(|m| m.begin_poll(now));
        match (heap, more) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Ends a `poll` in progress, or makes the next one return at once.
    pub fn wake(&self) {
        // The waker is an eventfd (a pipe on some systems); a write to it
        // fails only if the descriptor is gone, and then no poll is waiting.
        let _ = self.waker.wake();
    }

    // ANCHOR: add_timer
    /// Registers a timer; wakes the worker in `poll` if the new deadline is
    /// earlier than the one it is waiting for.
    pub(crate) fn add_timer(&self, deadline: Instant, waker: Waker) -> Arc<TimerEntry> {
        let (entry, earlier) = lock(&self.timers).insert(deadline, waker);
        if earlier {
            self.wake();
        }
        entry
    }
    // ANCHOR_END: add_timer

    pub(crate) fn cancel_timer(&self, entry: &TimerEntry) {
        lock(&self.timers).cancelled(entry);
    }

    // ANCHOR: shutdown
    /// The runtime is gone and nobody will turn the reactor again. A socket
    /// or a timer can outlive its runtime (a stream returned from
    /// `block_on`); rather than let it wait for ever, everything that waits
    /// must be woken: this returns the wakers, for the caller to call with
    /// no lock held (as after a turn). Sockets then report an error, timers
    /// panic.
    pub fn shutdown(&self) -> Vec<Waker> {
        self.shut_down.store(true, Ordering::SeqCst);
        let sources: Vec<Arc<ScheduledIo>> = lock(&self.sources)
            .slots
            .iter()
            .filter_map(|slot| slot.io.clone())
            .collect();
        let mut wakers = Vec::new();
        for io in sources {
            io.shutdown(&mut wakers);
        }
        lock(&self.timers).take_wakers(&mut wakers);
        if let Some(more) = &self.more_timers {
            more.shutdown(&mut wakers);
        }
        wakers
    }
    // ANCHOR_END: shutdown

    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    /// Timers waiting to fire (including dropped ones not yet cleaned up).
    pub fn pending_timers(&self) -> usize {
        lock(&self.timers).len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn a_ready_socket_comes_back_as_a_waker() {
        testkit::timeout(|| {
            let reactor = Reactor::new().expect("epoll");
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let mut client = std::net::TcpStream::connect(listener.local_addr().expect("addr"))
                .expect("connect");
            let (server, _) = listener.accept().expect("accept");
            server.set_nonblocking(true).expect("nonblocking");
            let mut server = mio::net::TcpStream::from_std(server);
            let (token, io) = reactor
                .register(&mut server, Interest::READABLE)
                .expect("register");

            // Use up the initial optimistic readiness, then wait for an edge.
            let (count, waker) = counting_waker();
            let mut cx = std::task::Context::from_waker(&waker);
            let std::task::Poll::Ready(ev) =
                io.poll_ready(&mut cx, crate::scheduled_io::Direction::Read)
            else {
                panic!("a new source starts ready")
            };
            let mut buf = [0u8; 8];
            assert_eq!(
                (&server).read(&mut buf).map_err(|e| e.kind()),
                Err(io::ErrorKind::WouldBlock)
            );
            io.clear_readiness(ev, crate::scheduled_io::Direction::Read);
            assert!(io
                .poll_ready(&mut cx, crate::scheduled_io::Direction::Read)
                .is_pending());

            client.write_all(b"hi").expect("write");
            let mut woken = 0;
            while woken == 0 {
                for w in reactor.turn(Wait::UntilNextTimer) {
                    w.wake();
                    woken += 1;
                }
            }
            assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
            assert_eq!((&server).read(&mut buf).expect("read"), 2);
            reactor.deregister(&mut server, token);
            assert_eq!(reactor.sources(), 0);
        });
    }

    #[test]
    fn wake_ends_a_poll_with_no_timeout() {
        testkit::timeout(|| {
            let reactor = Arc::new(Reactor::new().expect("epoll"));
            let poller = {
                let reactor = reactor.clone();
                std::thread::spawn(move || reactor.turn(Wait::UntilNextTimer).len())
            };
            // Whether the wake lands before or during the poll, poll returns.
            reactor.wake();
            assert_eq!(poller.join().expect("poller"), 0);
        });
    }

    #[test]
    fn tokens_of_dropped_sources_are_recycled_with_a_new_generation() {
        let reactor = Reactor::new().expect("epoll");
        let mut a =
            mio::net::TcpListener::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
        let (first, _) = reactor
            .register(&mut a, Interest::READABLE)
            .expect("register");
        reactor.deregister(&mut a, first);
        let (second, _) = reactor
            .register(&mut a, Interest::READABLE)
            .expect("register");
        assert_eq!(first.0 & INDEX_MASK, second.0 & INDEX_MASK, "slot reused");
        assert_ne!(first, second, "but not the token");
    }

    pub(crate) fn counting_waker() -> (Arc<std::sync::atomic::AtomicUsize>, Waker) {
        struct W(Arc<std::sync::atomic::AtomicUsize>);
        impl std::task::Wake for W {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        (count.clone(), Waker::from(Arc::new(W(count))))
    }
}
