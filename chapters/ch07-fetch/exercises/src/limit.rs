//! Exercise 7.1: At most N in flight (book: Chapter 7, section "Exercises").

use std::future::Future;

use ch07_fetch::report::Outcome;
use ch07_fetch::Todo;

/// Like `ch07_fetch::fetch::fetch_all`, but with at most `limit` fetches
/// running at any moment. Outcomes go to `on_outcome` in completion order.
///
/// # Panics
/// If `limit` is 0.
pub async fn fetch_limited<F, Fut, E>(
    ids: &[u64],
    limit: usize,
    fetch: F,
    on_outcome: impl FnMut(Outcome<E>),
) where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Todo, E>> + Send + 'static,
    E: Send + 'static,
{
    // TODO: start `limit` tasks in a JoinSet (see `fetch_all` for how each
    // is wrapped and how its result becomes an Outcome); each time one
    // finishes, report it and start the next id, until every id is done.
    let _ = (ids, limit, fetch, on_outcome);
    todo!("Exercise 7.1 (limit): see the book, Chapter 7, \"Exercise 7.1: At most N in flight\"")
}
