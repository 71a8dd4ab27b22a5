//! Loom model of chapter 6's `ScheduledIo`: several tasks waiting in one
//! direction of one source (tasks accepting on a shared listener), and the
//! reactor reporting an edge at any moment.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom cargo test -p ch06-reactor --test loom_scheduled_io --release`
//! (`cargo xtask loom` runs every loom model this way).
#![cfg(loom)]

use std::task::{Context, Poll, Wake, Waker};

use ch06_reactor::scheduled_io::{Direction, Ready, ScheduledIo};
use loom::sync::Arc;
use loom::thread;
use testkit::model::{check, Gate};

/// A task's waker: opens the task's gate.
struct Opens(Arc<Gate>);

impl Wake for Opens {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.open();
    }
}

// ANCHOR: two_waiters
/// Two tasks wait to read one source; the reactor reports one edge. The
/// edge stays set until a `WouldBlock` clears it, so both tasks must see
/// it: each either finds the source ready, or is woken and then finds it
/// ready. A task whose waker was overwritten by the other's is never woken,
/// and loom reports the deadlock.
#[test]
fn an_edge_reaches_every_task_waiting_in_its_direction() {
    check("two waiters, one edge", || {
        let io = std::sync::Arc::new(ScheduledIo::new());
        // Use up the new source's initial readiness, as a WouldBlock would.
        let noop = Waker::noop();
        if let Poll::Ready(event) = io.poll_ready(&mut Context::from_waker(noop), Direction::Read) {
            io.clear_readiness(event, Direction::Read);
        }
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let io = io.clone();
                thread::spawn(move || {
                    let gate = Arc::new(Gate::default());
                    let waker = Waker::from(std::sync::Arc::new(Opens(gate.clone())));
                    let mut cx = Context::from_waker(&waker);
                    if io.poll_ready(&mut cx, Direction::Read).is_pending() {
                        gate.wait();
                        assert!(io.poll_ready(&mut cx, Direction::Read).is_ready());
                    }
                })
            })
            .collect();
        let mut wakers = Vec::new();
        let edge = Ready {
            readable: true,
            writable: false,
        };
        io.set_readiness(edge, &mut wakers);
        wakers.into_iter().for_each(Waker::wake);
        for task in tasks {
            task.join().unwrap();
        }
    });
}
// ANCHOR_END: two_waiters
