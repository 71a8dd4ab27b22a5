//! Tests for Exercise 7.3 (deadline). Run them with
//! `cargo test -p ch07-exercises --test deadline`.

use std::future::pending;
use std::sync::mpsc;
use std::time::Duration;

use ch07_exercises::deadline::fetch_all_within;
use ch07_fetch::fetch::fetch_todo;
use ch07_fetch::server::{BackgroundServer, Delay, Fault, ServerConfig};
use ch07_fetch::todos::todo_for;
use ch07_fetch::{time, Client, Runtime, Todo, Url};

/// Sends on its channel when dropped: proof that a task's future is gone.
struct Dropped(mpsc::Sender<u64>, u64);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.send(self.1);
    }
}

#[test]
fn late_tasks_are_named_and_aborted_and_the_rest_reported() {
    testkit::within(
        Duration::from_secs(10),
        "tasks 2 and 4 never finish, and they were not aborted at the deadline",
        || {
            let runtime = Runtime::new(2);
            let (dropped, drops) = mpsc::channel();
            let mut reported = Vec::new();
            let late = runtime.block_on(fetch_all_within(
                &[1, 2, 3, 4, 5],
                Duration::from_millis(1500),
                |id| {
                    let token = Dropped(dropped.clone(), id);
                    async move {
                        let _token = token;
                        if id == 2 || id == 4 {
                            // Never finishes.
                            pending::<()>().await;
                        }
                        Ok::<Todo, String>(todo_for(id))
                    }
                },
                |outcome| reported.push(outcome.id),
            ));
            assert_eq!(late, vec![2, 4]);
            reported.sort();
            assert_eq!(reported, vec![1, 3, 5]);
            // All five futures are dropped while the runtime still runs: the
            // late ones because they were aborted.
            let mut gone: Vec<u64> = (0..5).map(|_| drops.recv().unwrap()).collect();
            gone.sort();
            assert_eq!(gone, vec![1, 2, 3, 4, 5]);
        },
    );
}

#[test]
fn nothing_is_late_when_everything_finishes() {
    testkit::timeout(|| {
        let runtime = Runtime::new(1);
        let mut reported = 0;
        let late = runtime.block_on(fetch_all_within(
            &[1, 2, 3],
            Duration::from_secs(10),
            |id| async move { Ok::<Todo, String>(todo_for(id)) },
            |_| reported += 1,
        ));
        assert!(late.is_empty());
        assert_eq!(reported, 3);
    });
}

#[test]
fn silent_servers_are_cut_off_at_the_deadline() {
    testkit::within(
        Duration::from_secs(10),
        "the batch outlived its 2 s deadline",
        || {
            let server = BackgroundServer::start(ServerConfig {
                todos: 10,
                delay: Delay::Fixed(Duration::ZERO),
                faults: [(1, Fault::Silent), (6, Fault::Silent)]
                    .into_iter()
                    .collect(),
            })
            .unwrap();
            let base = Url::parse(&server.url()).unwrap();
            // The client alone would wait a minute; the batch deadline is shorter.
            let client = Client {
                timeout: Duration::from_secs(60),
                ..Client::default()
            };
            let runtime = Runtime::new(2);
            let mut todos = Vec::new();
            let late = runtime.block_on(fetch_all_within(
                &(1..=8).collect::<Vec<_>>(),
                Duration::from_millis(2000),
                |id| fetch_todo(client.clone(), base.clone(), id),
                |outcome| todos.extend(outcome.todo().cloned()),
            ));
            assert_eq!(late, vec![1, 6]);
            todos.sort_by_key(|t| t.id);
            let expected: Vec<Todo> = [2, 3, 4, 5, 7, 8].map(todo_for).into();
            assert_eq!(todos, expected);
        },
    );
}

#[test]
fn the_deadline_counts_from_the_start_not_from_the_last_result() {
    testkit::within(Duration::from_secs(10), "the batch did not end", || {
        // Task k finishes k * 100 ms after the start: one result every
        // 100 ms, for 3 s. A deadline of 1 s for the batch cuts that off
        // after about ten results; a deadline that starts again after each
        // result never fires.
        let runtime = Runtime::new(2);
        let ids: Vec<u64> = (1..=30).collect();
        let mut reported = Vec::new();
        let late = runtime.block_on(fetch_all_within(
            &ids,
            Duration::from_secs(1),
            |id| async move {
                time::sleep(Duration::from_millis(100 * id)).await;
                Ok::<Todo, String>(todo_for(id))
            },
            |outcome| reported.push(outcome.id),
        ));
        assert!(
            late.contains(&30),
            "task 30 finishes 3 s after the start, long after the 1 s \
             deadline, yet it was not late; late: {late:?}. The deadline \
             is for the whole batch, so compute it once, before the loop"
        );
        let mut sorted = late.clone();
        sorted.sort_unstable();
        assert_eq!(late, sorted, "the late ids, sorted");
        let mut all: Vec<u64> = reported.iter().chain(&late).copied().collect();
        all.sort_unstable();
        assert_eq!(all, ids, "every task is either reported or late, once");
    });
}
