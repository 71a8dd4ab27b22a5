//! `cargo bench -p ch14-timer-wheel --bench hog [-- --quick] [-- --rounds N]
//! [-- --runtime NAME ...] [-- --client-realtime]`
//!
//! Chapter 13's hog benchmark (see `ch13_budget::hog_bench`) on the whole
//! tuned runtime: tokio, chapter 13, and this chapter's runtime, which is
//! chapter 13's with the wheel in its reactor.

use std::io;

use ch13_budget::hog_and_ping;
use ch13_budget::hog_bench::{self, WORKERS};
use ch13_budget::workload::{Config, Outcome};
// The workload calls `read` and `write_all` on tokio's sockets through these.
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn tokio(config: &Config) -> io::Result<Outcome> {
    hog_and_ping!(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .enable_all()
            .build()?,
        tokio::spawn,
        tokio::net::TcpListener,
        tokio::net::TcpStream,
        config
    )
}

fn ch13(config: &Config) -> io::Result<Outcome> {
    hog_and_ping!(
        ch13_budget::Runtime::new(WORKERS),
        ch13_budget::spawn,
        ch13_budget::net::TcpListener,
        ch13_budget::net::TcpStream,
        config
    )
}

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
    hog_bench::main(&[("tokio", tokio), ("ch13", ch13), ("ch14", ch14)])
}
