//! Tests for Exercise 5.1 (steal_busiest). Run them with
//! `cargo test -p ch05-exercises --test steal_busiest`.

use std::cell::RefCell;
use std::collections::VecDeque;

use ch05_exercises::steal_busiest::{steal_busiest, Sibling};
use crossbeam_deque::{Steal, Stealer, Worker};

/// Real deques holding `lens[i]` tasks each; task ids say whose they are
/// (worker `i`'s tasks are `i * 1000 ..`).
fn deques(lens: &[usize]) -> (Vec<Worker<usize>>, Vec<Stealer<usize>>) {
    let workers: Vec<Worker<usize>> = lens
        .iter()
        .enumerate()
        .map(|(i, &len)| {
            let worker = Worker::new_fifo();
            (0..len).for_each(|n| worker.push(i * 1000 + n));
            worker
        })
        .collect();
    let stealers = workers.iter().map(Worker::stealer).collect();
    (workers, stealers)
}

#[test]
fn the_busiest_sibling_is_the_victim() {
    let (_workers, stealers) = deques(&[3, 10, 5, 0]);
    let dest = Worker::new_fifo();
    let (task, victim) = steal_busiest(&stealers, 3, &dest).expect("three siblings hold tasks");
    assert_eq!(victim, 1, "worker 1 holds 10 tasks, more than 0 and 2");
    assert_eq!(task / 1000, 1, "the task returned came from worker 1");
    assert!(
        !dest.is_empty(),
        "a thief takes a batch, not a single task: use steal_batch_and_pop"
    );
}

#[test]
fn a_tie_goes_to_the_lower_index() {
    let (_workers, stealers) = deques(&[0, 4, 4]);
    let dest = Worker::new_fifo();
    let stolen = steal_busiest(&stealers, 0, &dest);
    assert_eq!(stolen.map(|(_, victim)| victim), Some(1));
}

#[test]
fn a_worker_never_steals_from_itself() {
    let (_workers, stealers) = deques(&[2, 10, 1]);
    let dest = Worker::new_fifo();
    let stolen = steal_busiest(&stealers, 1, &dest);
    assert_eq!(
        stolen.map(|(_, victim)| victim),
        Some(0),
        "worker 1 is the thief: its own deque is not a sibling's"
    );
}

#[test]
fn nothing_anywhere_is_none() {
    let (_workers, stealers) = deques(&[0, 0, 0]);
    assert!(steal_busiest(&stealers, 2, &Worker::new_fifo()).is_none());
}

/// A sibling whose steals answer as the test says, to stage lost races.
struct Staged {
    len: usize,
    answers: RefCell<VecDeque<Steal<usize>>>,
}

impl Staged {
    fn new(len: usize, answers: impl IntoIterator<Item = Steal<usize>>) -> Staged {
        Staged {
            len,
            answers: RefCell::new(answers.into_iter().collect()),
        }
    }
}

impl Sibling<usize> for Staged {
    fn len(&self) -> usize {
        self.len
    }

    fn steal_batch_and_pop(&self, _dest: &Worker<usize>) -> Steal<usize> {
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Steal::Empty)
    }
}

#[test]
fn a_steal_that_lost_a_race_is_tried_again() {
    // Sibling 0 holds tasks, but the first steal loses a race with another
    // thief (`Retry`). The tasks are still there: the next try gets one.
    let siblings = [
        Staged::new(5, [Steal::Retry, Steal::Success(7)]),
        Staged::new(0, []),
    ];
    let stolen = steal_busiest(&siblings, 1, &Worker::new_fifo());
    assert_eq!(
        stolen,
        Some((7, 0)),
        "Steal::Retry does not mean empty: after the round, look again"
    );
}

#[test]
fn a_sibling_emptied_since_we_looked_is_passed_over() {
    // Sibling 0 looked busiest, but other thieves emptied it before our
    // steal: the next busiest still has a task.
    let siblings = [
        Staged::new(10, [Steal::Empty]),
        Staged::new(2, [Steal::Success(3)]),
        Staged::new(0, []),
    ];
    let stolen = steal_busiest(&siblings, 2, &Worker::new_fifo());
    assert_eq!(
        stolen,
        Some((3, 1)),
        "the busiest sibling was empty by the time we stole: try the next"
    );
}

#[test]
fn four_thieves_take_every_task_exactly_once() {
    testkit::timeout(|| {
        let (workers, stealers) = deques(&[0, 0, 0, 0, 20_000]);
        drop(workers);
        let stealers = std::sync::Arc::new(stealers);
        let thieves: Vec<_> = (0..4)
            .map(|me| {
                let stealers = stealers.clone();
                std::thread::spawn(move || {
                    let own = Worker::new_fifo();
                    let mut taken = Vec::new();
                    loop {
                        let next = own
                            .pop()
                            .or_else(|| steal_busiest(&stealers, me, &own).map(|(task, _)| task));
                        match next {
                            Some(task) => taken.push(task),
                            None => return taken,
                        }
                    }
                })
            })
            .collect();
        let mut all: Vec<usize> = thieves
            .into_iter()
            .flat_map(|t| t.join().expect("a thief panicked"))
            .collect();
        all.sort_unstable();
        let expected: Vec<usize> = (4000..24_000).collect();
        assert!(
            all == expected,
            "{} tasks taken, expected each of the 20,000 exactly once",
            all.len()
        );
    })
}
