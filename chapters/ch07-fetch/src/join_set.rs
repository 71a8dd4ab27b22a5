//! `JoinSet`: a set of spawned tasks whose results come back in the order
//! the tasks finish.
//!
//! Awaiting `JoinHandle`s one after another gives results in spawn order: a
//! slow first task holds back every result behind it. A `JoinSet` hands out
//! whichever result is ready first. The trick is a waker per task. Each
//! handle is polled with its own waker, and that waker does not reschedule
//! anything: it writes the task's id on a "ready" list and wakes whoever
//! waits in `join_next`. `join_next` then polls only the handles on that list,
//! so collecting n results costs O(n) polls, not O(n²).

use std::collections::{HashMap, VecDeque};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use ch03_global_queue::sync::{lock, AtomicBool, Mutex, Ordering};
use ch03_global_queue::task::TaskId;
use ch03_global_queue::{spawn, JoinError, JoinHandle};
use futures_task::{waker_ref, ArcWake};

// ANCHOR: join_set
/// A set of tasks spawned on the current runtime. Dropping the set aborts
/// every task still in it.
pub struct JoinSet<T> {
    /// Every task not yet joined, by id.
    entries: HashMap<TaskId, Entry<T>>,
    /// Shared with every entry's waker.
    ready: Arc<Ready>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    /// The waker this entry's handle is polled with; one per task, created
    /// once, so the task's `JoinHandle` keeps recognising it (`will_wake`).
    waker: Arc<EntryWaker>,
}

/// The ids of tasks that may have finished, and the waker of whoever waits
/// in `join_next`.
struct Ready {
    state: Mutex<ReadyState>,
}

struct ReadyState {
    ids: VecDeque<TaskId>,
    waiter: Option<Waker>,
}

struct EntryWaker {
    id: TaskId,
    /// Whether `id` is already on the ready list, so a task woken twice is
    /// listed once.
    listed: AtomicBool,
    ready: Arc<Ready>,
}
// ANCHOR_END: join_set

// ANCHOR: entry_waker
impl ArcWake for EntryWaker {
    /// Called by the task when it finishes (from whichever thread finished
    /// it): put its id on the ready list and wake `join_next`.
    fn wake_by_ref(arc_self: &Arc<Self>) {
        if arc_self.listed.swap(true, Ordering::AcqRel) {
            return;
        }
        let waiter = {
            let mut state = lock(&arc_self.ready.state);
            state.ids.push_back(arc_self.id);
            state.waiter.take()
        };
        // Woken outside the lock: the waiter's wake may run arbitrary code.
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}
// ANCHOR_END: entry_waker

impl<T: Send + 'static> JoinSet<T> {
    pub fn new() -> Self {
        JoinSet {
            entries: HashMap::new(),
            ready: Arc::new(Ready {
                state: Mutex::new(ReadyState {
                    ids: VecDeque::new(),
                    waiter: None,
                }),
            }),
        }
    }

    // ANCHOR: spawn
    /// Spawns `future` on the current runtime and adds it to the set.
    /// Returns the task's id, which `join_next_with_id` and `JoinError::id`
    /// report too.
    ///
    /// # Panics
    /// Outside a runtime, like the free `spawn`.
    pub fn spawn<F>(&mut self, future: F) -> TaskId
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle = spawn(future);
        let id = handle.id();
        let waker = Arc::new(EntryWaker {
            id,
            // Listed from the start: the handle has never been polled, so
            // nothing would ever wake it onto the list otherwise.
            listed: AtomicBool::new(true),
            ready: self.ready.clone(),
        });
        lock(&self.ready.state).ids.push_back(id);
        self.entries.insert(id, Entry { handle, waker });
        id
    }
    // ANCHOR_END: spawn

    /// Waits for the next task to finish and returns its result, or `None`
    /// if the set is empty. Results come in completion order.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.join_next_with_id()
            .await
            .map(|result| result.map(|(_, output)| output))
    }

    /// Like `join_next`, with the id of the task that finished.
    pub async fn join_next_with_id(&mut self) -> Option<Result<(TaskId, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    // ANCHOR: poll_join_next
    fn poll_join_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(TaskId, T), JoinError>>> {
        loop {
            if self.entries.is_empty() {
                return Poll::Ready(None);
            }
            let id = {
                let mut state = lock(&self.ready.state);
                match state.ids.pop_front() {
                    Some(id) => id,
                    None => {
                        // Stored under the same lock a finishing task takes to
                        // list itself: either it sees this waker, or we saw
                        // its id above. No wake-up falls in between.
                        state.waiter = Some(cx.waker().clone());
                        return Poll::Pending;
                    }
                }
            };
            // A task woken between the `store(false)` below and its final
            // poll is listed once more after it was removed: skip it.
            let Some(entry) = self.entries.get_mut(&id) else {
                continue;
            };
            // Unlisted before the poll: a wake that arrives during or after
            // it lists the task again.
            entry.waker.listed.store(false, Ordering::Release);
            let waker = waker_ref(&entry.waker);
            let mut entry_cx = Context::from_waker(&waker);
            if let Poll::Ready(result) = Pin::new(&mut entry.handle).poll(&mut entry_cx) {
                self.entries.remove(&id);
                return Poll::Ready(Some(result.map(|output| (id, output))));
            }
            // Listed but not finished (a spurious wake): try the next one.
        }
    }
    // ANCHOR_END: poll_join_next

    /// Tasks in the set: spawned and not yet returned by `join_next`.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Aborts every task in the set. They stay in the set: `join_next`
    /// returns each one, as a cancelled `JoinError` unless it had already
    /// finished.
    pub fn abort_all(&mut self) {
        for entry in self.entries.values() {
            entry.handle.abort();
        }
    }
}

impl<T: Send + 'static> Default for JoinSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: drop
impl<T> Drop for JoinSet<T> {
    /// Like tokio's: the tasks do not outlive the set. Without this, dropping
    /// a set (say, when a timeout cancels the function that owned it) would
    /// leave its requests running with nobody to read their results.
    fn drop(&mut self) {
        for entry in self.entries.values() {
            entry.handle.abort();
        }
    }
}
// ANCHOR_END: drop
