//! Loom models of chapter 6's `ReactorPark`: who sits in the reactor, and
//! how an unpark or a hand-over reaches a worker asleep in it.
//!
//! mio cannot run under loom: `Poll::poll` is a system call that would block
//! the one OS thread loom runs every modelled thread on. So these models
//! compile the real `src/park.rs` against a stand-in reactor, below, whose
//! `turn` waits on a loom condition variable until it is woken, shut down,
//! or handed an event. The parking logic is chapter 6's, unchanged; only the
//! poll is replaced.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom cargo test -p ch06-reactor --test loom_reactor_park --release`
//! (`cargo xtask loom` runs every loom model this way).
//!
//! Leaks: the futures and wakers in these models hold loom `Arc`s, so a
//! task or waker that is never dropped fails the model.
#![cfg(loom)]

/// What `park.rs` needs of the reactor, with the poll replaced: `turn`
/// waits until `wake`, `shutdown`, or an event from `deliver` (standing in
/// for the kernel reporting a ready socket).
mod reactor {
    use std::io;
    use std::task::Waker;

    use ch03_global_queue::sync::{lock, wait, Condvar, Mutex};

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Wait {
        No,
        UntilNextTimer,
    }

    pub struct Reactor {
        state: Mutex<State>,
        changed: Condvar,
    }

    #[derive(Default)]
    struct State {
        /// Like mio's `Waker`: a wake before the poll is kept for it.
        woken: bool,
        shut_down: bool,
        /// Wakers of tasks whose sockets became ready.
        ready: Vec<Waker>,
    }

    impl Reactor {
        pub fn new() -> io::Result<Reactor> {
            Ok(Reactor {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
            })
        }

        // ANCHOR: stand_in
        pub fn turn(&self, how: Wait) -> Vec<Waker> {
            let mut state = lock(&self.state);
            if how == Wait::UntilNextTimer {
                while !state.woken && !state.shut_down && state.ready.is_empty() {
                    state = wait(&self.changed, state);
                }
            }
            state.woken = false;
            std::mem::take(&mut state.ready)
        }

        pub fn wake(&self) {
            lock(&self.state).woken = true;
            self.changed.notify_all();
        }

        pub fn shutdown(&self) -> Vec<Waker> {
            let mut state = lock(&self.state);
            state.shut_down = true;
            self.changed.notify_all();
            std::mem::take(&mut state.ready)
        }

        /// A socket became ready: the next turn returns `waker`.
        pub fn deliver(&self, waker: Waker) {
            lock(&self.state).ready.push(waker);
            self.changed.notify_all();
        }
        // ANCHOR_END: stand_in
    }
}

// ANCHOR: park_path
/// Chapter 6's parker, compiled against the stand-in above.
#[path = "../src/park.rs"]
#[allow(dead_code)]
mod park;
// ANCHOR_END: park_path

use ch05_work_stealing::{Park, WorkStealing};
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;
use park::ReactorPark;
use testkit::model::{check, Gate};

// ANCHOR: unpark_in_reactor
/// One worker parks (so it sits in the reactor); another thread unparks it
/// at any moment: before the park, on the way into the reactor, or during
/// the turn. The park always returns. A lost unpark leaves the worker in
/// `turn` for ever, and loom reports the deadlock.
#[test]
fn an_unpark_reaches_the_worker_in_the_reactor() {
    check("unpark in reactor", || {
        let park = std::sync::Arc::new(ReactorPark::new(1));
        let worker = {
            let park = park.clone();
            thread::spawn(move || park.park(0))
        };
        park.unpark(0);
        worker.join().unwrap();
    });
}
// ANCHOR_END: unpark_in_reactor

/// A waker that opens a gate: the task it stands for was woken.
fn gate_waker(gate: &Arc<Gate>) -> std::task::Waker {
    struct Opens(Arc<Gate>);
    impl std::task::Wake for Opens {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.open();
        }
    }
    std::task::Waker::from(std::sync::Arc::new(Opens(gate.clone())))
}

// ANCHOR: hand_over
/// Two workers park: one takes the reactor, the other sleeps on its
/// condition variable. Worker 0 is unparked (it has work to do): if it
/// was in the reactor, it leaves. The reactor must not be left unwatched:
/// it is handed to the sleeper, which turns it, so a socket that becomes
/// ready afterwards still wakes its task. Were the hand-over lost, nobody
/// would turn the reactor, the wake-up would never come, and loom would
/// report the deadlock.
#[test]
fn leaving_the_reactor_hands_it_to_a_sleeping_worker() {
    check("reactor hand-over", || {
        let park = std::sync::Arc::new(ReactorPark::new(2));
        let woken = Arc::new(Gate::default());
        let worker_0 = {
            let park = park.clone();
            thread::spawn(move || park.park(0))
        };
        let worker_1 = {
            let (park, woken) = (park.clone(), woken.clone());
            // A park may return early, and then a worker with nothing to do
            // parks again: so park until the task's wake-up went out.
            thread::spawn(move || {
                while !woken.is_open() {
                    park.park(1);
                }
            })
        };
        park.unpark(0);
        // Later, a socket becomes ready.
        park.reactor().deliver(gate_waker(&woken));
        woken.wait();
        // Worker 1 may be back in the reactor: unpark it to end the model.
        park.unpark(1);
        worker_0.join().unwrap();
        worker_1.join().unwrap();
    });
}
// ANCHOR_END: hand_over

// ANCHOR: hand_over_unparked
/// Three workers; 0 and 1 are unparked at once, so 0 may leave the reactor
/// and hand it to 1 just as 1 wakes for its own task. Then 1 must pass the
/// hand-over on: 2 still sleeps, and a socket that becomes ready later
/// needs somebody in the reactor. Otherwise loom reports a deadlock.
fn hand_over_to_an_unparked_worker() {
    let park = std::sync::Arc::new(ReactorPark::new(3));
    let woken = Arc::new(Gate::default());
    // Workers 0 and 1 park once: their unpark gives them work, and they
    // return to the scheduler with it.
    let workers: Vec<_> = (0..2)
        .map(|index| {
            let park = park.clone();
            thread::spawn(move || park.park(index))
        })
        .collect();
    let worker_2 = {
        let (park, woken) = (park.clone(), woken.clone());
        thread::spawn(move || {
            while !woken.is_open() {
                park.park(2);
            }
        })
    };
    let unparker = {
        let park = park.clone();
        thread::spawn(move || park.unpark(1))
    };
    park.unpark(0);
    unparker.join().unwrap();
    for worker in workers {
        worker.join().unwrap();
    }
    // Workers 0 and 1 are off running tasks; a socket becomes ready.
    park.reactor().deliver(gate_waker(&woken));
    woken.wait();
    park.unpark(2);
    worker_2.join().unwrap();
}
// ANCHOR_END: hand_over_unparked

#[test]
fn a_hand_over_to_an_unparked_worker_is_passed_on() {
    check(
        "hand-over to an unparked worker",
        hand_over_to_an_unparked_worker,
    );
}

/// The same model on `park.rs` without `decline_hand_over`: loom must find
/// the lost hand-over. A deadlock found by loom aborts the process (loom's
/// threads panic again while they unwind), so the model runs in a child
/// process: this test binary, started again on this test alone.
#[test]
fn loom_finds_the_lost_hand_over_without_the_decline() {
    const CHILD: &str = "CH06_LOOM_SKIP_DECLINE";
    if std::env::var_os(CHILD).is_some() {
        park::SKIP_DECLINE.store(true, std::sync::atomic::Ordering::Relaxed);
        loom::model(hand_over_to_an_unparked_worker);
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let child = std::process::Command::new(exe)
        .args([
            "--exact",
            "loom_finds_the_lost_hand_over_without_the_decline",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .expect("starting the test binary again");
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(
        !child.status.success() && stderr.contains("deadlock"),
        "loom should find the lost hand-over without decline_hand_over; \
         the child said:\n{stderr}"
    );
}

/// A task that waits for a (stand-in) socket to become ready.
struct WaitReadable {
    ready: Arc<AtomicBool>,
    waker_out: Arc<Mutex<Option<std::task::Waker>>>,
}

impl std::future::Future for WaitReadable {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.ready.load(Ordering::Acquire) {
            return std::task::Poll::Ready(());
        }
        *self.waker_out.lock().unwrap() = Some(cx.waker().clone());
        // Look again once the waker is stored (`ScheduledIo` looks again
        // under its lock): the readiness may have come in between.
        if self.ready.load(Ordering::Acquire) {
            return std::task::Poll::Ready(());
        }
        std::task::Poll::Pending
    }
}

/// The whole runtime (chapter 3's shell, chapter 5's scheduler, chapter
/// 6's parker) on two workers: a task waits for a socket; a foreign thread
/// (the kernel) makes it ready; the worker in the reactor delivers the
/// wake-up, and the task completes. Then the runtime is dropped, which
/// must get every worker out of the reactor and off its condvar.
#[test]
fn a_ready_socket_wakes_its_task_through_the_reactor() {
    check("runtime with reactor", || {
        let rt = ch03_global_queue::runtime::Runtime::<WorkStealing<ReactorPark>>::new(2);
        let ready = Arc::new(AtomicBool::new(false));
        let waker_out = Arc::new(Mutex::new(None));
        let join = rt.spawn(WaitReadable {
            ready: ready.clone(),
            waker_out: waker_out.clone(),
        });
        let scheduler = rt.scheduler().clone();
        let kernel = thread::spawn(move || {
            // Readiness first, then the event, as epoll reports it.
            ready.store(true, Ordering::Release);
            if let Some(waker) = waker_out.lock().unwrap().take() {
                scheduler.park().reactor().deliver(waker);
            }
        });
        loom::future::block_on(join).expect("the task completes");
        kernel.join().unwrap();
        drop(rt);
    });
}

const NOBODY: usize = usize::MAX;

// ANCHOR: handshake
/// The handshake between `park` and `unpark`, boiled down to its four
/// accesses: the parker takes `holder`, then looks at its token; the
/// unparker sets the token, then looks at `holder`. With `rmw` the token's
/// write and both looks are read-modify-writes, as in `park.rs`; without,
/// they are a plain release store and acquire loads. Panics if the parker
/// goes to wait in the reactor and the unparker does not wake it.
fn handshake(rmw: bool) {
    let token = Arc::new(AtomicBool::new(false));
    let holder = Arc::new(AtomicUsize::new(NOBODY));
    let parker = {
        let (token, holder) = (token.clone(), holder.clone());
        thread::spawn(move || {
            let took = holder.compare_exchange(NOBODY, 0, Ordering::AcqRel, Ordering::Relaxed);
            assert!(took.is_ok(), "nobody else takes the reactor here");
            let unparked = if rmw {
                token.swap(false, Ordering::AcqRel)
            } else {
                token.load(Ordering::Acquire)
            };
            !unparked // true: it goes to wait in the reactor
        })
    };
    if rmw {
        token.swap(true, Ordering::AcqRel);
    } else {
        token.store(true, Ordering::Release);
    }
    let in_reactor = if rmw {
        holder.fetch_add(0, Ordering::AcqRel)
    } else {
        holder.load(Ordering::Acquire)
    } == 0;
    let waits = parker.join().unwrap();
    assert!(
        !waits || in_reactor,
        "lost wake-up: the parker waits and nobody wakes it"
    );
}
// ANCHOR_END: handshake

#[test]
fn the_read_modify_write_handshake_never_loses_a_wake_up() {
    check("handshake with read-modify-writes", || handshake(true));
}

#[test]
fn loom_finds_the_lost_wake_up_with_plain_loads() {
    let found = std::panic::catch_unwind(|| loom::model(|| handshake(false)));
    assert!(
        found.is_err(),
        "loom should find the lost wake-up with plain loads"
    );
}
