//! `cargo run -p ch10-blocking`: blocking work on the workers and on the
//! pool, the pool growing and shrinking, and chapter 7's fetch with its name
//! lookup done inside a task.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ch07_fetch::fetch::{fetch_all, fetch_todo};
use ch07_fetch::report::Report;
use ch07_fetch::server::{BackgroundServer, ServerConfig};
use ch07_fetch::{Client, Url};
use ch10_blocking::{lookup_host, resolve, spawn, time, BlockingPool, Config, Runtime};

const JOBS: usize = 8;
const JOB_TIME: Duration = Duration::from_millis(100);

// ANCHOR: main
fn main() {
    let runtime = Runtime::new(2);
    let pool = BlockingPool::new(Config {
        max_threads: 4,
        keep_alive: Duration::from_millis(200),
        name: "demo-pool".to_string(),
    });
    println!("{JOBS} jobs that each block for {JOB_TIME:?}, on a runtime with 2 workers:");
    runtime.block_on(async {
        let (took, ticks) = with_ticker(on_the_workers()).await;
        println!("  as tasks:             {took:>4} ms, a 10 ms ticker ticked {ticks:>2} times");
        let (took, ticks) = with_ticker(on_the_pool(&pool)).await;
        println!("  on the pool (max 4): {took:>4} ms, a 10 ms ticker ticked {ticks:>2} times");
    });
    thread::sleep(Duration::from_millis(400));
    let stats = pool.stats();
    println!(
        "400 ms later: {} threads alive, {} started, {} retired after their keep-alive",
        stats.threads, stats.threads_started, stats.threads_retired
    );
    fetch_by_name(&runtime);
}
// ANCHOR_END: main

// ANCHOR: jobs
/// The mistake: blocking calls inside tasks, on the workers.
async fn on_the_workers() {
    let jobs: Vec<_> = (0..JOBS)
        .map(|_| spawn(async { thread::sleep(JOB_TIME) }))
        .collect();
    for job in jobs {
        job.await.expect("a job panicked");
    }
}

/// The fix: the same calls on the blocking pool.
async fn on_the_pool(pool: &BlockingPool) {
    let jobs: Vec<_> = (0..JOBS)
        .map(|_| pool.spawn(|| thread::sleep(JOB_TIME)))
        .collect();
    let stats = pool.stats();
    println!(
        "  pool after spawning:  {} threads, {} jobs queued",
        stats.threads, stats.queued
    );
    for job in jobs {
        job.await.expect("a job panicked");
    }
}
// ANCHOR_END: jobs

/// Runs `work` while a task ticks every 10 ms; returns how long `work`
/// took and how many ticks happened meanwhile.
async fn with_ticker(work: impl std::future::Future<Output = ()>) -> (u128, usize) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let ticker = spawn({
        let (ticks, done) = (ticks.clone(), done.clone());
        async move {
            while !done.load(Ordering::Relaxed) {
                time::sleep(Duration::from_millis(10)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let started = Instant::now();
    work.await;
    let took = started.elapsed().as_millis();
    done.store(true, Ordering::Relaxed);
    let ticks = ticks.load(Ordering::Relaxed);
    ticker.await.expect("the ticker panicked");
    (took, ticks)
}

// ANCHOR: fetch_by_name
/// Chapter 7's fetch, given a host name: the lookup runs inside the task.
fn fetch_by_name(runtime: &Runtime) {
    let server = BackgroundServer::start(ServerConfig::default()).expect("start the todo server");
    let port = server.addr().port();
    runtime.block_on(async {
        let addrs = lookup_host(("localhost", port)).await;
        println!("lookup_host(localhost:{port}) on the pool: {addrs:?}");
        let url = Url::parse(&format!("http://localhost:{port}/todos")).expect("a valid URL");
        let base = match resolve(url).await {
            Ok(base) => base,
            Err(error) => return println!("cannot resolve localhost: {error}"),
        };
        let mut report = Report::new();
        let fetch = |id| fetch_todo(Client::default(), base.clone(), id);
        fetch_all(&[1, 2, 3], fetch, |outcome| report.record(&outcome)).await;
        println!("{report}");
    });
}
// ANCHOR_END: fetch_by_name
