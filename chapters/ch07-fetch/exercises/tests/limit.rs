//! Tests for Exercise 7.1 (limit).

use std::collections::BTreeSet;
use std::future::poll_fn;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use ch07_exercises::limit::fetch_limited;
use ch07_fetch::report::{Ended, Outcome};
use ch07_fetch::todos::todo_for;
use ch07_fetch::{Runtime, Todo};

/// Fake fetches that count how many run at once. Each one waits until
/// `limit` are running (or no more will start), so a version that runs
/// fewer than `limit` at a time never finishes and the test times out,
/// and one that runs more is caught by `max`. No clocks involved.
#[derive(Default)]
struct Flight {
    running: usize,
    started: usize,
    max: usize,
    waiting: Vec<Waker>,
}

fn run(ids: Vec<u64>, limit: usize) -> (Vec<Outcome<String>>, usize) {
    let flight = Arc::new(Mutex::new(Flight::default()));
    let total = ids.len();
    let runtime = Runtime::new(2);
    let mut outcomes = Vec::new();
    runtime.block_on(fetch_limited(
        &ids,
        limit,
        |id| {
            let flight = flight.clone();
            async move {
                {
                    let mut f = flight.lock().unwrap();
                    f.running += 1;
                    f.started += 1;
                    f.max = f.max.max(f.running);
                }
                poll_fn(|cx| {
                    let mut f = flight.lock().unwrap();
                    if f.running >= limit.min(total) || f.started == total {
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
                flight.lock().unwrap().running -= 1;
                Ok::<Todo, String>(todo_for(id))
            }
        },
        |outcome| outcomes.push(outcome),
    ));
    let max = flight.lock().unwrap().max;
    (outcomes, max)
}

fn ids_of(outcomes: &[Outcome<String>]) -> BTreeSet<u64> {
    outcomes.iter().map(|o| o.id).collect()
}

#[test]
fn never_more_than_the_limit_and_the_limit_is_used() {
    let (outcomes, max) = testkit::timeout(|| run((1..=40).collect(), 4));
    assert_eq!(max, 4, "at most 4 at once, and 4 whenever there is work");
    assert_eq!(outcomes.len(), 40);
    assert_eq!(ids_of(&outcomes), (1..=40).collect());
    for outcome in &outcomes {
        assert_eq!(outcome.todo(), Some(&todo_for(outcome.id)));
    }
}

#[test]
fn a_limit_of_one_is_sequential() {
    let (outcomes, max) = testkit::timeout(|| run(vec![5, 3, 9, 1], 1));
    assert_eq!(max, 1);
    let order: Vec<u64> = outcomes.iter().map(|o| o.id).collect();
    assert_eq!(order, vec![5, 3, 9, 1]);
}

#[test]
fn a_limit_above_the_number_of_ids_runs_them_all_at_once() {
    let (outcomes, max) = testkit::timeout(|| run((1..=5).collect(), 100));
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
