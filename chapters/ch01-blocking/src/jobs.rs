//! Three jobs that block, run one after another and then one per thread.

use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

// ANCHOR: job
/// A job that blocks its thread for `duration`, standing in for a slow read
/// from a disk or a socket: the thread can do nothing else meanwhile.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    pub name: &'static str,
    pub duration: Duration,
}

/// When a job ran, measured from the moment the whole batch started, and on
/// which thread.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub name: &'static str,
    pub start: Duration,
    pub end: Duration,
    pub thread: ThreadId,
}
// ANCHOR_END: job

impl Job {
    // ANCHOR: no_import
    /// A job that blocks for `millis` milliseconds.
    ///
    /// `Duration::from_millis` (like `from_secs`) is an associated function:
    /// it belongs to the type `Duration`. `use` can import the items of a
    /// module (and the variants of an enum) but not the associated functions
    /// of a type, so they are called through the type. Importing one is a
    /// compile error, which `cargo test` checks:
    ///
    /// ```compile_fail,E0432
    /// use std::time::Duration::from_secs; // `Duration` is a struct, not a module
    /// std::thread::sleep(from_secs(3));
    /// ```
    // ANCHOR_END: no_import
    pub const fn new(name: &'static str, millis: u64) -> Self {
        Job {
            name,
            duration: Duration::from_millis(millis),
        }
    }

    // ANCHOR: job_run
    /// Runs the job on the calling thread. `batch_start` is shared by every
    /// job of a batch so that their spans can be compared.
    pub fn run(&self, batch_start: Instant) -> Span {
        let start = batch_start.elapsed();
        // `sleep` blocks: the OS takes this thread off the CPU until the time
        // is up, and nothing else can use the thread in the meantime.
        thread::sleep(self.duration);
        Span {
            name: self.name,
            start,
            end: batch_start.elapsed(),
            thread: thread::current().id(),
        }
    }
    // ANCHOR_END: job_run
}

// ANCHOR: sequential
/// Runs the jobs one after another on the calling thread. Each job waits for
/// the one before it, so the batch takes the sum of their durations.
pub fn run_sequentially(jobs: &[Job]) -> Vec<Span> {
    let batch_start = Instant::now();
    jobs.iter().map(|job| job.run(batch_start)).collect()
}
// ANCHOR_END: sequential

// ANCHOR: threads
/// Runs every job on a thread of its own. The jobs block at the same time,
/// so the batch takes about as long as the longest job.
pub fn run_on_threads(jobs: &[Job]) -> Vec<Span> {
    let batch_start = Instant::now();
    // Scoped threads may borrow `jobs`, and the scope joins them all before
    // it returns: no thread can outlive the data it reads.
    thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| scope.spawn(move || job.run(batch_start)))
            .collect();
        handles
            .into_iter()
            // `join` fails only if the job panicked; pass that panic on.
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}
// ANCHOR_END: threads

#[cfg(test)]
mod tests {
    use super::*;

    const JOBS: [Job; 3] = [Job::new("a", 30), Job::new("b", 20), Job::new("c", 10)];

    #[test]
    fn sequential_jobs_run_in_order_on_the_calling_thread() {
        let spans = run_sequentially(&JOBS);
        let names: Vec<_> = spans.iter().map(|s| s.name).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let me = thread::current().id();
        assert!(spans.iter().all(|s| s.thread == me));
        // One thread can only do one thing at a time: each job starts after
        // the previous one ended.
        for pair in spans.windows(2) {
            assert!(pair[1].start >= pair[0].end, "{pair:?} overlap");
        }
    }

    #[test]
    fn threaded_jobs_each_get_their_own_thread() {
        let spans = run_on_threads(&JOBS);
        let names: Vec<_> = spans.iter().map(|s| s.name).collect();
        assert_eq!(names, ["a", "b", "c"], "results come back in input order");
        let me = thread::current().id();
        let mut threads: Vec<_> = spans.iter().map(|s| s.thread).collect();
        assert!(threads.iter().all(|&t| t != me));
        threads.sort_by_key(|t| format!("{t:?}"));
        threads.dedup();
        assert_eq!(threads.len(), 3, "three jobs, three distinct threads");
    }

    #[test]
    fn a_job_blocks_for_at_least_its_duration() {
        // `sleep` guarantees a lower bound, never an upper one, so this is the
        // only timing fact a test can rely on.
        let span = Job::new("x", 5).run(Instant::now());
        assert!(span.end - span.start >= Duration::from_millis(5));
    }
}
