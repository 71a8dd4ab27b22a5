//! Tests for Exercise 7.1 (limit). Run them with
//! `cargo test -p ch07-exercises --test limit`.

use std::collections::BTreeSet;
use std::future::poll_fn;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use ch07_exercises::limit::fetch_limited;
use ch07_fetch::report::{Ended, Outcome};
use ch07_fetch::todos::todo_for;
use ch07_fetch::{Runtime, Todo};

/// Fake fetches that count how many are in flight: from the moment
/// `fetch_limited` asks for one (calls the closure) until it finishes. Each
/// one waits until `limit` are in flight (or no more will start), so a
/// version that runs fewer than `limit` at a time never finishes and the
/// test times out, and one that runs more is caught by `max`. No clocks.
#[derive(Default)]
struct Flight {
    in_flight: usize,
    started: usize,
    max: usize,
    waiting: Vec<Waker>,
}

/// Runs `fetch_limited` over fake fetches. It runs as a task on a
/// one-worker runtime, so nothing else runs while it starts fetches: a
/// version that starts too many is caught on every run.
fn run(ids: Vec<u64>, limit: usize) -> (Vec<Outcome<String>>, usize) {
    let flight = Arc::new(Mutex::new(Flight::default()));
    let total = ids.len();
    let runtime = Runtime::new(1);
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let batch = {
        let (flight, outcomes) = (flight.clone(), outcomes.clone());
        runtime.spawn(async move {
            fetch_limited(
                &ids,
                limit,
                |id| {
                    {
                        let mut f = flight.lock().unwrap();
                        f.in_flight += 1;
                        f.started += 1;
                        f.max = f.max.max(f.in_flight);
                    }
                    let flight = flight.clone();
                    async move {
                        poll_fn(|cx| {
                            let mut f = flight.lock().unwrap();
                            if f.in_flight >= limit.min(total) || f.started == total {
                                for waker in f.waiting.drain(..) {
                                    waker.wake();
                                }
                                Poll::Ready(())
                            } else {
                                f.waiting.push(cx.waker().clone());
                                Poll::Pending
                            }
                        })
                        .await;
                        flight.lock().unwrap().in_flight -= 1;
                        Ok::<Todo, String>(todo_for(id))
                    }
                },
                |outcome| outcomes.lock().unwrap().push(outcome),
            )
            .await
        })
    };
    runtime.block_on(batch).expect("the batch task panicked");
    let max = flight.lock().unwrap().max;
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
    (outcomes, max)
}

/// The tests' bound: each fake fetch waits until `limit` are in flight.
fn within_limit<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    testkit::within(
        std::time::Duration::from_secs(10),
        "the fetches wait until `limit` of them are in flight, and fewer \
         ever were: keep `limit` running while ids remain",
        body,
    )
}

fn ids_of(outcomes: &[Outcome<String>]) -> BTreeSet<u64> {
    outcomes.iter().map(|o| o.id).collect()
}

#[test]
fn never_more_than_the_limit_and_the_limit_is_used() {
    let (outcomes, max) = within_limit(|| run((1..=40).collect(), 4));
    assert!(max <= 4, "{max} fetches ran at once; the limit is 4");
    assert_eq!(
        max, 4,
        "never more than 4 at once, but 4 whenever there is work"
    );
    assert_eq!(outcomes.len(), 40);
    assert_eq!(ids_of(&outcomes), (1..=40).collect());
    for outcome in &outcomes {
        assert_eq!(outcome.todo(), Some(&todo_for(outcome.id)));
    }
}

#[test]
fn a_limit_of_one_is_sequential() {
    let (outcomes, max) = within_limit(|| run(vec![5, 3, 9, 1], 1));
    assert_eq!(max, 1);
    let order: Vec<u64> = outcomes.iter().map(|o| o.id).collect();
    assert_eq!(order, vec![5, 3, 9, 1]);
}

#[test]
fn a_limit_above_the_number_of_ids_runs_them_all_at_once() {
    let (outcomes, max) = within_limit(|| run((1..=5).collect(), 100));
    assert_eq!(max, 5);
    assert_eq!(ids_of(&outcomes), (1..=5).collect());
}

#[test]
fn a_panicking_fetch_is_reported_and_the_others_still_run() {
    testkit::timeout(|| {
        let runtime = Runtime::new(2);
        let mut outcomes = Vec::new();
        runtime.block_on(fetch_limited(
            &[1, 2, 3, 4, 5, 6],
            2,
            |id| async move {
                if id == 2 {
                    panic!("no todo 2 today");
                }
                Ok::<Todo, String>(todo_for(id))
            },
            |outcome| outcomes.push(outcome),
        ));
        assert_eq!(outcomes.len(), 6);
        let two = outcomes
            .iter()
            .find(|o| o.id == 2)
            .expect("todo 2 reported");
        assert!(matches!(&two.ended, Ended::Panicked(m) if m == "no todo 2 today"));
        assert_eq!(outcomes.iter().filter(|o| o.todo().is_some()).count(), 5);
    });
}

#[test]
fn a_slow_fetch_does_not_hold_up_the_others() {
    // Fetch 1 finishes only once fetch 6 has started: with a limit of 3,
    // fetches 2 and 3 must make room for 4, 5 and 6 while 1 still runs.
    // Waiting for the whole first batch before starting the next one
    // never gets there.
    let started = Arc::new(Mutex::new((0usize, Vec::<Waker>::new())));
    let outcomes = testkit::within(
        std::time::Duration::from_secs(10),
        "fetch 1 waited for fetch 6 to start, and fetch 6 never started: \
         start the next fetch as soon as any one finishes, not when a \
         whole batch has",
        move || {
            let runtime = Runtime::new(2);
            let mut outcomes = Vec::new();
            runtime.block_on(fetch_limited(
                &[1, 2, 3, 4, 5, 6],
                3,
                |id| {
                    let started = started.clone();
                    async move {
                        {
                            let mut s = started.lock().unwrap();
                            s.0 += 1;
                            s.1.drain(..).for_each(Waker::wake);
                        }
                        if id == 1 {
                            poll_fn(|cx| {
                                let mut s = started.lock().unwrap();
                                if s.0 == 6 {
                                    Poll::Ready(())
                                } else {
                                    s.1.push(cx.waker().clone());
                                    Poll::Pending
                                }
                            })
                            .await;
                        }
                        Ok::<Todo, String>(todo_for(id))
                    }
                },
                |outcome| outcomes.push(outcome.id),
            ));
            outcomes
        },
    );
    let mut ids = outcomes;
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6], "each fetch reported once");
}
