// Wrong: at the deadline it notes which tasks are late, but lets them run
// and waits for them to finish before it returns.

use std::future::Future;
use std::time::{Duration, Instant};

use ch07_fetch::fetch::{timed, Tasks};
use ch07_fetch::report::Outcome;
use ch07_fetch::{time, JoinSet, Todo};

/// Like `ch07_fetch::fetch::fetch_all`, but stops waiting `deadline` after
/// it started. Outcomes that arrive in time go to `on_outcome`; the tasks
/// still running at the deadline are aborted (their futures dropped, which
/// closes their sockets). Returns the ids that did not finish, sorted.
pub async fn fetch_all_within<F, Fut, E>(
    ids: &[u64],
    deadline: Duration,
    fetch: F,
    mut on_outcome: impl FnMut(Outcome<E>),
) -> Vec<u64>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>> + Send + 'static,
    E: Send + 'static,
{
    let until = Instant::now() + deadline;
    let mut set = JoinSet::new();
    let mut tasks = Tasks::new();
    for &id in ids {
        let task = set.spawn(timed(id, fetch(id)));
        tasks.insert(task, id);
    }
    let mut late = Vec::new();
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match time::timeout(left, set.join_next_with_id()).await {
            Ok(Some(joined)) => on_outcome(tasks.outcome(joined)),
            Ok(None) => break,
            Err(_elapsed) => {
                // Abort the rest and drain them: each comes back cancelled,
                // naming its task; a task that finished at the last moment
                // comes back with its result and is reported after all.
                while let Some(joined) = set.join_next_with_id().await {
                    late.push(tasks.outcome(joined).id);
                }
                break;
            }
        }
    }
    late.sort_unstable();
    late
}
