//! The timeline recorder. Its own test binary: tracing is global to the
//! process, so a test running beside it would add its events.
#![cfg(not(loom))] // Plain threads and real time: nothing for loom to model.

use ch03_global_queue::trace::{self, Kind};
use ch03_global_queue::{yield_now, Runtime};

#[test]
fn the_trace_records_every_poll_on_the_worker_that_made_it() {
    let (events, stats) = testkit::timeout(|| {
        trace::enable();
        let rt = Runtime::new(2);
        let handles: Vec<_> = (0..20)
            .map(|_| {
                rt.spawn(async {
                    yield_now().await;
                })
            })
            .collect();
        rt.block_on(async move {
            for handle in handles {
                handle.await.expect("a task failed");
            }
        });
        (trace::take(), rt.stats())
    });
    assert!(!trace::is_enabled(), "take() stops the recording");
    assert_eq!(stats.len(), 2);
    for (worker, counted) in stats.iter().enumerate() {
        let polls = events
            .iter()
            .filter(|e| e.worker == worker && e.kind == Kind::Poll)
            .count() as u64;
        assert_eq!(polls, counted.polls, "worker {worker}");
    }
    // Task ids run 1..=20, each polled twice.
    for id in 1..=20 {
        let polls = events
            .iter()
            .filter(|e| e.task == id && e.kind == Kind::Poll)
            .count();
        assert_eq!(polls, 2, "task {id}");
    }
    assert!(
        events.windows(2).all(|w| w[0].at_nanos <= w[1].at_nanos),
        "oldest first"
    );
    let picture = trace::render(&events, 2, 30);
    assert!(
        picture.starts_with("worker 0 |") && picture.contains("\nworker 1 |"),
        "{picture}"
    );
}
