//! `cargo run -p ch01-blocking [-- --threads N]`
//!
//! Runs three blocking jobs one after another, then one per thread, then
//! measures what a thread per task costs in time and memory.

use std::time::{Duration, Instant};

use ch01_blocking::{measure_thread_cost, run_on_threads, run_sequentially, Job, Span};

// ANCHOR: jobs
const JOBS: [Job; 3] = [Job::new("A", 300), Job::new("B", 200), Job::new("C", 100)];
// ANCHOR_END: jobs

fn main() {
    let threads = match parse_threads() {
        Ok(n) => n,
        Err(msg) => {
            eprintln!("{msg}\nusage: ch01-blocking [--threads N]");
            std::process::exit(2);
        }
    };

    let sum: Duration = JOBS.iter().map(|job| job.duration).sum();
    let longest = JOBS
        .iter()
        .map(|job| job.duration)
        .max()
        .unwrap_or_default();

    println!("1. One thread, one job after another");
    let start = Instant::now();
    let spans = run_sequentially(&JOBS);
    print_spans(&spans);
    println!(
        "   total {} ms  (sum of the jobs: {} ms)\n",
        start.elapsed().as_millis(),
        sum.as_millis()
    );

    println!("2. One thread per job");
    let start = Instant::now();
    let spans = run_on_threads(&JOBS);
    print_spans(&spans);
    println!(
        "   total {} ms  (longest job: {} ms)\n",
        start.elapsed().as_millis(),
        longest.as_millis()
    );

    println!("3. The cost of a thread per task: {threads} idle threads");
    match measure_thread_cost(threads) {
        Ok(cost) => {
            println!(
                "   spawn: {:.1} ms in all, {:.1} µs per thread",
                cost.spawn_total.as_secs_f64() * 1e3,
                cost.spawn_per_thread().as_secs_f64() * 1e6
            );
            println!(
                "   join:  {:.1} ms in all",
                cost.join_total.as_secs_f64() * 1e3
            );
            println!("                  before    with {threads} threads alive");
            println!(
                "   Threads  {:>10} {:>12}",
                cost.before.threads, cost.during.threads
            );
            println!(
                "   VmSize   {:>7} MiB {:>8} MiB   +{} KiB per thread (reserved address space)",
                cost.before.vm_size_kib / 1024,
                cost.during.vm_size_kib / 1024,
                cost.vm_size_per_thread_kib()
            );
            println!(
                "   VmRSS    {:>7} MiB {:>8} MiB   +{} KiB per thread (resident in RAM)",
                cost.before.vm_rss_kib / 1024,
                cost.during.vm_rss_kib / 1024,
                cost.vm_rss_per_thread_kib()
            );
        }
        Err(err) => println!("   could not measure: {err}"),
    }
}

fn print_spans(spans: &[Span]) {
    for span in spans {
        println!(
            "   job {}  {:>4} ms -> {:>4} ms  on {:?}",
            span.name,
            span.start.as_millis(),
            span.end.as_millis(),
            span.thread
        );
    }
}

fn parse_threads() -> Result<usize, String> {
    let mut args = std::env::args().skip(1);
    let mut threads = 1_000;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => {
                let value = args.next().ok_or("--threads needs a number")?;
                threads = value
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("not a number: {value}"))?;
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(threads)
}
