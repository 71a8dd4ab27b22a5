//! `ReactorPark`: how an idle worker sleeps when there is a reactor.
//!
//! Chapter 5's scheduler calls `park(index)` when worker `index` has nothing
//! to run and `unpark(index)` when it has work for it. Here, one idle worker
//! sleeps *inside the reactor* (in `mio::Poll::poll`), so its sleep ends when
//! a socket is ready or a timer is due as well as when it is unparked; the
//! other idle workers sleep on a condition variable each.
//!
//! One rule makes the handshakes below easy to prove: every access to
//! `holder`, `sleepers` and a worker's token is a read-modify-write (a read
//! is an RMW that changes nothing: `fetch_add(0)`). Read-modify-writes of one
//! word happen one after another, each reads the newest value, and with
//! `AcqRel` each acquires what the earlier ones released. So no proof here
//! needs `SeqCst`, and loom, which checks acquire/release exactly but does
//! not model `SeqCst` loads and stores, can check all of it
//! (`tests/loom_reactor_park.rs`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::task::Waker;

use ch03_global_queue::sync::{lock, wait, AtomicBool, AtomicUsize, Condvar, Mutex, Ordering};
use ch05_work_stealing::park::Park;

use crate::reactor::{Reactor, Wait};

// ANCHOR: reactor_park
pub struct ReactorPark {
    reactor: Arc<Reactor>,
    slots: Box<[Slot]>,
    /// The worker that owns the reactor right now, or `NOBODY`. Taking the
    /// reactor is a compare-and-swap on this word, and `unpark` reads it to
    /// decide how to wake a worker.
    holder: AtomicUsize,
    /// Workers asleep on their condition variable.
    sleepers: AtomicUsize,
}

const NOBODY: usize = usize::MAX;

/// Set only by `tests/loom_reactor_park.rs`, in a child process: makes
/// `decline_hand_over` do nothing, to show that its model finds the lost
/// hand-over.
#[cfg(loom)]
pub static SKIP_DECLINE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

struct Slot {
    /// The unpark token: set by `unpark`, consumed by `park`. An unpark that
    /// arrives before the park is kept here, so it is never lost.
    notified: AtomicBool,
    sleep: Mutex<Sleeper>,
    condvar: Condvar,
}

#[derive(Default)]
struct Sleeper {
    /// Waiting on `condvar` right now.
    sleeping: bool,
    /// The reactor was handed to this worker: it should wake up and take it.
    handoff: bool,
}
// ANCHOR_END: reactor_park

impl ReactorPark {
    /// A parker around a reactor built elsewhere (chapter 14 gives it a
    /// timer wheel); `Park::new` builds a plain one.
    pub fn with_reactor(workers: usize, reactor: Reactor) -> Self {
        ReactorPark {
            reactor: Arc::new(reactor),
            slots: (0..workers)
                .map(|_| Slot {
                    notified: AtomicBool::new(false),
                    sleep: Mutex::new(Sleeper::default()),
                    condvar: Condvar::new(),
                })
                .collect(),
            holder: AtomicUsize::new(NOBODY),
            sleepers: AtomicUsize::new(0),
        }
    }

    /// The reactor that I/O and timer futures register with.
    pub fn reactor(&self) -> &Arc<Reactor> {
        &self.reactor
    }

    // ANCHOR: try_enter
    /// Who is in the reactor: a read-modify-write that changes nothing.
    /// Unlike a load, it always returns the newest value.
    fn current_holder(&self) -> usize {
        self.holder.fetch_add(0, Ordering::AcqRel)
    }

    /// Takes the reactor if nobody has it. A failure only sends the caller
    /// to its condition variable, where it reads `holder` again, so the
    /// failed read may be relaxed.
    fn try_enter(&self, index: usize) -> bool {
        self.holder
            .compare_exchange(NOBODY, index, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    /// Gives the reactor up. If a worker sleeps on its condition variable,
    /// it is handed the reactor, so sockets and timers keep being watched
    /// while this worker goes off to run tasks.
    fn leave(&self, index: usize) {
        self.holder.swap(NOBODY, Ordering::AcqRel);
        // We free `holder`, then read `sleepers`; a sleeper adds itself to
        // `sleepers`, then reads `holder`. If our read of `sleepers` comes
        // after its increment, we see it and hand it the reactor. If it
        // comes before, the sleeper's increment acquires our release, so it
        // sees `holder` free and takes the reactor itself. With plain loads
        // both could read stale values, and the reactor would be left
        // unwatched while a worker sleeps.
        self.pass_on(index);
    }

    /// Hands the reactor to a sleeper, if there is one.
    fn pass_on(&self, index: usize) {
        if self.sleepers.fetch_add(0, Ordering::AcqRel) > 0 {
            self.hand_over(index);
        }
    }

    // ANCHOR_END: try_enter

    // ANCHOR: hand_over
    /// This worker was handed the reactor, but returns without taking it:
    /// it was unparked too, and has tasks to run. It is no longer a sleeper
    /// the next leaver could find, so it passes the hand-over on, as if it
    /// had left the reactor itself.
    fn decline_hand_over(&self, index: usize) {
        // The bug this step fixes, for the loom model that must find it.
        #[cfg(loom)]
        if SKIP_DECLINE.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        self.pass_on(index);
    }

    fn hand_over(&self, from: usize) {
        let workers = self.slots.len();
        for offset in 1..workers {
            let slot = &self.slots[(from + offset) % workers];
            let mut sleeper = lock(&slot.sleep);
            if sleeper.sleeping && !sleeper.handoff {
                sleeper.handoff = true;
                slot.condvar.notify_one();
                return;
            }
        }
    }

    /// Turns the reactor and calls the wakers once it has been given up.
    fn turn_and_wake(&self, index: usize, wait: Wait) {
        let wakers = self.reactor.turn(wait);
        self.leave(index);
        wake_all(wakers);
    }
    // ANCHOR_END: hand_over
}

impl Drop for ReactorPark {
    /// The scheduler, and with it the runtime, is gone.
    fn drop(&mut self) {
        wake_all(self.reactor.shutdown());
    }
}

// ANCHOR: wake_all
/// Calls wakers that belong to others. A waker is user code (a task's, or
/// a foreign executor's), and it may panic; the panic must not kill the
/// worker that calls it, nor cost the wakers after it their wake-up. So,
/// like chapter 3 with a task's `poll`, we catch it and let it go: the panic
/// hook has printed it already.
fn wake_all(wakers: Vec<Waker>) {
    for waker in wakers {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| waker.wake())) {
            // The payload is user data too, and its `drop` may panic.
            if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
                std::mem::forget(again);
            }
        }
    }
}
// ANCHOR_END: wake_all

impl Park for ReactorPark {
    fn new(workers: usize) -> Self {
        // Like a worker thread the OS refuses to start, a reactor it refuses
        // to create leaves no runtime to speak of; `Park::new` cannot fail.
        let reactor = Reactor::new().unwrap_or_else(|error| {
            panic!("the OS refused to create the reactor (epoll/kqueue): {error}")
        });
        ReactorPark::with_reactor(workers, reactor)
    }

    // ANCHOR: park
    fn park(&self, index: usize) {
        let slot = &self.slots[index];
        // Handed the reactor on the last trip round the loop.
        let mut handed = false;
        loop {
            // Acquire: the unparker's work (a pushed task) is visible to us.
            if slot.notified.swap(false, Ordering::AcqRel) {
                // An unpark came first: consume it instead of sleeping.
                if handed {
                    self.decline_hand_over(index);
                }
                return;
            }
            if self.try_enter(index) {
                // We are published as the holder; an unpark that set our
                // token before it could see that would not wake the reactor,
                // so look at the token once more before waiting in it.
                if slot.notified.swap(false, Ordering::AcqRel) {
                    self.leave(index);
                } else {
                    self.turn_and_wake(index, Wait::UntilNextTimer);
                    // Woken by I/O, a timer or an unpark: either way the
                    // caller has new tasks to look for, which answers an
                    // unpark that came meanwhile too.
                    slot.notified.swap(false, Ordering::AcqRel);
                }
                return;
            }
            // ANCHOR_END: park
            // ANCHOR: park_sleep
            // Someone else is in the reactor: sleep on our own condvar.
            let mut sleeper = lock(&slot.sleep);
            sleeper.sleeping = true;
            // Then read `holder`: the other half of `leave`'s handshake.
            self.sleepers.fetch_add(1, Ordering::AcqRel);
            let notified = loop {
                if slot.notified.swap(false, Ordering::AcqRel) {
                    break true;
                }
                if sleeper.handoff || self.current_holder() == NOBODY {
                    break false;
                }
                sleeper = wait(&slot.condvar, sleeper);
            };
            handed = sleeper.handoff;
            sleeper.sleeping = false;
            sleeper.handoff = false;
            self.sleepers.fetch_sub(1, Ordering::AcqRel);
            drop(sleeper);
            if notified {
                if handed {
                    self.decline_hand_over(index);
                }
                return;
            }
            // Handed the reactor, or it is free: back to the top to take it.
        }
    }
    // ANCHOR_END: park_sleep

    // ANCHOR: unpark
    fn unpark(&self, index: usize) {
        let slot = &self.slots[index];
        slot.notified.swap(true, Ordering::AcqRel);
        // We set the token, then read `holder`; the parker takes `holder`,
        // then reads (and clears) the token. If its read of the token comes
        // after our write, it sees the token and skips the reactor. If it
        // comes before, our write acquires its release, so we see it in the
        // reactor and wake it. Either way the wake-up is not lost.
        if self.current_holder() == index {
            self.reactor.wake();
        } else {
            // Under the sleeper's lock: it checks the token under this lock
            // before it waits, so it either sees the token or is waiting and
            // gets the notification.
            let sleeper = lock(&slot.sleep);
            if sleeper.sleeping {
                slot.condvar.notify_one();
            }
        }
    }
    // ANCHOR_END: unpark

    // ANCHOR: maintenance
    /// A busy worker looks at the reactor without waiting, if nobody else is
    /// in it, so sockets and timers make progress even when no worker is idle.
    fn maintenance(&self, index: usize) {
        if self.try_enter(index) {
            self.turn_and_wake(index, Wait::No);
        }
    }
    // ANCHOR_END: maintenance
}

// Not under loom: tests/loom_reactor_park.rs compiles this file against a
// stand-in reactor, where these tests (real mio, real threads) cannot run.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::reactor::tests::counting_waker;
    use std::sync::atomic::Ordering as O;
    use std::time::{Duration, Instant};

    #[test]
    fn an_unpark_before_the_park_is_kept() {
        testkit::timeout(|| {
            let park = ReactorPark::new(2);
            park.unpark(0);
            park.park(0); // returns at once
            park.unpark(1);
            park.park(1);
        });
    }

    #[test]
    fn unpark_wakes_the_worker_in_the_reactor() {
        testkit::timeout(|| {
            let park = Arc::new(ReactorPark::new(1));
            let sleeper = {
                let park = park.clone();
                std::thread::spawn(move || park.park(0))
            };
            // Whether the worker is already in `poll` or not yet, it returns.
            park.unpark(0);
            sleeper.join().expect("sleeper");
            assert_eq!(park.holder.load(O::SeqCst), NOBODY);
        });
    }

    #[test]
    fn unparks_racing_parks_are_never_lost() {
        // One worker parks over and over; this thread unparks it each time
        // after a varying pause, so the unpark lands before, during and
        // after the worker's way into the reactor. A lost unpark leaves the
        // worker in `poll` for ever and the test times out.
        testkit::timeout(|| {
            let park = Arc::new(ReactorPark::new(1));
            let rounds = 20_000;
            let parked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let worker = {
                let (park, parked) = (park.clone(), parked.clone());
                std::thread::spawn(move || {
                    for _ in 0..rounds {
                        park.park(0);
                        parked.fetch_add(1, O::SeqCst);
                    }
                })
            };
            for round in 0..rounds {
                for _ in 0..(round * 7919) % 300 {
                    std::hint::spin_loop();
                }
                park.unpark(0);
                // Wait for this round's park to return before the next
                // unpark, so each unpark must end exactly one park.
                // Spinning, not yielding: this thread must react within
                // nanoseconds for its unparks to hit the worker's short
                // way from `park`'s first check into `poll`.
                while parked.load(O::SeqCst) <= round {
                    std::hint::spin_loop();
                }
            }
            worker.join().expect("worker");
        });
    }

    #[test]
    fn a_timer_wakes_the_parked_worker_and_its_task() {
        testkit::timeout(|| {
            let park = ReactorPark::new(1);
            let (fired, waker) = counting_waker();
            let start = Instant::now();
            let _entry = park
                .reactor()
                .add_timer(start + Duration::from_millis(20), waker);
            while fired.load(O::SeqCst) == 0 {
                park.park(0);
            }
            assert!(start.elapsed() >= Duration::from_millis(20));
        });
    }

    #[test]
    fn an_earlier_timer_shortens_the_wait_in_progress() {
        testkit::timeout(|| {
            let park = Arc::new(ReactorPark::new(1));
            let (late, late_waker) = counting_waker();
            let _far = park
                .reactor()
                .add_timer(Instant::now() + Duration::from_secs(3600), late_waker);
            let (early, early_waker) = counting_waker();
            let worker = {
                let park = park.clone();
                let early = early.clone();
                std::thread::spawn(move || {
                    while early.load(O::SeqCst) == 0 {
                        park.park(0);
                    }
                })
            };
            // Give the worker time to start waiting for the far timer; the
            // test is also correct (just less interesting) if it has not.
            std::thread::sleep(Duration::from_millis(20));
            let start = Instant::now();
            let _near = park
                .reactor()
                .add_timer(start + Duration::from_millis(10), early_waker);
            worker.join().expect("worker");
            assert!(start.elapsed() >= Duration::from_millis(10));
            assert_eq!(late.load(O::SeqCst), 0);
        });
    }

    #[test]
    fn the_reactor_is_handed_to_a_sleeping_worker() {
        testkit::timeout(|| {
            let park = Arc::new(ReactorPark::new(2));
            // Worker 0 takes the reactor; worker 1 then sleeps on its condvar.
            let w0 = {
                let park = park.clone();
                std::thread::spawn(move || park.park(0))
            };
            while park.holder.load(O::SeqCst) != 0 {
                std::thread::yield_now();
            }
            let w1 = {
                let park = park.clone();
                std::thread::spawn(move || park.park(1))
            };
            while park.sleepers.load(O::SeqCst) != 1 {
                std::thread::yield_now();
            }
            // Unparking 0 makes it leave the reactor and hand it to 1.
            park.unpark(0);
            w0.join().expect("worker 0");
            while park.holder.load(O::SeqCst) != 1 {
                std::thread::yield_now();
            }
            park.unpark(1);
            w1.join().expect("worker 1");
        });
    }

    /// A waker that, when called, uses the reactor the way a task's code
    /// may: registers and deregisters a socket, and adds a timer.
    struct ReEnters {
        reactor: Arc<Reactor>,
        woken: std::sync::atomic::AtomicUsize,
    }

    impl std::task::Wake for ReEnters {
        fn wake(self: Arc<Self>) {
            let mut socket =
                mio::net::TcpListener::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
            let (token, _) = self
                .reactor
                .register(&mut socket, mio::Interest::READABLE)
                .expect("register");
            self.reactor.deregister(&mut socket, token);
            let (_, waker) = counting_waker();
            let entry = self.reactor.add_timer(Instant::now(), waker);
            self.reactor.cancel_timer(&entry);
            self.woken.fetch_add(1, O::SeqCst);
        }
    }

    #[test]
    fn a_waker_may_re_enter_the_reactor() {
        // Wakers are called once the reactor is given up and none of its
        // locks is held; called under one, this waker would deadlock.
        testkit::timeout(|| {
            let park = ReactorPark::new(1);
            let waker = Arc::new(ReEnters {
                reactor: park.reactor().clone(),
                woken: Default::default(),
            });
            let _entry = park
                .reactor()
                .add_timer(Instant::now(), std::task::Waker::from(waker.clone()));
            while waker.woken.load(O::SeqCst) == 0 {
                park.park(0);
            }
        });
    }

    #[test]
    fn a_panicking_waker_neither_kills_the_worker_nor_loses_other_wake_ups() {
        struct Panics;
        impl std::task::Wake for Panics {
            fn wake(self: Arc<Self>) {
                panic!("a waker that panics (on purpose, in a test)");
            }
        }
        testkit::timeout(|| {
            let park = ReactorPark::new(1);
            let due = Instant::now();
            // Same deadline: the panicking waker fires first.
            let _bad = park
                .reactor()
                .add_timer(due, std::task::Waker::from(Arc::new(Panics)));
            let (fired, waker) = counting_waker();
            let _good = park.reactor().add_timer(due, waker);
            while fired.load(O::SeqCst) == 0 {
                park.park(0);
            }
            // The worker is still in one piece and may take the reactor again.
            assert_eq!(park.holder.load(O::SeqCst), NOBODY);
        });
    }
}
