//! The fetch end to end: our runtime and client against the local server,
//! compared with tokio + reqwest, with faults, panics and timeouts.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use ch07_fetch::fetch::{fetch_all, fetch_sequential, fetch_todo, Tasks};
use ch07_fetch::http::ParseError;
use ch07_fetch::interop::{InTokio, TokioDriver, WakeCount};
use ch07_fetch::report::{Ended, Outcome, Report};
use ch07_fetch::server::{BackgroundServer, Delay, Fault, ServerConfig};
use ch07_fetch::todos::{todo_for, Todo};
use ch07_fetch::tokio_fetch::{fetch_all_tokio, fetch_todo_reqwest};
use ch07_fetch::{Client, FetchError, JoinSet, Runtime, Url};

fn server(faults: &[(u64, Fault)]) -> BackgroundServer {
    BackgroundServer::start(ServerConfig {
        todos: 10,
        // Short, and the same for every id: these tests check results, not speed.
        delay: Delay::Fixed(Duration::from_millis(20)),
        faults: faults.iter().copied().collect(),
    })
    .expect("starting the local server")
}

fn client(timeout: Duration) -> Client {
    Client {
        timeout,
        ..Client::default()
    }
}

/// Runs `fetch_all` with our client on our runtime; outcomes by id.
fn ours(base: &str, ids: &[u64], client: Client) -> BTreeMap<u64, Outcome<FetchError>> {
    let base = Url::parse(base).unwrap();
    let runtime = Runtime::new(2);
    let mut outcomes = BTreeMap::new();
    runtime.block_on(fetch_all(
        ids,
        |id| fetch_todo(client.clone(), base.clone(), id),
        |outcome| {
            assert!(
                outcomes.insert(outcome.id, outcome).is_none(),
                "an id reported twice"
            );
        },
    ));
    outcomes
}

fn error<E: std::fmt::Debug>(outcome: &Outcome<E>) -> &E {
    match &outcome.ended {
        Ended::Returned {
            result: Err(error), ..
        } => error,
        other => panic!("todo {}: expected a fetch error, got {other:?}", outcome.id),
    }
}

#[test]
fn our_results_equal_tokio_and_reqwest_results() {
    testkit::timeout(|| {
        let server = server(&[]);
        let ids: Vec<u64> = (0..=12).collect();
        let ours = ours(&server.url(), &ids, Client::default());

        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let reqwest = reqwest::Client::new();
        let mut theirs = BTreeMap::new();
        tokio.block_on(fetch_all_tokio(
            &ids,
            |id| fetch_todo_reqwest(reqwest.clone(), server.url(), id),
            |outcome| {
                theirs.insert(outcome.id, outcome);
            },
        ));

        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>()
        );
        for id in ids {
            let (a, b) = (&ours[&id], &theirs[&id]);
            assert_eq!(a.todo(), b.todo(), "todo {id}");
            if (1..=10).contains(&id) {
                assert_eq!(a.todo(), Some(&todo_for(id)), "todo {id}");
            } else {
                // Both see the 404 as an error, with the same status.
                assert!(
                    matches!(error(a), FetchError::Status { code: 404, .. }),
                    "todo {id}"
                );
                assert_eq!(
                    error(b).status().map(|s| s.as_u16()),
                    Some(404),
                    "todo {id}"
                );
            }
        }
    });
}

#[test]
fn every_fault_gives_its_own_error_and_the_other_tasks_complete() {
    testkit::timeout(|| {
        let server = server(&[
            (2, Fault::Status500),
            (3, Fault::BadJson),
            (4, Fault::Truncated),
            (5, Fault::Silent),
            (6, Fault::Reset),
            (7, Fault::Huge),
        ]);
        let ids: Vec<u64> = (1..=10).collect();
        let outcomes = ours(&server.url(), &ids, client(Duration::from_millis(1500)));

        assert!(matches!(
            error(&outcomes[&2]),
            FetchError::Status { code: 500, .. }
        ));
        assert!(matches!(error(&outcomes[&3]), FetchError::Json(_)));
        match error(&outcomes[&4]) {
            FetchError::Malformed(ParseError::Truncated(what)) => {
                assert!(what.contains("body bytes"), "{what}")
            }
            other => panic!("truncated body gave {other:?}"),
        }
        assert!(matches!(error(&outcomes[&5]), FetchError::Timeout { .. }));
        match error(&outcomes[&6]) {
            FetchError::Connection(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset),
            other => panic!("reset gave {other:?}"),
        }
        assert!(matches!(
            error(&outcomes[&7]),
            FetchError::BodyTooLarge { .. }
        ));
        for id in [1, 8, 9, 10] {
            assert_eq!(outcomes[&id].todo(), Some(&todo_for(id)), "todo {id}");
        }
        // Every message says what happened, in words.
        let messages: Vec<String> = (2..=7)
            .map(|id| error(&outcomes[&id]).to_string())
            .collect();
        for (message, says) in messages.iter().zip([
            "server answered 500",
            "not the expected JSON",
            "connection closed after",
            "no response within",
            "reset",
            "larger than",
        ]) {
            assert!(message.contains(says), "{message:?} should say {says:?}");
        }
    });
}

#[test]
fn a_panicking_task_is_reported_and_the_rest_finish() {
    testkit::timeout(|| {
        let server = server(&[]);
        let base = Url::parse(&server.url()).unwrap();
        let runtime = Runtime::new(2);
        let client = Client::default();
        let mut outcomes = BTreeMap::new();
        runtime.block_on(fetch_all(
            &[1, 2, 3, 4, 5],
            |id| {
                let (client, base) = (client.clone(), base.clone());
                async move {
                    let todo = fetch_todo(client, base, id).await;
                    if id == 3 {
                        panic!("todo 3 is cursed");
                    }
                    todo
                }
            },
            |outcome| {
                outcomes.insert(outcome.id, outcome);
            },
        ));
        assert_eq!(outcomes.len(), 5);
        match &outcomes[&3].ended {
            Ended::Panicked(message) => assert_eq!(message, "todo 3 is cursed"),
            other => panic!("expected a panic, got {other:?}"),
        }
        for id in [1, 2, 4, 5] {
            assert_eq!(outcomes[&id].todo(), Some(&todo_for(id)));
        }
    });
}

#[test]
fn a_server_that_never_answers_is_cut_off_by_the_timeout() {
    testkit::timeout(|| {
        let server = server(&[(1, Fault::Silent), (2, Fault::Silent)]);
        let timeout = Duration::from_millis(1500);
        let outcomes = ours(&server.url(), &[1, 2, 3], client(timeout));
        for id in [1, 2] {
            match error(&outcomes[&id]) {
                FetchError::Timeout { after } => assert_eq!(*after, timeout),
                other => panic!("todo {id}: expected a timeout, got {other:?}"),
            }
        }
        assert_eq!(outcomes[&3].todo(), Some(&todo_for(3)));
    });
}

#[test]
fn a_refused_connection_is_a_connect_error() {
    testkit::timeout(|| {
        // A port nobody listens on: bind one, note it, close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let outcomes = ours(
            &format!("http://127.0.0.1:{port}/todos"),
            &[1],
            Client::default(),
        );
        match error(&outcomes[&1]) {
            FetchError::Connect { addr, source } => {
                assert_eq!(addr, &format!("127.0.0.1:{port}"));
                assert_eq!(source.kind(), io::ErrorKind::ConnectionRefused);
            }
            other => panic!("expected a connect error, got {other:?}"),
        }
    });
}

#[test]
fn sequential_gives_the_same_results_in_id_order() {
    testkit::timeout(|| {
        let server = server(&[(2, Fault::Status500)]);
        let base = Url::parse(&server.url()).unwrap();
        let runtime = Runtime::new(1);
        let client = Client::default();
        let mut order = Vec::new();
        runtime.block_on(fetch_sequential(
            &[3, 1, 2],
            |id| fetch_todo(client.clone(), base.clone(), id),
            |outcome| order.push((outcome.id, outcome.todo().cloned())),
        ));
        assert_eq!(
            order,
            vec![(3, Some(todo_for(3))), (1, Some(todo_for(1))), (2, None)]
        );
    });
}

#[test]
fn reqwest_runs_on_our_executor_with_tokio_driving_its_io() {
    testkit::timeout(|| {
        let server = server(&[(4, Fault::Status500)]);
        let driver = TokioDriver::start().unwrap();
        let reqwest = reqwest::Client::new();
        let wakes = Arc::new(WakeCount::default());
        let runtime = Runtime::new(2);
        let mut outcomes = BTreeMap::new();
        runtime.block_on(fetch_all(
            &[1, 2, 3, 4],
            |id| {
                let request = fetch_todo_reqwest(reqwest.clone(), server.url(), id);
                InTokio::new(driver.handle().clone(), request, wakes.clone())
            },
            |outcome| {
                outcomes.insert(outcome.id, outcome);
            },
        ));
        for id in [1, 2, 3] {
            assert_eq!(outcomes[&id].todo(), Some(&todo_for(id)));
        }
        assert_eq!(error(&outcomes[&4]).status().map(|s| s.as_u16()), Some(500));
        // Our tasks waited on sockets that tokio's driver watched, so it was
        // tokio's thread that woke them.
        assert!(wakes.from_driver.load(Ordering::Relaxed) > 0);
    });
}

/// A task aborted before it finished (as the deadline exercise does) is
/// reported as cancelled: it did not panic, and the report must not say so.
#[test]
fn a_cancelled_task_is_reported_as_cancelled_not_as_a_panic() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let mut tasks = Tasks::new();
        let outcome = runtime.block_on(async {
            let mut set = JoinSet::new();
            let task = set.spawn(async {
                std::future::pending::<()>().await;
                (7, Duration::ZERO, Ok::<Todo, FetchError>(todo_for(7)))
            });
            tasks.insert(task, 7);
            set.abort_all();
            let joined = set.join_next_with_id().await.expect("one task in the set");
            tasks.outcome(joined)
        });
        assert_eq!(outcome.id, 7);
        assert!(
            matches!(&outcome.ended, Ended::Cancelled),
            "a cancelled task reported as {:?}",
            outcome.ended
        );
        let mut report = Report::quiet();
        report.record(&outcome);
        assert_eq!(report.panicked(), 0, "a cancelled task counted as a panic");
        assert_eq!(report.cancelled(), 1);
        assert!(report
            .to_string()
            .starts_with("1 fetches: 0 ok, 0 failed, 0 panicked, 1 cancelled, in "));
    });
}
