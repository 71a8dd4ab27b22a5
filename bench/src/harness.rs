//! Runs the workloads on every runtime, a sample at a time, with a timeout on
//! each sample.
//!
//! For one workload, every runtime is started on its own driver thread and
//! kept alive; the harness then asks each in turn for one sample, round after
//! round. Interleaving the runtimes this way spreads a noisy moment on the
//! machine over all of them, instead of over whichever ran at that moment.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::adapter::{Runtime, Tcp};
use crate::workloads::{self, Outcome, Sizes, Workload};

/// How to measure.
#[derive(Debug, Clone)]
pub struct Plan {
    pub workers: usize,
    /// Iterations run and thrown away before the samples, on the same runtime.
    pub warmup: usize,
    pub samples: usize,
    pub sizes: Sizes,
    /// The longest one iteration may take before the runtime counts as hung.
    pub timeout: Duration,
}

/// Per-worker counter lines, `None` for a runtime that keeps none.
pub type WorkerStatsResult = Result<Option<Vec<String>>, String>;

/// One runtime the harness can measure.
pub struct Entry {
    pub name: &'static str,
    pub has_tcp: bool,
    start: fn(Workload, &Plan) -> Driver,
    stats: fn(Workload, &Plan) -> WorkerStatsResult,
}

impl Entry {
    /// A runtime that runs the scheduler workloads.
    pub fn new<R: Runtime>() -> Entry {
        Entry {
            name: R::NAME,
            has_tcp: false,
            start: |workload, plan| Driver::start::<R>(workload, plan, workloads::run::<R>),
            stats: |workload, plan| worker_stats::<R>(workload, plan, workloads::run::<R>),
        }
    }

    /// A runtime that also runs the TCP workloads.
    pub fn with_tcp<R: Tcp>() -> Entry {
        Entry {
            name: R::NAME,
            has_tcp: true,
            start: |workload, plan| {
                Driver::start::<R>(workload, plan, workloads::run_with_tcp::<R>)
            },
            stats: |workload, plan| worker_stats::<R>(workload, plan, workloads::run_with_tcp::<R>),
        }
    }

    pub fn runs(&self, workload: Workload) -> bool {
        self.has_tcp || !workload.needs_tcp()
    }

    /// Runs one iteration on a fresh runtime and returns its per-worker
    /// counters (`None` for runtimes that keep none), within `plan.timeout`.
    pub fn worker_stats(&self, workload: Workload, plan: &Plan) -> WorkerStatsResult {
        let (done, result) = mpsc::channel();
        let (stats, limit, plan) = (self.stats, plan.timeout, plan.clone());
        thread::spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| stats(workload, &plan)))
                .unwrap_or_else(|panic| Err(format!("panicked: {}", panic_text(panic.as_ref()))));
            let _ = done.send(outcome);
        });
        result
            .recv_timeout(limit)
            .unwrap_or_else(|_| Err(format!("hung: no result within {limit:?}")))
    }
}

fn worker_stats<R: Runtime>(
    workload: Workload,
    plan: &Plan,
    run: fn(&R, Workload, &Sizes) -> Outcome,
) -> WorkerStatsResult {
    let runtime = R::new(plan.workers);
    run(&runtime, workload, &plan.sizes)?;
    Ok(runtime.worker_stats())
}

/// What the harness learned about one runtime on one workload.
#[derive(Debug, Clone)]
pub enum Cell {
    /// The time of each sample, in the order taken.
    Samples(Vec<Duration>),
    /// The workload reported missing work, or panicked.
    Failed(String),
    /// One iteration did not finish within the plan's timeout.
    Hung(Duration),
    /// The runtime has no TCP.
    NotRun,
}

impl Cell {
    pub fn is_failure(&self) -> bool {
        matches!(self, Cell::Failed(_) | Cell::Hung(_))
    }
}

/// A thread that owns one runtime and runs one iteration per request.
struct Driver {
    requests: mpsc::Sender<()>,
    replies: mpsc::Receiver<Result<Duration, String>>,
    thread: thread::JoinHandle<()>,
}

impl Driver {
    fn start<R: Runtime>(
        workload: Workload,
        plan: &Plan,
        run: fn(&R, Workload, &Sizes) -> Outcome,
    ) -> Driver {
        let (requests, requested) = mpsc::channel::<()>();
        let (reply, replies) = mpsc::channel();
        let (workers, sizes) = (plan.workers, plan.sizes);
        let thread = thread::Builder::new()
            .name(format!("bench-{}", R::NAME))
            .spawn(move || {
                let runtime = R::new(workers);
                while requested.recv().is_ok() {
                    let start = Instant::now();
                    let outcome =
                        catch_unwind(AssertUnwindSafe(|| run(&runtime, workload, &sizes)));
                    let elapsed = start.elapsed();
                    let result = match outcome {
                        Ok(Ok(())) => Ok(elapsed),
                        Ok(Err(missing)) => Err(missing),
                        Err(panic) => Err(format!("panicked: {}", panic_text(panic.as_ref()))),
                    };
                    if reply.send(result).is_err() {
                        break;
                    }
                }
                // The requests channel closed: dropping the runtime here
                // shuts it down, and the harness times that too.
            })
            .expect("the OS refused to start a driver thread");
        Driver {
            requests,
            replies,
            thread,
        }
    }

    fn sample(&self, timeout: Duration) -> Result<Duration, Cell> {
        if self.requests.send(()).is_err() {
            return Err(Cell::Failed("the runtime panicked while starting".into()));
        }
        match self.replies.recv_timeout(timeout) {
            Ok(Ok(elapsed)) => Ok(elapsed),
            Ok(Err(message)) => Err(Cell::Failed(message)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Cell::Hung(timeout)),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(Cell::Failed("the runtime panicked while starting".into()))
            }
        }
    }

    /// Closes the runtime; an error if its shutdown does not finish in time.
    fn stop(self, timeout: Duration) -> Result<(), String> {
        drop(self.requests);
        let (joined, join_done) = mpsc::channel();
        let thread = self.thread;
        // A join cannot time out, so a helper joins and reports.
        thread::spawn(move || {
            let _ = joined.send(thread.join().is_ok());
        });
        match join_done.recv_timeout(timeout) {
            Ok(true) => Ok(()),
            Ok(false) => Err("the runtime panicked while shutting down".into()),
            Err(_) => Err(format!("shutting the runtime down took over {timeout:?}")),
        }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Measures one workload on every entry; one [`Cell`] per entry, in order.
/// `progress` is told about each failure as it happens.
pub fn measure(
    entries: &[Entry],
    workload: Workload,
    plan: &Plan,
    progress: &mut dyn FnMut(&str),
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = entries
        .iter()
        .map(|entry| {
            if entry.runs(workload) {
                Cell::Samples(Vec::new())
            } else {
                Cell::NotRun
            }
        })
        .collect();
    let mut drivers: Vec<Option<Driver>> = entries
        .iter()
        .map(|entry| entry.runs(workload).then(|| (entry.start)(workload, plan)))
        .collect();

    // ANCHOR: rounds
    let rounds = plan.warmup + plan.samples;
    for round in 0..rounds {
        // Start each round with a different runtime, so none is always the
        // one that runs right after another's shutdown or allocation burst.
        for k in 0..entries.len() {
            let i = (round + k) % entries.len();
            let Some(driver) = &drivers[i] else { continue };
            match driver.sample(plan.timeout) {
                Ok(elapsed) => {
                    if round >= plan.warmup {
                        if let Cell::Samples(samples) = &mut cells[i] {
                            samples.push(elapsed);
                        }
                    }
                }
                Err(failure) => {
                    progress(&format!(
                        "{} on {}: {}",
                        workload.name(),
                        entries[i].name,
                        describe(&failure)
                    ));
                    cells[i] = failure;
                    if let Some(driver) = drivers[i].take() {
                        if matches!(cells[i], Cell::Hung(_)) {
                            // Its block_on never returns: leave the thread
                            // (and the runtime it owns) behind.
                            std::mem::forget(driver);
                        } else if let Err(e) = driver.stop(plan.timeout) {
                            progress(&format!("{} on {}: {e}", workload.name(), entries[i].name));
                        }
                    }
                }
            }
        }
    }
    // ANCHOR_END: rounds
    for (i, driver) in drivers.into_iter().enumerate() {
        if let Some(driver) = driver {
            if let Err(e) = driver.stop(plan.timeout) {
                progress(&format!("{} on {}: {e}", workload.name(), entries[i].name));
                cells[i] = Cell::Failed(e);
            }
        }
    }
    cells
}

pub fn describe(cell: &Cell) -> String {
    match cell {
        Cell::Samples(samples) => format!("{} samples", samples.len()),
        Cell::Failed(message) => format!("FAILED: {message}"),
        Cell::Hung(limit) => format!("HUNG: one iteration took over {limit:?}"),
        Cell::NotRun => "not run (no TCP)".into(),
    }
}
