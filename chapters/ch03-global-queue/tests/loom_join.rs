//! Loom models of the join slot: the task's output meets a `JoinHandle`
//! that is awaited, or dropped, while the task finishes on a worker.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom cargo test -p ch03-global-queue --test loom_join --release`
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

use ch03_global_queue::runtime::Runtime;
use ch03_global_queue::GlobalQueue;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use testkit::model::check;

/// A task's output that counts its drops.
struct Output {
    drops: Arc<AtomicUsize>,
}

impl Drop for Output {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// The handle is dropped by another thread while the task finishes: the
/// output is dropped exactly once, by whichever side comes second (or with
/// the future, if the runtime is dropped before the task runs), and never
/// leaks (the loom `Arc` inside it would be reported).
#[test]
fn a_join_handle_dropped_while_the_task_finishes_drops_the_output_once() {
    loom::model(|| {
        let rt = Runtime::<GlobalQueue>::new(1);
        let drops = Arc::new(AtomicUsize::new(0));
        // Made here, so it exists even if the drop of the runtime cancels
        // the task before it runs: then the future drops it.
        let output = Output {
            drops: drops.clone(),
        };
        let join = rt.spawn(async move { output });
        let dropper = thread::spawn(move || drop(join));
        dropper.join().unwrap();
        drop(rt);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}

/// The handle is awaited from another thread while the task finishes: the
/// output reaches it, and is dropped once, by the awaiting side.
#[test]
fn an_awaited_join_handle_gets_the_output_exactly_once() {
    loom::model(|| {
        let rt = Runtime::<GlobalQueue>::new(1);
        let drops = Arc::new(AtomicUsize::new(0));
        let join = {
            let drops = drops.clone();
            rt.spawn(async move { Output { drops } })
        };
        let waiter = thread::spawn(move || {
            let output = loom::future::block_on(join).expect("the task completes");
            drop(output);
        });
        waiter.join().unwrap();
        drop(rt);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}

// ANCHOR: is_finished
/// `is_finished()` is a promise that awaiting the handle will not wait: it
/// turns true only once the output is in the slot, and it is true once the
/// handle has returned the output.
#[test]
fn is_finished_means_the_output_is_ready() {
    check("is_finished means ready", || {
        let rt = Runtime::<GlobalQueue>::new(1);
        let drops = Arc::new(AtomicUsize::new(0));
        let output = Output {
            drops: drops.clone(),
        };
        let mut join = rt.spawn(async move { output });
        let observer = thread::spawn(move || {
            let finished = join.is_finished();
            let polled = Pin::new(&mut join).poll(&mut Context::from_waker(Waker::noop()));
            if finished {
                assert!(
                    polled.is_ready(),
                    "is_finished() was true, then the handle returned Pending"
                );
            }
            if polled.is_ready() {
                assert!(
                    join.is_finished(),
                    "the handle returned the output, then is_finished() was false"
                );
            }
        });
        observer.join().unwrap();
        drop(rt);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}
// ANCHOR_END: is_finished
