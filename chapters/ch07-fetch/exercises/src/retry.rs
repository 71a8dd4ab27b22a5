//! Exercise 7.2: Retry with backoff (book: Chapter 7, section "Exercises").

use std::time::Duration;

use ch07_fetch::{Client, FetchError, Url};
use serde::de::DeserializeOwned;

/// How often to try, and how long to wait between tries.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Tries in all, the first one included (0 counts as 1).
    pub attempts: u32,
    /// The pause before the first retry; it doubles before each next one.
    pub first_backoff: Duration,
    /// No pause is longer than this.
    pub max_backoff: Duration,
}

impl Retry {
    /// The pause before retry number `retry` (1 is the first retry):
    /// `first_backoff`, then twice that, four times, ..., never more than
    /// `max_backoff`, and no overflow however large `retry` is.
    pub fn backoff(&self, retry: u32) -> Duration {
        // TODO: double `first_backoff` (retry - 1) times, capped.
        let _ = retry;
        todo!("Exercise 7.2 (retry): see the book, Chapter 7, \"Exercise 7.2: Retry with backoff\"")
    }
}

/// Whether trying again may help: the server answered 5xx (it had trouble;
/// it may not next time). A 404, a malformed body or bad JSON will not get
/// better by asking again.
pub fn is_retryable(error: &FetchError) -> bool {
    // TODO: match on the error.
    let _ = error;
    todo!("Exercise 7.2 (retry): see the book, Chapter 7, \"Exercise 7.2: Retry with backoff\"")
}

/// `client.get_json(url)`, tried up to `retry.attempts` times while the
/// error is retryable, sleeping `retry.backoff(n)` before retry `n`.
/// Returns the first success, or the last error.
pub async fn get_json_with_retry<T: DeserializeOwned>(
    client: &Client,
    url: &Url,
    retry: &Retry,
) -> Result<T, FetchError> {
    // TODO: loop; `ch07_fetch::time::sleep` waits without blocking the worker.
    let _ = (client, url, retry);
    todo!("Exercise 7.2 (retry): see the book, Chapter 7, \"Exercise 7.2: Retry with backoff\"")
}
