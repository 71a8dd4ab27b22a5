//! Tests for Exercise 7.2 (retry). Run them with
//! `cargo test -p ch07-exercises --test retry`.

use std::time::Duration;

use ch07_exercises::retry::{get_json_with_retry, is_retryable, Retry};
use ch07_fetch::server::{BackgroundServer, Delay, Fault, ServerConfig};
use ch07_fetch::todos::todo_for;
use ch07_fetch::{time, Client, FetchError, Runtime, Todo, Url};

fn policy(attempts: u32) -> Retry {
    Retry {
        attempts,
        first_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

#[test]
fn backoff_doubles_and_is_capped() {
    testkit::timeout(|| {
        let retry = Retry {
            attempts: 10,
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        let pauses: Vec<u128> = (1..=6).map(|n| retry.backoff(n).as_millis()).collect();
        assert_eq!(pauses, vec![100, 200, 400, 800, 1000, 1000]);
        // No overflow, however many retries.
        assert_eq!(retry.backoff(40), Duration::from_secs(1));
        assert_eq!(retry.backoff(u32::MAX), Duration::from_secs(1));
    });
}

#[test]
fn only_server_errors_are_retried() {
    testkit::timeout(|| {
        let status = |code| FetchError::Status {
            code,
            reason: String::new(),
        };
        assert!(is_retryable(&status(500)));
        assert!(is_retryable(&status(503)));
        assert!(!is_retryable(&status(404)));
        assert!(!is_retryable(&status(400)));
        assert!(!is_retryable(&FetchError::BodyTooLarge { limit: 1 }));
    });
}

/// Fetches todo `id` with `retry` from a server with `faults`; returns the
/// result and how many requests the server saw for `id`.
fn fetch(id: u64, faults: &[(u64, Fault)], retry: Retry) -> (Result<Todo, FetchError>, u32) {
    let server = BackgroundServer::start(ServerConfig {
        todos: 10,
        delay: Delay::Fixed(Duration::ZERO),
        faults: faults.iter().copied().collect(),
    })
    .unwrap();
    let url = Url::parse(&server.url()).unwrap().join(id);
    let runtime = Runtime::new(1);
    let result =
        runtime.block_on(async { get_json_with_retry(&Client::default(), &url, &retry).await });
    (result, server.requests_for(id))
}

#[test]
fn a_server_that_recovers_is_retried_until_it_answers() {
    let (result, requests) = testkit::timeout(|| fetch(3, &[(3, Fault::FailFirst(2))], policy(3)));
    assert_eq!(result.unwrap(), todo_for(3));
    assert_eq!(requests, 3);
}

#[test]
fn gives_up_after_the_last_attempt_with_the_last_error() {
    let (result, requests) = testkit::timeout(|| fetch(3, &[(3, Fault::FailFirst(5))], policy(3)));
    assert!(
        matches!(result, Err(FetchError::Status { code: 500, .. })),
        "{result:?}"
    );
    assert_eq!(
        requests, 3,
        "attempts: 3 means three requests in all, the first one included"
    );
}

#[test]
fn the_pause_waits_on_the_runtimes_timer() {
    // An hour's pause, cut short by a timeout of 300 ms around the call.
    // On the runtime's timer the timeout fires; a pause that blocks the
    // thread (`std::thread::sleep`) stops the timeout from ever running.
    let (result, requests) = testkit::within(
        Duration::from_secs(10),
        "the pause between tries blocked the thread; sleep with \
         `time::sleep(..).await`, not `std::thread::sleep`",
        || {
            let server = BackgroundServer::start(ServerConfig {
                todos: 10,
                delay: Delay::Fixed(Duration::ZERO),
                faults: [(3, Fault::FailFirst(1))].into_iter().collect(),
            })
            .unwrap();
            let url = Url::parse(&server.url()).unwrap().join(3);
            let retry = Retry {
                attempts: 2,
                first_backoff: Duration::from_secs(3600),
                max_backoff: Duration::from_secs(3600),
            };
            let runtime = Runtime::new(1);
            let result = runtime.block_on(time::timeout(Duration::from_millis(300), async move {
                get_json_with_retry::<Todo>(&Client::default(), &url, &retry).await
            }));
            (result.is_err(), server.requests_for(3))
        },
    );
    assert!(result, "the timeout around the retry should have fired");
    assert_eq!(requests, 1, "one request, then the pause");
}

#[test]
fn a_404_is_not_retried() {
    let (result, requests) = testkit::timeout(|| fetch(0, &[], policy(5)));
    assert!(
        matches!(result, Err(FetchError::Status { code: 404, .. })),
        "{result:?}"
    );
    assert_eq!(requests, 1);
}

#[test]
fn a_success_is_not_repeated() {
    let (result, requests) = testkit::timeout(|| fetch(7, &[], policy(5)));
    assert_eq!(result.unwrap(), todo_for(7));
    assert_eq!(requests, 1);
}
