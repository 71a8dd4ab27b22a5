//! The chapter's workload, reused by chapter 5: one task, spawned from
//! outside the runtime, fans out into many CPU-bound subtasks from inside
//! a worker, and waits for all of them.
//!
//! It only uses the free `spawn`, so it runs on any chapter's runtime.

use std::fmt;
use std::time::{Duration, Instant};

use ch03_global_queue::runtime::Runtime;
use ch03_global_queue::{spawn, trace, Schedule, WorkerStats};

/// How many subtasks the parent task spawns.
pub const SUBTASKS: u64 = 200;

/// Rounds of [`compute`] per subtask: about a millisecond of arithmetic on
/// the 2-core machine the book's numbers come from.
pub const ROUNDS: u64 = 500_000;

// ANCHOR: workload
/// CPU-bound work that the optimizer cannot skip: xorshift rounds. Never a
/// sleep: a sleeping task would free its worker, and the point is to keep
/// the worker busy.
pub fn compute(seed: u64, rounds: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..std::hint::black_box(rounds) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// Spawns `subtasks` subtasks from inside a task, so they are scheduled
/// from a worker thread, and waits for them all.
pub async fn fan_out(subtasks: u64, rounds: u64) -> u64 {
    let handles: Vec<_> = (0..subtasks)
        .map(|seed| spawn(async move { compute(seed, rounds) }))
        .collect();
    let mut checksum = 0;
    for handle in handles {
        checksum ^= handle.await.expect("a subtask panicked");
    }
    checksum
}
// ANCHOR_END: workload

/// What one run measured.
pub struct Report {
    pub name: &'static str,
    pub elapsed: Duration,
    pub stats: Vec<WorkerStats>,
    pub checksum: u64,
    /// The timeline, when the run was traced.
    pub timeline: Option<String>,
}

// ANCHOR: run
/// Runs the workload once on a fresh `workers`-thread runtime scheduled by
/// `S`: the parent task is spawned from `block_on`'s thread, which is not a
/// worker, so it enters through the global queue; its subtasks are spawned
/// on whichever worker runs it.
pub fn run<S: Schedule>(name: &'static str, workers: usize, traced: bool) -> Report {
    let rt = Runtime::<S>::new(workers);
    if traced {
        trace::enable();
    }
    let started = Instant::now();
    let checksum = rt
        .block_on(async { spawn(fan_out(SUBTASKS, ROUNDS)).await })
        .expect("the parent task panicked");
    let elapsed = started.elapsed();
    let timeline = traced.then(|| trace::render(&trace::take(), workers, 64));
    Report {
        name,
        elapsed,
        stats: rt.stats(),
        checksum,
        timeline,
    }
}
// ANCHOR_END: run

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {:.1} ms",
            self.name,
            self.elapsed.as_secs_f64() * 1e3
        )?;
        for stats in &self.stats {
            writeln!(f, "  {stats}")?;
        }
        if let Some(timeline) = &self.timeline {
            for line in timeline.lines() {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

/// A line for the top of a demo's output when it was built without
/// optimizations: its wall times then measure the unoptimized arithmetic
/// more than the scheduler.
pub fn debug_build_note(package: &str) -> Option<String> {
    cfg!(debug_assertions).then(|| {
        format!(
            "note: a debug build; each subtask takes several times longer than 1 ms.\n\
             For the book's numbers: cargo run --release -p {package}\n"
        )
    })
}

/// The demo binaries' command line: no arguments, or `--trace`.
pub fn parse_args() -> Result<bool, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(false),
        [flag] if flag == "--trace" => Ok(true),
        _ => Err(format!(
            "unexpected arguments {args:?}\nusage: [--trace]   (--trace draws a timeline of what ran where)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_depends_on_its_seed_and_its_rounds() {
        assert_ne!(compute(1, 10), compute(2, 10));
        assert_ne!(compute(1, 10), compute(1, 11));
    }
}
