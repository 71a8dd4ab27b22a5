//! The hog benchmark's driver, shared by chapter 13's `hog` bench and
//! chapter 14's: each bench names its runtimes, this runs them in rounds
//! and prints the tables. Arguments: `[--quick] [--rounds N]
//! [--runtime NAME ...] [--client-realtime]`.
//!
//! Each round runs every runtime once, in an order that rotates, and
//! prints each one's ping p50 and p99. The summary is the median over
//! rounds of each value and of each round's ratio to the first runtime
//! (the yardstick, tokio), with the range; then the p99 of every ping of
//! every round pooled, as a round trip and as the runtime's share.

use std::io;
use std::time::Duration;

use crate::workload::{ms, request_realtime, Config, Latencies, Outcome};

/// One runtime under test: its name and a function that runs the workload
/// on a fresh instance of it (usually one `hog_and_ping!` call).
pub type Contender = (&'static str, fn(&Config) -> io::Result<Outcome>);

/// Workers per runtime, and hogs: one per worker occupies them all.
pub const WORKERS: usize = 2;

/// This chapter's runtime as a contender.
pub fn ch13(config: &Config) -> io::Result<Outcome> {
    crate::hog_and_ping!(
        crate::Runtime::new(WORKERS),
        crate::spawn,
        crate::net::TcpListener,
        crate::net::TcpStream,
        config
    )
}

/// Defines `fn tokio(&Config) -> io::Result<Outcome>`, the yardstick, in a
/// bench that has tokio (with `rt-multi-thread`, `net` and `io-util`) among
/// its dependencies; this crate itself does not.
#[macro_export]
macro_rules! tokio_contender {
    () => {
        fn tokio(
            config: &$crate::workload::Config,
        ) -> ::std::io::Result<$crate::workload::Outcome> {
            // The workload calls `read` and `write_all` on tokio's sockets
            // through these.
            use ::tokio::io::{AsyncReadExt, AsyncWriteExt};
            $crate::hog_and_ping!(
                ::tokio::runtime::Builder::new_multi_thread()
                    .worker_threads($crate::hog_bench::WORKERS)
                    .enable_all()
                    .build()?,
                ::tokio::spawn,
                ::tokio::net::TcpListener,
                ::tokio::net::TcpStream,
                config
            )
        }
    };
}

/// Runs the benchmark on `contenders`, the yardstick first, with the
/// process's command-line arguments.
pub fn main(contenders: &[Contender]) -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    let usage = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
    let mut rounds = if quick { 1 } else { 7 };
    if let Some(i) = args.iter().position(|arg| arg == "--rounds") {
        rounds = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| usage("--rounds takes a positive number".into()))?;
    }
    let names: Vec<&str> = contenders.iter().map(|(name, _)| *name).collect();
    // Runs only the named runtimes (repeatable), for tracing one at a time;
    // the ratio columns need the yardstick among them.
    let mut only: Vec<usize> = Vec::new();
    for pair in args.windows(2).filter(|pair| pair[0] == "--runtime") {
        let which = names.iter().position(|name| *name == pair[1]);
        only.push(which.ok_or_else(|| usage(format!("--runtime takes one of {names:?}")))?);
    }
    if only.is_empty() {
        only = (0..names.len()).collect();
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
    let mut results = vec![Results::default(); names.len()];
    for round in 0..rounds {
        for turn in 0..only.len() {
            let which = only[(round + turn) % only.len()];
            let outcome = (contenders[which].1)(&config)?;
            let l = outcome.latencies;
            println!(
                "round {round} {:16}: p50 {:>12} p99 {:>12} max {:>12} ({} pings, {} hog reads)",
                names[which],
                ms(l.p50),
                ms(l.p99),
                ms(l.max),
                l.count,
                outcome.hog_reads
            );
            results[which].add(&outcome);
        }
    }
    if only.contains(&0) {
        summary(&names, &only, &results, rounds);
    }
    Ok(())
}

/// One runtime's rounds.
#[derive(Clone, Default)]
struct Results {
    /// Every ping's round trip, and its time to the echo task's read.
    pooled: Vec<Duration>,
    reached: Vec<Duration>,
    /// Each round's p50 and p99 round trip, in seconds.
    p50: Vec<f64>,
    p99: Vec<f64>,
}

impl Results {
    fn add(&mut self, outcome: &Outcome) {
        self.pooled.extend(&outcome.samples);
        self.reached.extend(&outcome.reached_samples);
        self.p50.push(outcome.latencies.p50.as_secs_f64());
        self.p99.push(outcome.latencies.p99.as_secs_f64());
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

fn summary(names: &[&str], only: &[usize], results: &[Results], rounds: usize) {
    println!("\nmedian over {rounds} round(s) [min-max]:");
    let yardstick = &results[0];
    for &which in only {
        let ours = &results[which];
        // Round by round, so a slow moment of the machine hits both alike.
        let ratio = |ours: &[f64], theirs: &[f64]| {
            median(ours.iter().zip(theirs).map(|(a, b)| a / b).collect())
        };
        let (a, a_lo, a_hi) = median(ours.p50.clone());
        let (b, b_lo, b_hi) = median(ours.p99.clone());
        let (r50, r50_lo, r50_hi) = ratio(&ours.p50, &yardstick.p50);
        let (r99, r99_lo, r99_hi) = ratio(&ours.p99, &yardstick.p99);
        println!(
            "{:16} p50 {:.3} ms [{:.3}-{:.3}]  p99 {:.3} ms [{:.3}-{:.3}]  \
             p50/{y} {r50:.2}x [{r50_lo:.2}-{r50_hi:.2}]  p99/{y} {r99:.2}x [{r99_lo:.2}-{r99_hi:.2}]",
            names[which],
            a * 1e3,
            a_lo * 1e3,
            a_hi * 1e3,
            b * 1e3,
            b_lo * 1e3,
            b_hi * 1e3,
            y = names[0],
        );
    }
    // One round's p99 is its tenth-worst ping or so, and a single stall of
    // the OS moves it; the p99 of every ping of every round is steadier.
    let pooled: Vec<_> = results.iter().map(|r| r.pooled.as_slice()).collect();
    pooled_table(
        "every ping of every round pooled, client's write to client's read:",
        names,
        &pooled,
    );
    // The server's side alone: what the runtime decides. The rest of a
    // ping's time is the echo's way back, mostly the client's thread
    // waiting for a core that the busy workers hold.
    let reached: Vec<_> = results.iter().map(|r| r.reached.as_slice()).collect();
    pooled_table(
        "the same pings, client's write to the echo task's read:",
        names,
        &reached,
    );
}

fn pooled_table(title: &str, names: &[&str], pooled: &[&[Duration]]) {
    println!("\n{title}");
    let yardstick = Latencies::of(pooled[0].to_vec());
    for which in (0..names.len()).filter(|&which| !pooled[which].is_empty()) {
        let l = Latencies::of(pooled[which].to_vec());
        // The p99 sits where rare stalls of a few milliseconds begin, so
        // how many pings they caught says more than where the p99 fell.
        let slow = pooled[which]
            .iter()
            .filter(|&&d| d > Duration::from_millis(1))
            .count();
        println!(
            "{:16} p50 {:>10} p99 {:>10} ({} pings, {slow} over 1 ms)  p99/{} {:.2}x",
            names[which],
            ms(l.p50),
            ms(l.p99),
            l.count,
            names[0],
            l.p99.as_secs_f64() / yardstick.p99.as_secs_f64()
        );
    }
}
