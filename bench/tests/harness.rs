//! The harness measures what it claims to: every workload runs on every
//! runtime, and a runtime that loses or never runs tasks is reported as
//! failed or hung instead of being timed.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use bench::adapter::Runtime;
use bench::harness::{self, Cell, Entry, Plan};
use bench::workloads::{Sizes, Workload};

fn quick_plan(timeout: Duration) -> Plan {
    Plan {
        workers: 2,
        warmup: 0,
        samples: 1,
        sizes: Sizes::QUICK,
        timeout,
    }
}

#[test]
fn every_workload_runs_on_every_registered_runtime() {
    testkit::with_timeout(Duration::from_secs(120), || {
        let entries = bench::registry();
        let plan = quick_plan(Duration::from_secs(30));
        for workload in Workload::ALL {
            let cells = harness::measure(&entries, workload, &plan, &mut |_| {});
            for (entry, cell) in entries.iter().zip(&cells) {
                match cell {
                    Cell::Samples(samples) => {
                        assert_eq!(samples.len(), 1, "{} on {}", workload.name(), entry.name)
                    }
                    Cell::NotRun => assert!(
                        workload.needs_tcp() && !entry.has_tcp,
                        "{} skipped {}",
                        entry.name,
                        workload.name()
                    ),
                    other => panic!(
                        "{} on {}: {}",
                        workload.name(),
                        entry.name,
                        harness::describe(other)
                    ),
                }
            }
        }
        let names: Vec<&str> = entries.iter().map(|e| e.name).collect();
        assert!(
            names.contains(&"tokio") && names.contains(&"ch03"),
            "{names:?}"
        );
    });
}

/// A broken runtime: `spawn` drops the task without running it.
struct DropsTasks;

impl Runtime for DropsTasks {
    const NAME: &'static str = "drops-tasks";
    fn new(_workers: usize) -> Self {
        DropsTasks
    }
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        futures_lite::future::block_on(future)
    }
    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(future);
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

/// Another broken runtime: `spawn` keeps the task but never polls it, so
/// whoever waits for it waits forever.
struct ForgetsTasks;

static FORGOTTEN: Mutex<Vec<std::pin::Pin<Box<dyn Future<Output = ()> + Send>>>> =
    Mutex::new(Vec::new());

impl Runtime for ForgetsTasks {
    const NAME: &'static str = "forgets-tasks";
    fn new(_workers: usize) -> Self {
        ForgetsTasks
    }
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        futures_lite::future::block_on(future)
    }
    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        FORGOTTEN
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Box::pin(future));
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

#[test]
fn a_runtime_that_loses_tasks_is_reported_failed_not_timed() {
    testkit::timeout(|| {
        let entries = [Entry::new::<DropsTasks>()];
        let cells = harness::measure(
            &entries,
            Workload::SpawnMany,
            &quick_plan(Duration::from_secs(10)),
            &mut |_| {},
        );
        match &cells[0] {
            Cell::Failed(message) => assert!(message.contains("spawn_many"), "{message}"),
            other => panic!("expected a failure, got {}", harness::describe(other)),
        }
    });
}

#[test]
fn a_runtime_that_never_runs_tasks_is_reported_hung() {
    testkit::timeout(|| {
        let entries = [
            Entry::new::<ForgetsTasks>(),
            Entry::new::<bench::adapter::Tokio>(),
        ];
        let mut reported = Vec::new();
        let cells = harness::measure(
            &entries,
            Workload::ChainedSpawn,
            &quick_plan(Duration::from_millis(500)),
            &mut |line| reported.push(line.to_string()),
        );
        assert!(
            matches!(cells[0], Cell::Hung(_)),
            "{}",
            harness::describe(&cells[0])
        );
        assert!(
            matches!(&cells[1], Cell::Samples(s) if s.len() == 1),
            "the healthy runtime still ran"
        );
        assert!(
            reported
                .iter()
                .any(|line| line.contains("forgets-tasks") && line.contains("HUNG")),
            "{reported:?}"
        );
    });
}
