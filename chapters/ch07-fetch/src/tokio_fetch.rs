//! The same job on tokio + reqwest, for comparison: what the article's
//! example does, with our output format.

use std::collections::HashMap;
use std::future::Future;

use crate::fetch::timed;
use crate::report::{panic_message, Ended, Outcome};
use crate::todos::Todo;

// ANCHOR: fetch_todo_reqwest
/// Fetches `{base}/{id}` with reqwest. `error_for_status` turns a 404 or a
/// 500 into an error; without it, reqwest hands back the error page's body
/// and `json()` tries to read it as a todo.
pub async fn fetch_todo_reqwest(
    client: reqwest::Client,
    base: String,
    id: u64,
) -> Result<Todo, reqwest::Error> {
    let response = client.get(format!("{base}/{id}")).send().await?;
    response.error_for_status()?.json::<Todo>().await
}
// ANCHOR_END: fetch_todo_reqwest

// ANCHOR: fetch_all_tokio
/// [`crate::fetch::fetch_all`], with tokio's `JoinSet`. Must run inside a
/// tokio runtime.
pub async fn fetch_all_tokio<F, Fut, E>(
    ids: &[u64],
    fetch: F,
    mut on_outcome: impl FnMut(Outcome<E>),
) where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>> + Send + 'static,
    E: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    let mut todo_of_task = HashMap::new();
    for &id in ids {
        let task = set.spawn(timed(id, fetch(id)));
        todo_of_task.insert(task.id(), id);
    }
    while let Some(joined) = set.join_next_with_id().await {
        on_outcome(match joined {
            Ok((_, (id, took, result))) => Outcome {
                id,
                ended: Ended::Returned { took, result },
            },
            Err(error) => Outcome {
                id: todo_of_task.get(&error.id()).copied().unwrap_or(0),
                ended: if error.is_panic() {
                    Ended::Panicked(panic_message(error.into_panic().as_ref()))
                } else {
                    Ended::Cancelled
                },
            },
        });
    }
}
// ANCHOR_END: fetch_all_tokio
