//! The loom model of Exercise 3.1 (output_slot): a `complete` on one thread
//! against a waiter's poll on another, in every interleaving.
//!
//! Run it with `cargo xtask loom output_slot`, which is
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p ch03-exercises --test loom_output_slot --release`.
#![cfg(loom)]

use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use ch03_exercises::output_slot::OutputSlot;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// A waker that counts its wake-ups (in a loom atomic, so loom sees them).
struct Flag {
    wakes: AtomicUsize,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn flag_waker() -> (Arc<Flag>, Waker) {
    let flag = Arc::new(Flag {
        wakes: AtomicUsize::new(0),
    });
    (flag.clone(), Waker::from(flag))
}

/// The waiter's side: one poll racing the completers; once they are done,
/// a `Pending` must have been followed by a wake-up, and the value must be
/// there.
fn waiter_gets_a_value<T: PartialEq + std::fmt::Debug>(
    slot: &OutputSlot<T>,
    completers: Vec<thread::JoinHandle<()>>,
) -> T {
    let (flag, waker) = flag_waker();
    let first = slot.poll_take(&mut Context::from_waker(&waker));
    for c in completers {
        c.join().unwrap();
    }
    match first {
        Poll::Ready(value) => value,
        Poll::Pending => {
            assert!(
                flag.wakes.load(Ordering::SeqCst) >= 1,
                "lost wake-up: poll_take returned Pending, complete has run, and the \
                 waiter's waker was never woken, so the JoinHandle would wait for ever. \
                 A complete ran between poll_take's check for the value and its storing \
                 of the waker: do both under one lock"
            );
            match slot.poll_take(&mut Context::from_waker(&waker)) {
                Poll::Ready(value) => value,
                Poll::Pending => panic!("the waiter was woken, but the value is not in the slot"),
            }
        }
    }
}

#[test]
fn the_waiter_always_gets_the_value() {
    loom::model(|| {
        let slot = Arc::new(OutputSlot::new());
        let completer = {
            let slot = slot.clone();
            thread::spawn(move || slot.complete(7))
        };
        assert_eq!(waiter_gets_a_value(&slot, vec![completer]), 7);
    });
}

#[test]
fn racing_completes_deliver_one_value() {
    loom::model(|| {
        let slot = Arc::new(OutputSlot::new());
        let completers = [1, 2]
            .into_iter()
            .map(|v| {
                let slot = slot.clone();
                thread::spawn(move || slot.complete(v))
            })
            .collect();
        let value = waiter_gets_a_value(&slot, completers);
        assert!(value == 1 || value == 2, "got {value}");
    });
}
