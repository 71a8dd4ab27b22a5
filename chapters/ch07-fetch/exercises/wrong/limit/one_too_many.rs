// Wrong: `<=` lets `limit + 1` fetches run at once.

use std::future::Future;

use ch07_fetch::fetch::{timed, Tasks};
use ch07_fetch::report::Outcome;
use ch07_fetch::{JoinSet, Todo};

/// Like `ch07_fetch::fetch::fetch_all`, but with at most `limit` fetches
/// running at any moment. Outcomes go to `on_outcome` in completion order.
///
/// # Panics
/// If `limit` is 0.
pub async fn fetch_limited<F, Fut, E>(
    ids: &[u64],
    limit: usize,
    fetch: F,
    mut on_outcome: impl FnMut(Outcome<E>),
) where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>> + Send + 'static,
    E: Send + 'static,
{
    assert!(
        limit > 0,
        "fetch_limited: a limit of 0 would never fetch anything"
    );
    let mut set = JoinSet::new();
    let mut tasks = Tasks::new();
    let mut waiting = ids.iter();
    loop {
        // Top the set up to `limit`. The set's length is the number in flight.
        while set.len() <= limit {
            let Some(&id) = waiting.next() else { break };
            let task = set.spawn(timed(id, fetch(id)));
            tasks.insert(task, id);
        }
        // Empty set: every id was started and reported.
        let Some(joined) = set.join_next_with_id().await else {
            return;
        };
        on_outcome(tasks.outcome(joined));
    }
}
