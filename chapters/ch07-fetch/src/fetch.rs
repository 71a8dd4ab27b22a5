//! The job itself, on our runtime: fetch many todos at once and handle each
//! result as it arrives. The fetch is passed in, so the tests can swap in
//! one that panics or stalls; the demo passes [`fetch_todo`].

use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, Instant};

use ch03_global_queue::task::TaskId;
use ch03_global_queue::JoinError;

use crate::client::{Client, FetchError, Url};
use crate::join_set::JoinSet;
use crate::report::{Ended, Outcome};
use crate::todos::Todo;

// ANCHOR: fetch_todo
/// Fetches `/todos/{id}` under `base` with our client.
pub async fn fetch_todo(client: Client, base: Url, id: u64) -> Result<Todo, FetchError> {
    client.get_json(&base.join(id)).await
}
// ANCHOR_END: fetch_todo

// ANCHOR: fetch_all
/// Spawns one task per id and hands each outcome to `on_outcome` as soon as
/// its task finishes: completion order, not the order of `ids`.
pub async fn fetch_all<F, Fut, E>(ids: &[u64], fetch: F, mut on_outcome: impl FnMut(Outcome<E>))
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>> + Send + 'static,
    E: Send + 'static,
{
    let mut set = JoinSet::new();
    let mut tasks = Tasks::new();
    for &id in ids {
        // Creating the future starts nothing: it runs once a worker polls
        // the task that `spawn` creates around it.
        let task = set.spawn(timed(id, fetch(id)));
        tasks.insert(task, id);
    }
    while let Some(joined) = set.join_next_with_id().await {
        on_outcome(tasks.outcome(joined));
    }
}
// ANCHOR_END: fetch_all

// ANCHOR: timed
/// What a fetch task returns: which todo, how long the fetch took, and its result.
pub type Fetched<E> = (u64, Duration, Result<Todo, E>);

/// Runs `request`, timing it, and tags the result with its todo id.
pub async fn timed<E>(id: u64, request: impl Future<Output = Result<Todo, E>>) -> Fetched<E> {
    let started = Instant::now();
    let result = request.await;
    (id, started.elapsed(), result)
}

// ANCHOR_END: timed

// ANCHOR: tasks
/// Which todo each task fetches. A task that panicked returns nothing, so
/// its `JoinError`'s task id is the only way back to its todo id.
#[derive(Debug, Default)]
pub struct Tasks(HashMap<TaskId, u64>);

impl Tasks {
    pub fn new() -> Self {
        Tasks::default()
    }

    pub fn insert(&mut self, task: TaskId, todo: u64) {
        self.0.insert(task, todo);
    }

    /// The todo a task fetches; 0 (no such todo) for a task never inserted.
    pub fn todo_of(&self, task: TaskId) -> u64 {
        self.0.get(&task).copied().unwrap_or(0)
    }

    /// Turns what `join_next_with_id` returned into an outcome.
    pub fn outcome<E>(&self, joined: Result<(TaskId, Fetched<E>), JoinError>) -> Outcome<E> {
        match joined {
            Ok((_, (id, took, result))) => Outcome {
                id,
                ended: Ended::Returned { took, result },
            },
            Err(error) => Outcome {
                id: self.todo_of(error.id()),
                ended: match error.panic_message() {
                    Some(message) => Ended::Panicked(message.to_string()),
                    None => Ended::Cancelled,
                },
            },
        }
    }
}
// ANCHOR_END: tasks

// ANCHOR: fetch_sequential
/// The same fetches one after another, in one task: what the concurrent
/// version is measured against.
pub async fn fetch_sequential<F, Fut, E>(
    ids: &[u64],
    fetch: F,
    mut on_outcome: impl FnMut(Outcome<E>),
) where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>>,
{
    for &id in ids {
        let (id, took, result) = timed(id, fetch(id)).await;
        on_outcome(Outcome {
            id,
            ended: Ended::Returned { took, result },
        });
    }
}
// ANCHOR_END: fetch_sequential
