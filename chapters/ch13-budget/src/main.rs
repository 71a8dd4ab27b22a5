//! `cargo run -p ch13-budget`: the hog workload on chapter 12's runtime
//! (no budget: the echo task waits for the hogs to give up) and on this
//! chapter's. A debug build; the benchmark (`cargo bench -p ch13-budget
//! --bench hog`) measures release builds against tokio.

use std::time::Duration;

use ch13_budget::hog_and_ping;
use ch13_budget::workload::{ms, Config, Outcome};

const WORKERS: usize = 2;

fn main() -> std::io::Result<()> {
    let config = Config {
        hogs: WORKERS,
        window: Duration::from_millis(500),
        interval: Duration::from_millis(1),
        hog_cap: Duration::from_millis(800),
        // The benchmark can ask for it (`--client-realtime`).
        client_realtime: false,
    };
    println!(
        "{} hogs reading 1 byte at a time, {WORKERS} workers, a ping every {} for {}",
        config.hogs,
        ms(config.interval),
        ms(config.window),
    );
    // ANCHOR: demo
    let before = hog_and_ping!(
        ch12_tuning::Runtime::new(WORKERS),
        ch12_tuning::spawn,
        ch12_tuning::net::TcpListener,
        ch12_tuning::net::TcpStream,
        &config
    )?;
    report("ch12 (no budget)", &before);
    let after = hog_and_ping!(
        ch13_budget::Runtime::new(WORKERS),
        ch13_budget::spawn,
        ch13_budget::net::TcpListener,
        ch13_budget::net::TcpStream,
        &config
    )?;
    report("ch13 (budget)   ", &after);
    // ANCHOR_END: demo
    Ok(())
}

fn report(name: &str, outcome: &Outcome) {
    let l = outcome.latencies;
    println!(
        "{name}: {} pings, p50 {}, p99 {}, max {}; the hogs read {} bytes",
        l.count,
        ms(l.p50),
        ms(l.p99),
        ms(l.max),
        outcome.hog_reads
    );
}
