//! `cargo bench -p ch13-budget --bench hog [-- --quick] [-- --rounds N]
//! [-- --runtime NAME ...] [-- --client-realtime]`
//!
//! The hog workload (see `ch13_budget::workload`) in one process on four
//! runtimes, two workers and two hogs each: tokio (its own budget), chapter
//! 12 (none), chapter 12 with chapter 13's budget and sockets but not its
//! reactor turn ("ch13-budget-only"), and chapter 13. Each round runs the
//! four in turn (the order rotates) and reports each one's ping p50 and
//! p99; the summary is the median over rounds of each value and of each
//! round's ratio to tokio, with the range.
//!
//! With `--client-realtime` the client's threads run at real-time priority
//! where the OS allows it (see `workload::request_realtime`), so that the
//! round trip no longer includes the client's wait for a core.

use std::time::Duration;

use ch13_budget::hog_and_ping;
use ch13_budget::workload::{ms, request_realtime, Config, Latencies, Outcome};
// The workload calls `read` and `write_all` on tokio's sockets through these.
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WORKERS: usize = 2;
const NAMES: [&str; 4] = ["tokio", "ch12", "ch13-budget-only", "ch13"];

/// Chapter 12's runtime with chapter 13's sockets and budget, but without
/// the reactor turn when a task spends its budget: the budget alone.
fn spawn_budget_only<F>(future: F) -> ch12_tuning::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    ch12_tuning::spawn(ch13_budget::coop::Budgeted::new(future))
}

fn run(which: usize, config: &Config) -> std::io::Result<Outcome> {
    match which {
        0 => hog_and_ping!(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .enable_all()
                .build()?,
            tokio::spawn,
            tokio::net::TcpListener,
            tokio::net::TcpStream,
            config
        ),
        1 => hog_and_ping!(
            ch12_tuning::Runtime::new(WORKERS),
            ch12_tuning::spawn,
            ch12_tuning::net::TcpListener,
            ch12_tuning::net::TcpStream,
            config
        ),
        2 => hog_and_ping!(
            ch12_tuning::Runtime::new(WORKERS),
            spawn_budget_only,
            ch13_budget::net::TcpListener,
            ch13_budget::net::TcpStream,
            config
        ),
        _ => hog_and_ping!(
            ch13_budget::Runtime::new(WORKERS),
            ch13_budget::spawn,
            ch13_budget::net::TcpListener,
            ch13_budget::net::TcpStream,
            config
        ),
    }
}

fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let mid = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (mid, values[0], values[n - 1])
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    let mut rounds = if quick { 1 } else { 7 };
    if let Some(i) = args.iter().position(|arg| arg == "--rounds") {
        rounds = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .filter(|&n| n > 0)
            .expect("--rounds takes a positive number");
    }
    // Runs only the named runtimes (repeatable), for tracing one at a time;
    // the ratio columns need tokio among them.
    let mut only: Vec<usize> = Vec::new();
    for pair in args.windows(2).filter(|pair| pair[0] == "--runtime") {
        let which = NAMES.iter().position(|name| *name == pair[1]);
        only.push(which.unwrap_or_else(|| panic!("--runtime takes one of {NAMES:?}")));
    }
    if only.is_empty() {
        only = (0..NAMES.len()).collect();
    }
    let client_realtime = args.iter().any(|arg| arg == "--client-realtime");
    let window = Duration::from_millis(if quick { 200 } else { 1000 });
    let config = Config {
        hogs: WORKERS,
        window,
        interval: Duration::from_millis(1),
        hog_cap: window + Duration::from_millis(300),
        client_realtime,
    };
    println!(
        "hog: {} hogs, {WORKERS} workers, a ping every {} for {}, {rounds} round(s)",
        config.hogs,
        ms(config.interval),
        ms(config.window)
    );
    if client_realtime {
        // Asked on a thread of its own, which then ends: only the client's
        // threads keep the priority.
        let granted = std::thread::spawn(request_realtime).join().unwrap_or(false);
        if granted {
            println!("client threads: real-time priority (SCHED_FIFO 1)");
        } else {
            println!("client threads: the OS refused real-time priority; they run as usual");
        }
    }
    // Per runtime: each round's p50 and p99, in seconds.
    let mut pooled: [Vec<Duration>; 4] = Default::default();
    let mut reached: [Vec<Duration>; 4] = Default::default();
    let mut p50 = [vec![], vec![], vec![], vec![]];
    let mut p99 = [vec![], vec![], vec![], vec![]];
    for round in 0..rounds {
        for turn in 0..only.len() {
            let which = only[(round + turn) % only.len()];
            let outcome = run(which, &config)?;
            let l = outcome.latencies;
            println!(
                "round {round} {:16}: p50 {:>12} p99 {:>12} max {:>12} ({} pings, {} hog reads)",
                NAMES[which],
                ms(l.p50),
                ms(l.p99),
                ms(l.max),
                l.count,
                outcome.hog_reads
            );
            pooled[which].extend(&outcome.samples);
            reached[which].extend(&outcome.reached_samples);
            p50[which].push(l.p50.as_secs_f64());
            p99[which].push(l.p99.as_secs_f64());
        }
    }
    if !only.contains(&0) {
        return Ok(());
    }
    println!("\nmedian over {rounds} round(s) [min-max]:");
    for &which in &only {
        let ratio = |values: &[Vec<f64>; 4]| {
            median(
                values[which]
                    .iter()
                    .zip(&values[0])
                    .map(|(ours, tokio)| ours / tokio)
                    .collect(),
            )
        };
        let (a, a_lo, a_hi) = median(p50[which].clone());
        let (b, b_lo, b_hi) = median(p99[which].clone());
        let (r50, r50_lo, r50_hi) = ratio(&p50);
        let (r99, r99_lo, r99_hi) = ratio(&p99);
        println!(
            "{:16} p50 {:.3} ms [{:.3}-{:.3}]  p99 {:.3} ms [{:.3}-{:.3}]  \
             p50/tokio {r50:.2}x [{r50_lo:.2}-{r50_hi:.2}]  p99/tokio {r99:.2}x [{r99_lo:.2}-{r99_hi:.2}]",
            NAMES[which],
            a * 1e3,
            a_lo * 1e3,
            a_hi * 1e3,
            b * 1e3,
            b_lo * 1e3,
            b_hi * 1e3,
        );
    }
    // One round's p99 is its tenth-worst ping or so, and a single stall of
    // the OS moves it; the p99 of every ping of every round is steadier.
    pooled_table(
        "every ping of every round pooled, client's write to client's read:",
        &pooled,
    );
    // The server's side alone: what the runtime decides. The rest of a
    // ping's time is the echo's way back, mostly the client's thread
    // waiting for a core that the busy workers hold.
    pooled_table(
        "the same pings, client's write to the echo task's read:",
        &reached,
    );
    Ok(())
}

fn pooled_table(title: &str, pooled: &[Vec<Duration>; 4]) {
    println!("\n{title}");
    let tokio = Latencies::of(pooled[0].clone());
    for which in (0..NAMES.len()).filter(|&which| !pooled[which].is_empty()) {
        let l = Latencies::of(pooled[which].clone());
        // The p99 sits where rare stalls of a few milliseconds begin, so
        // how many pings they caught says more than where the p99 fell.
        let slow = pooled[which]
            .iter()
            .filter(|&&d| d > Duration::from_millis(1))
            .count();
        println!(
            "{:16} p50 {:>10} p99 {:>10} ({} pings, {slow} over 1 ms)  p99/tokio {:.2}x",
            NAMES[which],
            ms(l.p50),
            ms(l.p99),
            l.count,
            l.p99.as_secs_f64() / tokio.p99.as_secs_f64()
        );
    }
}
