//! What the LIFO slot changes, counted: a task that wakes another and
//! waits for its answer (a ping-pong over a channel), on a worker whose
//! queue also holds 100 tasks that keep yielding.
//!
//! Run it once Exercise 4.1 passes:
//! `cargo run -p ch04-exercises --example lifo_order` (or add
//! `--features solution` to see the reference solution's numbers).

use std::collections::VecDeque;

use ch04_exercises::lifo_slot::LifoQueue;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Task {
    Ping,
    Pong,
    /// A task that yields and runs again later.
    Busy,
}

/// A worker's queue: where a woken task and a yielding task go, and what
/// runs next.
trait RunQueue {
    fn wake(&mut self, task: Task);
    fn yield_back(&mut self, task: Task);
    fn next(&mut self) -> Option<Task>;
}

/// Chapter 4's local queue: first in, first out.
struct Fifo(VecDeque<Task>);

impl RunQueue for Fifo {
    fn wake(&mut self, task: Task) {
        self.0.push_back(task);
    }
    fn yield_back(&mut self, task: Task) {
        self.0.push_back(task);
    }
    fn next(&mut self) -> Option<Task> {
        self.0.pop_front()
    }
}

impl RunQueue for LifoQueue<Task> {
    fn wake(&mut self, task: Task) {
        self.push_lifo(task);
    }
    fn yield_back(&mut self, task: Task) {
        self.push_back(task);
    }
    fn next(&mut self) -> Option<Task> {
        self.pop()
    }
}

/// Runs until `round_trips` pings have been answered; returns the polls of
/// busy tasks in between, on average per round trip.
fn busy_polls_per_round_trip(queue: &mut impl RunQueue, round_trips: u32) -> f64 {
    for _ in 0..100 {
        queue.yield_back(Task::Busy);
    }
    queue.wake(Task::Ping);
    let (mut answered, mut busy_polls) = (0, 0u64);
    while answered < round_trips {
        match queue.next().expect("the ping-pong never ends") {
            Task::Ping => queue.wake(Task::Pong),
            Task::Pong => {
                answered += 1;
                queue.wake(Task::Ping);
            }
            Task::Busy => {
                busy_polls += 1;
                queue.yield_back(Task::Busy);
            }
        }
    }
    busy_polls as f64 / f64::from(round_trips)
}

fn main() {
    let round_trips = 10_000;
    let fifo = busy_polls_per_round_trip(&mut Fifo(VecDeque::new()), round_trips);
    let lifo = busy_polls_per_round_trip(&mut LifoQueue::new(), round_trips);
    println!("polls of other tasks per ping-pong round trip ({round_trips} round trips, 100 other tasks):");
    println!("  FIFO local queue: {fifo:6.1}");
    println!("  with a LIFO slot: {lifo:6.1}");
}
