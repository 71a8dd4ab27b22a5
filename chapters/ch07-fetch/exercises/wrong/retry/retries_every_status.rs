// Wrong: retries every HTTP error status, a 404 too, which asking again
// will not fix.

use std::time::Duration;

use ch07_fetch::{time, Client, FetchError, Url};
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
        // 2^(retry - 1), saturating: past 2^31 the cap has long taken over.
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.first_backoff
            .checked_mul(factor)
            .map_or(self.max_backoff, |pause| pause.min(self.max_backoff))
    }
}

/// Whether trying again may help: the server answered 5xx (it had trouble;
/// it may not next time). A 404, a malformed body or bad JSON will not get
/// better by asking again.
pub fn is_retryable(error: &FetchError) -> bool {
    matches!(
        error,
        FetchError::Status {
            code: 400..=599,
            ..
        }
    )
}

/// `client.get_json(url)`, tried up to `retry.attempts` times while the
/// error is retryable, sleeping `retry.backoff(n)` before retry `n`.
/// Returns the first success, or the last error.
pub async fn get_json_with_retry<T: DeserializeOwned>(
    client: &Client,
    url: &Url,
    retry: &Retry,
) -> Result<T, FetchError> {
    let mut tries = 1;
    loop {
        match client.get_json(url).await {
            Err(error) if is_retryable(&error) && tries < retry.attempts => {
                // A timer, not thread::sleep: the worker runs other tasks
                // while this one waits.
                time::sleep(retry.backoff(tries)).await;
                tries += 1;
            }
            result => return result,
        }
    }
}
