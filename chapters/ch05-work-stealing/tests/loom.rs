//! Model checks of chapter 5's scheduler with loom: the parking protocol
//! (`Idle` + `CondvarPark`), stealing from a blocked worker, a wake from a
//! foreign thread, and shutdown.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom cargo test -p ch05-work-stealing --test loom --release`
//! (`cargo xtask loom` runs every loom model this way).
//!
//! What loom sees: every atomic, lock, condition variable, thread and
//! thread-local of chapters 3 and 5, because they all come from
//! `ch03_global_queue::sync`. What it does not see: crossbeam-deque's own
//! atomics. Loom switches threads only at operations it models, so each
//! deque operation runs as one indivisible step, and sees every earlier one:
//! the models check our protocol around the deques, assuming the deques
//! themselves are correct (crossbeam tests those).
//!
//! Leaks: every model puts a loom `Arc` inside the futures or tasks it
//! creates. Loom fails the model if one is still alive at the end of an
//! execution, so a task that shutdown forgot to drop is reported.
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use ch03_global_queue::task::{Runnable, Task, TaskId};
use ch03_global_queue::Schedule;
use ch05_work_stealing::{CondvarPark, Runtime, WorkStealing};
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;
use testkit::model::{check, Gate};

// ANCHOR: probe
/// A scheduler-level task: running it opens its gate. No future, no task
/// state: only the scheduler's queues and its parking protocol are modelled.
struct Probe {
    ran: Arc<Gate>,
}

impl Runnable for Probe {
    fn id(&self) -> TaskId {
        1
    }
    fn run(self: std::sync::Arc<Self>) {
        self.ran.open();
    }
    fn cancel(&self) {}
}
// ANCHOR_END: probe

/// Starts `run_worker` for every worker, as the runtime shell would.
fn start(
    scheduler: &std::sync::Arc<WorkStealing<CondvarPark>>,
    workers: usize,
) -> Vec<thread::JoinHandle<()>> {
    (0..workers)
        .map(|index| {
            let scheduler = scheduler.clone();
            thread::spawn(move || scheduler.run_worker(index))
        })
        .collect()
}

fn stop(scheduler: &WorkStealing<CondvarPark>, workers: Vec<thread::JoinHandle<()>>) {
    scheduler.shutdown();
    for worker in workers {
        worker.join().unwrap();
    }
}

// ANCHOR: push_while_parking
/// Two workers start with nothing to do and head for `park`, while this
/// thread pushes one task from outside. Whatever the interleaving (a
/// worker still searching, announcing its sleep, taking its last look,
/// or already asleep), some worker runs the task. If the push woke
/// nobody, every thread would wait for ever, and loom reports a deadlock.
#[test]
fn a_push_while_the_workers_fall_asleep_is_never_lost() {
    check("push while parking", || {
        let scheduler = std::sync::Arc::new(WorkStealing::<CondvarPark>::new(2));
        let workers = start(&scheduler, 2);
        let ran = Arc::new(Gate::default());
        scheduler.schedule(std::sync::Arc::new(Probe { ran: ran.clone() }));
        ran.wait();
        stop(&scheduler, workers);
    });
}
// ANCHOR_END: push_while_parking

/// A task that pushes a second task onto its own worker's deque, then
/// blocks its worker until the second one has run. Only the other worker
/// can run it, by stealing: so the local push must wake it if it sleeps.
struct PushThenBlock {
    scheduler: std::sync::Arc<WorkStealing<CondvarPark>>,
    second_ran: Arc<Gate>,
    done: Arc<Gate>,
}

impl Runnable for PushThenBlock {
    fn id(&self) -> TaskId {
        1
    }
    fn run(self: std::sync::Arc<Self>) {
        let second: Task = std::sync::Arc::new(Probe {
            ran: self.second_ran.clone(),
        });
        self.scheduler.schedule(second); // from a worker: its own deque
        self.second_ran.wait();
        self.done.open();
    }
    fn cancel(&self) {}
}

#[test]
fn a_task_on_a_blocked_workers_deque_is_stolen() {
    check("steal from a blocked worker", || {
        let scheduler = std::sync::Arc::new(WorkStealing::<CondvarPark>::new(2));
        let workers = start(&scheduler, 2);
        let second_ran = Arc::new(Gate::default());
        let done = Arc::new(Gate::default());
        scheduler.schedule(std::sync::Arc::new(PushThenBlock {
            scheduler: scheduler.clone(),
            second_ran,
            done: done.clone(),
        }));
        done.wait();
        stop(&scheduler, workers);
    });
}

/// Blocks its worker until another task has run.
struct BlockUntil {
    other_ran: Arc<Gate>,
    done: Arc<Gate>,
}

impl Runnable for BlockUntil {
    fn id(&self) -> TaskId {
        1
    }
    fn run(self: std::sync::Arc<Self>) {
        self.other_ran.wait();
        self.done.open();
    }
    fn cancel(&self) {}
}

/// Two tasks pushed from outside, the first blocking its worker until the
/// second has run. A push that finds a worker searching wakes nobody; if
/// that searcher takes both tasks and blocks in the first, only the hand-on
/// in `stop_searching` (the last searcher wakes a sleeper when work is left)
/// gets the second one run.
#[test]
fn the_last_searcher_hands_on_the_wake_up() {
    check("last searcher hands on", || {
        let scheduler = std::sync::Arc::new(WorkStealing::<CondvarPark>::new(2));
        let workers = start(&scheduler, 2);
        let second_ran = Arc::new(Gate::default());
        let done = Arc::new(Gate::default());
        scheduler.schedule(std::sync::Arc::new(BlockUntil {
            other_ran: second_ran.clone(),
            done: done.clone(),
        }));
        scheduler.schedule(std::sync::Arc::new(Probe { ran: second_ran }));
        done.wait();
        stop(&scheduler, workers);
    });
}

/// A one-shot event whose waker sits behind a loom mutex: the shape of
/// every channel, timer and socket readiness.
#[derive(Default)]
struct Event {
    inner: Mutex<(bool, Option<Waker>)>,
}

impl Event {
    fn fire(&self) {
        let waker = {
            let mut inner = self.inner.lock().unwrap();
            inner.0 = true;
            inner.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Waits for an [`Event`], and counts its own drop in `dropped`.
struct WaitFor {
    event: Arc<Event>,
    dropped: Arc<AtomicUsize>,
}

impl Future for WaitFor {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut inner = self.event.inner.lock().unwrap();
        if inner.0 {
            Poll::Ready(())
        } else {
            inner.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for WaitFor {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// The whole runtime (task state machine, scheduler, parking) on two
/// workers: a task waits for an event that a foreign thread fires. The
/// wake-up reaches a worker whether it is running, searching or asleep.
#[test]
fn a_wake_from_a_foreign_thread_reaches_a_parked_worker() {
    check("foreign wake", || {
        let rt = Runtime::new(2);
        let event = Arc::new(Event::default());
        let dropped = Arc::new(AtomicUsize::new(0));
        let join = rt.spawn(WaitFor {
            event: event.clone(),
            dropped: dropped.clone(),
        });
        let firer = thread::spawn(move || event.fire());
        loom::future::block_on(join).expect("the task completes");
        firer.join().unwrap();
        drop(rt);
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    });
}

/// A future that never finishes and counts its drop.
struct Forever {
    dropped: Arc<AtomicUsize>,
}

impl Future for Forever {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Drop for Forever {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

// ANCHOR: shutdown_model
/// Dropping the runtime while two tasks wait for wake-ups that never
/// come, one waits for an event fired during the shutdown, and one
/// spawns a child: each future is dropped exactly once (the counter), none
/// is forgotten (loom's leak check on the `Arc`s they hold), and every
/// `JoinHandle` still gets an answer.
#[test]
fn shutdown_drops_every_future_exactly_once() {
    check("shutdown", || {
        let rt = Runtime::new(2);
        let dropped = Arc::new(AtomicUsize::new(0));
        let event = Arc::new(Event::default());
        let waiting = rt.spawn(Forever {
            dropped: dropped.clone(),
        });
        let woken = rt.spawn(WaitFor {
            event: event.clone(),
            dropped: dropped.clone(),
        });
        // Stores its waker in an event that only it can reach: a cycle
        // (task, future, event, waker, task) that only shutdown can break.
        let orphan = rt.spawn(WaitFor {
            event: Arc::new(Event::default()),
            dropped: dropped.clone(),
        });
        // Built here, not inside the parent: if the parent is cancelled
        // before it runs, the child future is dropped with it.
        let child = Forever {
            dropped: dropped.clone(),
        };
        let parent = rt.spawn(async move {
            drop(ch03_global_queue::spawn(child));
        });
        // ANCHOR_END: shutdown_model
        // ANCHOR: shutdown_check
        let firer = thread::spawn(move || event.fire());
        drop(rt);
        firer.join().unwrap();
        // Four counted futures, the child's included: each dropped once,
        // whether it finished, was cancelled, or was refused a spawn
        // because the runtime was closing.
        assert_eq!(dropped.load(Ordering::SeqCst), 4);
        for never in [waiting, orphan] {
            let result = loom::future::block_on(never);
            assert!(result.expect_err("never finishes").is_cancelled());
        }
        // These two may have finished before the drop, or been cancelled.
        let _ = loom::future::block_on(woken);
        let _ = loom::future::block_on(parent);
        // ANCHOR_END: shutdown_check
    });
}

/// A task blocks its worker (on a loom condition variable) until the
/// runtime's drop has begun: the drop waits for that poll to end, then
/// drops the task, and returns.
#[test]
fn shutdown_waits_for_a_poll_in_progress() {
    check("shutdown mid-poll", || {
        let rt = Runtime::new(2);
        let started = Arc::new(Gate::default());
        let release = Arc::new(Gate::default());
        let dropped = Arc::new(AtomicUsize::new(0));
        let blocker = {
            let (started, release) = (started.clone(), release.clone());
            let forever = Forever {
                dropped: dropped.clone(),
            };
            rt.spawn(async move {
                started.open();
                release.wait();
                forever.await;
            })
        };
        started.wait();
        let releaser = {
            let release = release.clone();
            thread::spawn(move || release.open())
        };
        drop(rt);
        releaser.join().unwrap();
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
        let result = loom::future::block_on(blocker);
        assert!(result.expect_err("never finishes").is_cancelled());
    });
}
