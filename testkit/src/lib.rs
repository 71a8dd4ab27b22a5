//! Helpers for tests that wait on concurrency.
//!
//! Every test that waits on another thread must be able to fail instead of
//! hang: a lost wake-up should show up as a red test with a clear message,
//! not as a CI run that never ends. [`with_timeout`] gives a test that bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

/// The default bound for a test body. Generous, because CI machines have two
/// noisy cores; a test that needs longer is probably hung.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `body` on its own thread and returns its result, or panics if it has
/// not finished within `limit`.
///
/// A panic inside `body` is re-raised here, so assertions keep their message.
/// On a timeout the body's thread is left behind (a thread cannot be killed);
/// the test process exits when the harness finishes.
pub fn with_timeout<T, F>(limit: Duration, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    within(limit, "a lost wake-up or a deadlock?", body)
}

/// [`with_timeout`], with what a timeout means in the test's own terms:
/// `within(limit, "the pause blocked the worker thread", body)` fails with
/// "test timed out after 5s: the pause blocked the worker thread".
pub fn within<T, F>(limit: Duration, meaning: &str, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done_tx, done_rx) = mpsc::channel();
    let worker = thread::Builder::new()
        .name("test-body".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
            // The receiver is gone only if we already timed out; nothing to tell.
            let _ = done_tx.send(result);
        })
        .expect("spawning the test-body thread");
    match done_rx.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = worker.join();
            value
        }
        Ok(Err(panic)) => {
            let _ = worker.join();
            std::panic::resume_unwind(panic)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("test timed out after {limit:?}: {meaning}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("test-body thread ended without reporting a result")
        }
    }
}

/// [`with_timeout`] with [`DEFAULT_TIMEOUT`].
pub fn timeout<T, F>(body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    with_timeout(DEFAULT_TIMEOUT, body)
}

/// Counts how many values holding a [`DropToken`] are alive and how many were
/// dropped, so a test can prove that a runtime dropped every future it owned.
#[derive(Clone, Default)]
pub struct DropCounter {
    created: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
}

impl DropCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// A token to move into a future; dropping the future drops the token.
    pub fn token(&self) -> DropToken {
        self.created.fetch_add(1, Ordering::SeqCst);
        DropToken {
            dropped: self.dropped.clone(),
        }
    }

    pub fn created(&self) -> usize {
        self.created.load(Ordering::SeqCst)
    }

    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }

    /// Tokens handed out and not yet dropped.
    pub fn alive(&self) -> usize {
        self.created() - self.dropped()
    }
}

/// Dropping this bumps its [`DropCounter`]'s `dropped` count.
pub struct DropToken {
    dropped: Arc<AtomicUsize>,
}

impl Drop for DropToken {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// Helpers for the loom models; built only with `RUSTFLAGS="--cfg loom"`.
#[cfg(loom)]
pub mod model;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_body_value() {
        assert_eq!(with_timeout(Duration::from_secs(5), || 7), 7);
    }

    #[test]
    #[should_panic(expected = "timed out")]
    fn a_hung_body_fails() {
        with_timeout(Duration::from_millis(50), || {
            thread::sleep(Duration::from_secs(5))
        });
    }

    #[test]
    #[should_panic(expected = "timed out after 50ms: the body never ends")]
    fn a_timeout_says_what_it_means() {
        within(Duration::from_millis(50), "the body never ends", || {
            thread::sleep(Duration::from_secs(5))
        });
    }

    #[test]
    #[should_panic(expected = "inner message")]
    fn a_panic_keeps_its_message() {
        with_timeout(Duration::from_secs(5), || panic!("inner message"));
    }

    #[test]
    fn counts_drops() {
        let counter = DropCounter::new();
        let a = counter.token();
        let b = counter.token();
        drop(a);
        assert_eq!(
            (counter.created(), counter.dropped(), counter.alive()),
            (2, 1, 1)
        );
        drop(b);
        assert_eq!(counter.alive(), 0);
    }
}
