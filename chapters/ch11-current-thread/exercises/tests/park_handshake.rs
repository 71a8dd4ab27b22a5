//! Exercise 11.1: the handshake between wakers and a runtime thread that
//! wants to wait in the reactor. The interleavings that lose a wake-up are
//! written out step by step, so each is tried on every run; the last test
//! runs the handshake between two real threads.

use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use ch11_exercises::park_handshake::{try_sleep, wake, woke_up, Inbox};

#[test]
fn a_wake_while_the_thread_is_awake_needs_no_system_call() {
    let mut inbox = Inbox::default();
    assert!(
        !wake(&mut inbox, 1),
        "the runtime thread is awake: no need to wake the reactor"
    );
    assert_eq!(inbox.woken, [1]);
}

#[test]
fn the_thread_does_not_sleep_with_work_queued() {
    // A task was woken after the runtime thread last looked at the inbox.
    let mut inbox = Inbox::default();
    wake(&mut inbox, 7);
    assert!(
        !try_sleep(&mut inbox),
        "task 7 is queued, but the thread went to sleep without running it"
    );
    assert!(!inbox.sleeping);
}

#[test]
fn a_wake_after_the_thread_decided_to_sleep_wakes_the_reactor() {
    let mut inbox = Inbox::default();
    assert!(
        try_sleep(&mut inbox),
        "nothing is queued: the thread may sleep"
    );
    // The lock is let go here; the thread is on its way into the reactor.
    assert!(
        wake(&mut inbox, 3),
        "the thread is asleep in the reactor and nobody wakes it: task 3 is lost"
    );
    assert_eq!(inbox.woken, [3]);
}

#[test]
fn after_the_wait_wakes_are_cheap_again() {
    let mut inbox = Inbox::default();
    assert!(try_sleep(&mut inbox));
    woke_up(&mut inbox);
    assert!(
        !wake(&mut inbox, 4),
        "the thread is awake again, yet the waker still writes to the reactor"
    );
}

/// The reactor, reduced to what the handshake needs: a wait with no time
/// limit that only `wake` ends.
#[derive(Default)]
struct Reactor {
    woken: Mutex<bool>,
    condvar: Condvar,
}

impl Reactor {
    fn wait(&self) {
        let mut woken = self.woken.lock().expect("reactor");
        while !*woken {
            woken = self.condvar.wait(woken).expect("reactor");
        }
        *woken = false;
    }

    fn wake(&self) {
        *self.woken.lock().expect("reactor") = true;
        self.condvar.notify_one();
    }
}

#[test]
fn two_threads_never_lose_a_wake_up() {
    // Done in well under a second when right; a lost wake-up hangs.
    testkit::with_timeout(Duration::from_secs(5), || {
        const WAKES: u64 = 20_000;
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let reactor = Arc::new(Reactor::default());
        let waker = {
            let (inbox, reactor) = (inbox.clone(), reactor.clone());
            thread::spawn(move || {
                for id in 0..WAKES {
                    let must_wake = wake(&mut inbox.lock().expect("inbox"), id);
                    if must_wake {
                        reactor.wake();
                    }
                }
            })
        };
        let mut seen = 0;
        while seen < WAKES {
            let mut guard = inbox.lock().expect("inbox");
            seen += std::mem::take(&mut guard.woken).len() as u64;
            if seen < WAKES && try_sleep(&mut guard) {
                drop(guard);
                reactor.wait();
                woke_up(&mut inbox.lock().expect("inbox"));
            }
        }
        waker.join().expect("waker");
    });
}
