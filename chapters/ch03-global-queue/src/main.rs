//! `cargo run -p ch03-global-queue [-- --trace]`
//!
//! Runs a handful of tasks on a 2-worker runtime and shows what it did: where
//! each task finished, each worker's counters, a panicking task, and what
//! dropping the runtime does to tasks that never finished. `--trace` also
//! draws which worker polled which task, over time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use ch03_global_queue::{spawn, trace, yield_now, Runtime};

const WORKERS: usize = 2;
const TASKS: u64 = 6;
/// Each task's work is cut in this many slices, with a `yield_now` between two.
const SLICES: u64 = 4;
const SLICE_LEN: u64 = 2_500;

// ANCHOR: work
/// Counts the primes in the `task`-th range, one slice at a time. Between
/// two slices it yields, so the other queued tasks get a turn on the worker.
async fn count_primes(task: u64) -> u64 {
    let first = (task - 1) * SLICES * SLICE_LEN;
    let mut primes = 0;
    for slice in 0..SLICES {
        if slice > 0 {
            yield_now().await;
        }
        let start = first + slice * SLICE_LEN;
        primes += (start..start + SLICE_LEN).filter(|&n| is_prime(n)).count() as u64;
    }
    let worker = std::thread::current();
    println!(
        "   task {task} finished on {}",
        worker.name().unwrap_or("?")
    );
    primes
}
// ANCHOR_END: work

// `u64::is_multiple_of` needs Rust 1.87; the workspace supports 1.86.
#[allow(clippy::manual_is_multiple_of)]
fn is_prime(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

/// Counts how many of the futures holding one were dropped.
struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn main() {
    let show_trace = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--trace") => true,
        Some(other) => {
            eprintln!("unknown argument {other:?}\nusage: ch03-global-queue [--trace]");
            std::process::exit(2);
        }
    };
    let rt = Runtime::new(WORKERS);

    // ANCHOR: demo_spawn
    println!(
        "1. {TASKS} tasks on {WORKERS} workers, each yielding {} times",
        SLICES - 1
    );
    if show_trace {
        trace::enable();
    }
    let started = Instant::now();
    // The runtime numbers tasks from 1 in spawn order: these are their ids.
    let handles: Vec<_> = (1..=TASKS)
        .map(|task| rt.spawn(count_primes(task)))
        .collect();
    let results = rt.block_on(async {
        let mut results = Vec::new();
        for handle in handles {
            results.push(handle.await.expect("count_primes does not panic"));
        }
        results
    });
    let elapsed = started.elapsed();
    // ANCHOR_END: demo_spawn
    println!("   primes per task, in spawn order: {results:?}");
    println!("   {:.1} ms in all", elapsed.as_secs_f64() * 1e3);
    for worker in rt.stats() {
        println!("   {worker}");
    }
    if show_trace {
        let events = trace::take();
        println!("\n   Which worker polled which task (a digit is a task id, . no poll began):");
        for line in trace::render(&events, WORKERS, 40).lines() {
            println!("   {line}");
        }
    }

    // ANCHOR: demo_panic
    println!("\n2. A task that panics");
    let outcomes = rt.block_on(async {
        let good = spawn(async { 1 + 1 });
        let bad = spawn(async {
            let divisor = std::hint::black_box(0);
            1 / divisor
        });
        let also_good = spawn(async { 40 + 2 });
        [good.await, bad.await, also_good.await]
    });
    for outcome in outcomes {
        match outcome {
            Ok(value) => println!("   Ok({value})"),
            Err(error) => println!("   Err: {error}"),
        }
    }
    let after = rt.block_on(rt.spawn(async { "still running" }));
    println!("   a task spawned afterwards: {after:?}");
    // ANCHOR_END: demo_panic

    // ANCHOR: demo_drop
    println!("\n3. Dropping the runtime with tasks that never finish");
    let dropped = Arc::new(AtomicUsize::new(0));
    let (started_tx, started_rx) = mpsc::channel();
    let mut handles = Vec::new();
    for _ in 0..2 {
        let guard = DropGuard(dropped.clone());
        let started = started_tx.clone();
        handles.push(rt.spawn(async move {
            let _guard = guard;
            started.send(()).expect("main waits for this");
            // Waits for a wake-up that never comes: in no queue at all.
            std::future::pending::<()>().await;
        }));
    }
    let guard = DropGuard(dropped.clone());
    handles.push(rt.spawn(async move {
        let _guard = guard;
        // Always runnable: at any moment it sits in the queue or is polled.
        loop {
            yield_now().await;
        }
    }));
    // ANCHOR_END: demo_drop
    for _ in 0..2 {
        started_rx.recv().expect("the waiting tasks start");
    }
    println!(
        "   live tasks before the drop: {}",
        rt.handle().live_tasks()
    );
    drop(rt);
    println!(
        "   futures dropped by the drop: {} of 3",
        dropped.load(Ordering::SeqCst)
    );
    for handle in handles {
        // The runtime is gone; the handles still answer, at once.
        match ch02_futures::block_on(handle) {
            Ok(()) => println!("   Ok(())"),
            Err(error) => println!("   Err: {error}"),
        }
    }
}
