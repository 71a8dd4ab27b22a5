//! Exercise 7.3: A deadline for the batch (book: Chapter 7, section "Exercises").

use std::future::Future;
use std::time::Duration;

use ch07_fetch::report::Outcome;
use ch07_fetch::Todo;

/// Like `ch07_fetch::fetch::fetch_all`, but stops waiting `deadline` after
/// it started. Outcomes that arrive in time go to `on_outcome`; the tasks
/// still running at the deadline are aborted (their futures dropped, which
/// closes their sockets). Returns the ids that did not finish, sorted.
pub async fn fetch_all_within<F, Fut, E>(
    ids: &[u64],
    deadline: Duration,
    fetch: F,
    on_outcome: impl FnMut(Outcome<E>),
) -> Vec<u64>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>> + Send + 'static,
    E: Send + 'static,
{
    // TODO: spawn every fetch into a JoinSet, then wait for results with
    // `ch07_fetch::time::timeout` until the deadline; at the deadline,
    // abort what is left and work out which ids those were.
    let _ = (ids, deadline, fetch, on_outcome);
    todo!("Exercise 7.3 (deadline): see the book, Chapter 7, \"Exercise 7.3: A deadline for the batch\"")
}
