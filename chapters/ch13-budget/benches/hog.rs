//! `cargo bench -p ch13-budget --bench hog [-- --quick] [-- --rounds N]
//! [-- --runtime NAME ...] [-- --client-realtime]`
//!
//! The hog workload (see `ch13_budget::workload`) in one process on four
//! runtimes, two workers and two hogs each: tokio (its own budget), chapter
//! 12 (none), chapter 12 with chapter 13's budget and sockets but not its
//! reactor turn ("ch13-budget-only"), and chapter 13. The rounds and the
//! tables are `ch13_budget::hog_bench`'s.
//!
//! With `--client-realtime` the client's threads run at real-time priority
//! where the OS allows it (see `workload::request_realtime`), so that the
//! round trip no longer includes the client's wait for a core.

use std::io;

use ch13_budget::hog_bench::{self, WORKERS};
use ch13_budget::workload::{Config, Outcome};
use ch13_budget::{hog_and_ping, tokio_contender};

tokio_contender!();

/// Chapter 12's runtime with chapter 13's sockets and budget, but without
/// the reactor turn when a task spends its budget: the budget alone.
fn spawn_budget_only<F>(future: F) -> ch12_tuning::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    ch12_tuning::spawn(ch13_budget::coop::Budgeted::new(future))
}

fn ch12(config: &Config) -> io::Result<Outcome> {
    hog_and_ping!(
        ch12_tuning::Runtime::new(WORKERS),
        ch12_tuning::spawn,
        ch12_tuning::net::TcpListener,
        ch12_tuning::net::TcpStream,
        config
    )
}

fn budget_only(config: &Config) -> io::Result<Outcome> {
    hog_and_ping!(
        ch12_tuning::Runtime::new(WORKERS),
        spawn_budget_only,
        ch13_budget::net::TcpListener,
        ch13_budget::net::TcpStream,
        config
    )
}

fn main() -> io::Result<()> {
    hog_bench::main(&[
        ("tokio", tokio),
        ("ch12", ch12),
        ("ch13-budget-only", budget_only),
        ("ch13", hog_bench::ch13),
    ])
}
