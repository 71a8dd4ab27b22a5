//! The first runtime: tasks, `spawn` and `JoinHandle` on one thread.
//!
//! Everything runs on the thread that calls `block_on`, as in tokio's
//! current-thread runtime. Only one thread ever polls, so no task can be
//! polled twice at once, and no task state machine is needed: a task is
//! either in the ready queue or not. The only thing other threads may touch
//! is a waker, so the ready queue sits behind a mutex and the rest is plain
//! `Rc` and `RefCell`. The multi-threaded runtime of this chapter's later
//! pages starts from here.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

type TaskId = u64;

// ANCHOR: shared
/// The one part of the runtime that other threads can reach: through a
/// waker, they may put a task back in the ready queue and unpark the thread.
struct Shared {
    ready: Mutex<Ready>,
    /// The runtime's thread, which parks when nothing is ready.
    thread: Thread,
}

#[derive(Default)]
struct Ready {
    queue: VecDeque<TaskId>,
    /// The ids in `queue`: a task woken twice is queued once.
    queued: HashSet<TaskId>,
    /// The main future (the one `block_on` runs) was woken.
    main_woken: bool,
}

impl Shared {
    fn ready(&self) -> MutexGuard<'_, Ready> {
        // Poisoned only if a thread panicked while holding this lock, and
        // no code that can panic runs under it: the queue stays consistent.
        self.ready.lock().unwrap_or_else(|p| p.into_inner())
    }
}

// ANCHOR_END: shared

// ANCHOR: wakers
/// The waker of one task: queue its id, then unpark the runtime's thread.
struct TaskWaker {
    id: TaskId,
    shared: Arc<Shared>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut ready = self.shared.ready();
        if ready.queued.insert(self.id) {
            ready.queue.push_back(self.id);
        }
        drop(ready);
        self.shared.thread.unpark();
    }
}

/// The main future's waker sets a flag instead of queueing an id.
struct MainWaker(Arc<Shared>);

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.ready().main_woken = true;
        self.0.thread.unpark();
    }
}
// ANCHOR_END: wakers

// ANCHOR: runtime
/// A runtime on one thread. Not `Send`: its tasks never leave this thread,
/// so they need not be `Send` either.
pub struct Runtime {
    inner: Rc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    /// Every unfinished task, with the waker it is polled with.
    tasks: RefCell<HashMap<TaskId, (LocalTask, Waker)>>,
    next_id: Cell<TaskId>,
}

/// A spawned future, boxed so that one map holds every kind; its output
/// has already been routed to the `JoinHandle` (see `spawn`).
type LocalTask = Pin<Box<dyn Future<Output = ()>>>;
// ANCHOR_END: runtime

// ANCHOR: join
/// What a task and its `JoinHandle` share: the output, once there is one,
/// and the waker of whoever awaits it.
struct JoinState<T> {
    output: Option<T>,
    waker: Option<Waker>,
}

/// A future of a task's output. (This first runtime lets a panic in a task
/// unwind out of `block_on`; the later pages catch it and add `JoinError`.)
pub struct JoinHandle<T> {
    state: Rc<RefCell<JoinState<T>>>,
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.state.borrow_mut();
        match state.output.take() {
            Some(output) => Poll::Ready(output),
            None => {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
// ANCHOR_END: join

thread_local! {
    /// The runtime whose `block_on` is running on this thread, for `spawn`.
    static CURRENT: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime {
    pub fn new() -> Runtime {
        let shared = Arc::new(Shared {
            ready: Mutex::new(Ready::default()),
            thread: thread::current(),
        });
        Runtime {
            inner: Rc::new(Inner {
                shared,
                tasks: RefCell::new(HashMap::new()),
                next_id: Cell::new(1),
            }),
        }
    }

    /// Queues `future` as a new task. It runs once `block_on` runs.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn(future)
    }

    // ANCHOR: block_on
    /// Runs `future` to completion, running the spawned tasks while it waits.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = Enter::new(self.inner.clone());
        let shared = &self.inner.shared;
        let main_waker = Waker::from(Arc::new(MainWaker(shared.clone())));
        let mut main = pin!(future);
        shared.ready().main_woken = true; // poll it once to start
        loop {
            if std::mem::take(&mut shared.ready().main_woken) {
                let mut cx = Context::from_waker(&main_waker);
                if let Poll::Ready(output) = main.as_mut().poll(&mut cx) {
                    return output;
                }
            }
            // One turn: every task that is ready now, once. Tasks woken
            // during the turn wait for the next one, after the main future.
            let turn = std::mem::take(&mut *shared.ready());
            shared.ready().main_woken |= turn.main_woken;
            for id in turn.queue {
                self.inner.poll_task(id);
            }
            // Nothing ready: sleep until a waker unparks us. A wake after
            // this check leaves the thread's unpark token set, and `park`
            // returns at once; a spurious return only costs a loop.
            let idle = {
                let ready = shared.ready();
                ready.queue.is_empty() && !ready.main_woken
            };
            if idle {
                thread::park();
            }
        }
    }
    // ANCHOR_END: block_on
}

impl Inner {
    // ANCHOR: spawn
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let state = Rc::new(RefCell::new(JoinState {
            output: None,
            waker: None,
        }));
        let for_task = state.clone();
        // The task runs the future, then hands its output to the handle.
        let task = Box::pin(async move {
            let output = future.await;
            let waker = {
                let mut state = for_task.borrow_mut();
                state.output = Some(output);
                state.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        let waker = Waker::from(Arc::new(TaskWaker {
            id,
            shared: self.shared.clone(),
        }));
        self.tasks.borrow_mut().insert(id, (task, waker.clone()));
        waker.wake(); // a new task is ready to run
        JoinHandle { state }
    }
    // ANCHOR_END: spawn

    // ANCHOR: poll_task
    /// Polls one task once. Its entry leaves the map during the poll, so
    /// that the task may spawn others (which borrows the map) meanwhile.
    fn poll_task(&self, id: TaskId) {
        self.shared.ready().queued.remove(&id);
        // A wake for a task that already finished: nothing to do.
        let Some((mut task, waker)) = self.tasks.borrow_mut().remove(&id) else {
            return;
        };
        let mut cx = Context::from_waker(&waker);
        if task.as_mut().poll(&mut cx).is_pending() {
            self.tasks.borrow_mut().insert(id, (task, waker));
        }
    }
    // ANCHOR_END: poll_task
}

/// Sets `CURRENT` for the length of a `block_on`, and restores it after.
struct Enter(Option<Rc<Inner>>);

impl Enter {
    fn new(inner: Rc<Inner>) -> Enter {
        Enter(CURRENT.with(|current| current.replace(Some(inner))))
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

/// Spawns onto the runtime whose `block_on` is running on this thread.
///
/// # Panics
/// Outside `Runtime::block_on`: there is no runtime to run the task.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let inner = CURRENT.with(|current| current.borrow().clone());
    let inner = inner.expect("one_thread::spawn called outside Runtime::block_on");
    inner.spawn(future)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yield_now;
    use ch02_futures::timer::{count_polls, Timer};
    use std::time::Duration;

    #[test]
    fn spawned_tasks_run_and_their_handles_return_the_output() {
        let out = testkit::timeout(|| {
            let rt = Runtime::new();
            let a = rt.spawn(async { 1 });
            rt.block_on(async move {
                let b = spawn(async { 2 });
                a.await + b.await
            })
        });
        assert_eq!(out, 3);
    }

    #[test]
    fn yielding_tasks_take_turns_on_the_one_thread() {
        let order = testkit::timeout(|| {
            let rt = Runtime::new();
            let log = Rc::new(RefCell::new(Vec::new()));
            rt.block_on(async {
                let handles: Vec<_> = (1..=3)
                    .map(|task| {
                        let log = log.clone();
                        spawn(async move {
                            for step in 0..2 {
                                log.borrow_mut().push((task, step));
                                yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await;
                }
            });
            Rc::try_unwrap(log).expect("tasks are done").into_inner()
        });
        assert_eq!(order, [(1, 0), (2, 0), (3, 0), (1, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn a_wake_from_another_thread_resumes_a_parked_runtime() {
        let polls = testkit::timeout(|| {
            let rt = Runtime::new();
            rt.block_on(async {
                let timer = spawn(count_polls(Timer::new(Duration::from_millis(20))));
                timer.await.1
            })
        });
        assert_eq!(polls, 2, "parked in between, not spinning");
    }

    #[test]
    fn a_task_woken_twice_is_polled_once() {
        let polls = testkit::timeout(|| {
            let rt = Runtime::new();
            rt.block_on(async {
                let mut woken = false;
                spawn(count_polls(std::future::poll_fn(move |cx| {
                    // Two wakes in one poll, the first time only.
                    if std::mem::replace(&mut woken, true) {
                        return Poll::Ready(());
                    }
                    cx.waker().wake_by_ref();
                    cx.waker().wake_by_ref();
                    Poll::Pending
                })))
                .await
                .1
            })
        });
        assert_eq!(polls, 2);
    }

    #[test]
    fn futures_that_are_not_send_can_be_spawned() {
        let out = testkit::timeout(|| {
            let rt = Runtime::new();
            rt.block_on(async {
                let shared = Rc::new(5);
                let inner = shared.clone();
                spawn(async move {
                    yield_now().await;
                    *inner + 1
                })
                .await
            })
        });
        assert_eq!(out, 6);
    }

    #[test]
    #[should_panic(expected = "outside Runtime::block_on")]
    fn spawn_outside_block_on_panics() {
        drop(spawn(async {}));
    }
}
