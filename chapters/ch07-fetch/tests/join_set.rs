//! The JoinSet: completion order, panics, abort, drop.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use ch07_fetch::{yield_now, JoinSet, Runtime};

/// A future that is pending until its gate is opened, from anywhere.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Option<Waker>)>>);

impl Gate {
    fn open(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.lock().unwrap();
        if state.0 {
            return Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn results_come_in_completion_order_not_spawn_order() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let order = runtime.block_on(async {
            let gates: Vec<Gate> = (0..5).map(|_| Gate::default()).collect();
            let mut set = JoinSet::new();
            for (i, gate) in gates.iter().enumerate() {
                let gate = gate.clone();
                set.spawn(async move {
                    gate.await;
                    i
                });
            }
            assert_eq!(set.len(), 5);
            let mut order = Vec::new();
            // Open one gate at a time: the only task that can finish is the
            // one whose gate is open, so join_next must return exactly it.
            for i in [3, 0, 4, 1, 2] {
                gates[i].open();
                order.push(set.join_next().await.unwrap().unwrap());
                assert_eq!(set.len(), 5 - order.len());
            }
            assert!(set.is_empty());
            assert!(set.join_next().await.is_none());
            order
        });
        assert_eq!(order, vec![3, 0, 4, 1, 2]);
    });
}

#[test]
fn an_empty_set_returns_none_at_once() {
    testkit::timeout(|| {
        let runtime = Runtime::new(1);
        let mut set: JoinSet<()> = JoinSet::new();
        assert!(set.is_empty());
        assert!(runtime.block_on(set.join_next()).is_none());
    });
}

#[test]
fn a_panic_is_a_join_error_with_its_message_and_the_ids_match() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            let mut set = JoinSet::new();
            let good = set.spawn(async { 7 });
            let bad = set.spawn(async {
                yield_now().await;
                panic!("boom")
            });
            let mut seen = Vec::new();
            while let Some(joined) = set.join_next_with_id().await {
                match joined {
                    Ok((id, value)) => {
                        assert_eq!((id, value), (good, 7));
                        seen.push(id);
                    }
                    Err(error) => {
                        assert_eq!(error.id(), bad);
                        assert_eq!(error.panic_message(), Some("boom"));
                        seen.push(error.id());
                    }
                }
            }
            seen.sort();
            assert_eq!(seen, vec![good, bad]);
        });
    });
}

#[test]
fn many_tasks_each_result_exactly_once() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let mut results = runtime.block_on(async {
            let mut set = JoinSet::new();
            for i in 0..2_000u32 {
                set.spawn(async move {
                    for _ in 0..(i % 4) {
                        yield_now().await;
                    }
                    i
                });
            }
            let mut results = Vec::new();
            while let Some(result) = set.join_next().await {
                results.push(result.unwrap());
            }
            results
        });
        results.sort();
        assert_eq!(results, (0..2_000).collect::<Vec<_>>());
    });
}

/// Sends on its channel when dropped: proof that a task's future is gone.
struct Dropped(mpsc::Sender<()>);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn dropping_the_set_aborts_its_tasks() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let (tx, rx) = mpsc::channel();
        runtime.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..10 {
                let token = Dropped(tx.clone());
                set.spawn(async move {
                    let _token = token;
                    // Never opened: these tasks would wait forever.
                    Gate::default().await;
                });
            }
            drop(set);
        });
        // The runtime is still alive: the futures are dropped because the
        // set aborted them, not because the runtime shut down.
        for _ in 0..10 {
            rx.recv().unwrap();
        }
    });
}

#[test]
fn abort_all_gives_cancelled_errors() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..5 {
                set.spawn(Gate::default());
            }
            set.abort_all();
            let mut cancelled = 0;
            while let Some(result) = set.join_next().await {
                assert!(result.unwrap_err().is_cancelled());
                cancelled += 1;
            }
            assert_eq!(cancelled, 5);
        });
    });
}
