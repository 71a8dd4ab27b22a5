//! `cargo bench -p ch14-timer-wheel --bench hog [-- --quick] [-- --rounds N]
//! [-- --runtime NAME ...] [-- --client-realtime]`
//!
//! Chapter 13's hog benchmark (see `ch13_budget::hog_bench`) on the whole
//! tuned runtime: tokio, chapter 13, and this chapter's runtime, which is
//! chapter 13's with the wheel in its reactor.

use std::io;

use ch13_budget::hog_bench::{self, WORKERS};
use ch13_budget::workload::{Config, Outcome};
use ch13_budget::{hog_and_ping, tokio_contender};

tokio_contender!();

fn ch14(config: &Config) -> io::Result<Outcome> {
    hog_and_ping!(
        ch14_timer_wheel::Runtime::new(WORKERS),
        ch14_timer_wheel::spawn,
        ch14_timer_wheel::net::TcpListener,
        ch14_timer_wheel::net::TcpStream,
        config
    )
}

fn main() -> io::Result<()> {
    hog_bench::main(&[("tokio", tokio), ("ch13", hog_bench::ch13), ("ch14", ch14)])
}
