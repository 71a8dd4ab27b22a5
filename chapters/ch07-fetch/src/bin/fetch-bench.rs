//! `cargo run --release -p ch07-fetch --bin fetch-bench`: 1,000 concurrent
//! fetches from the local server (fixed 50 ms delay), on our runtime and on
//! tokio + reqwest, each client in a process of its own so its peak memory
//! (VmHWM) is its own.
//!
//! The parent runs the server and starts this same binary again as the
//! client (`--client ours|tokio|interop --url URL`). Every client fetches
//! the same ids from the same server; the parent prints one line per run and
//! the medians.

use std::io;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ch07_fetch::fetch::{fetch_all, fetch_todo};
use ch07_fetch::interop::{InTokio, TokioDriver, WakeCount};
use ch07_fetch::report::Report;
use ch07_fetch::server::{BackgroundServer, Delay, ServerConfig};
use ch07_fetch::tokio_fetch::{fetch_all_tokio, fetch_todo_reqwest};
use ch07_fetch::{Client, Runtime, Url};

const USAGE: &str = "\
usage: fetch-bench [--requests N] [--delay-ms N] [--rounds N]
       (the parent; it runs the clients as child processes)";

/// The client modes, in the order each round runs them.
const MODES: [&str; 3] = ["ours", "tokio", "interop"];
/// Client threads, for every mode: the machine the book measures on has 2 cores.
const WORKERS: usize = 2;

struct Args {
    requests: u64,
    delay: Duration,
    rounds: usize,
    /// Set in a child: which client to run, against which URL.
    client: Option<(String, String)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        requests: 1000,
        delay: Duration::from_millis(50),
        rounds: 5,
        client: None,
    };
    let mut mode = None;
    let mut url = None;
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = || {
            iter.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        let number = |text: String| {
            text.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("expected a number above 0, got {text:?}\n{USAGE}"))
        };
        match arg.as_str() {
            "--requests" => args.requests = number(value()?)?,
            "--delay-ms" => args.delay = Duration::from_millis(number(value()?)?),
            "--rounds" => args.rounds = number(value()?)? as usize,
            "--client" => mode = Some(value()?),
            "--url" => url = Some(value()?),
            _ => return Err(format!("unknown option {arg:?}\n{USAGE}")),
        }
    }
    args.client = match (mode, url) {
        (Some(mode), Some(url)) if MODES.contains(&mode.as_str()) => Some((mode, url)),
        (None, None) => None,
        _ => return Err(format!("--client takes one of {MODES:?} and needs --url")),
    };
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Each side holds one socket per request, plus a few of its own.
    if let Err(message) = raise_open_files(args.requests + 64) {
        eprintln!("fetch-bench: {message}");
        return ExitCode::FAILURE;
    }
    let result = match &args.client {
        Some((mode, url)) => run_client(mode, url, args.requests),
        None => run_parent(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fetch-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: parent
fn run_parent(args: &Args) -> Result<(), String> {
    let server = BackgroundServer::start(ServerConfig {
        todos: args.requests,
        delay: Delay::Fixed(args.delay),
        faults: Default::default(),
    })
    .map_err(|e| format!("cannot start the server: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    println!(
        "{} concurrent GETs, server delay {} ms, {WORKERS} client workers, {} rounds, {} CPUs",
        args.requests,
        args.delay.as_millis(),
        args.rounds,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut runs: Vec<(&str, Measured)> = Vec::new();
    for round in 1..=args.rounds {
        for mode in MODES {
            let output = Command::new(&exe)
                .args(["--client", mode, "--url", &server.url()])
                .args(["--requests", &args.requests.to_string()])
                .output()
                .map_err(|e| format!("cannot start the {mode} client: {e}"))?;
            if !output.status.success() {
                return Err(format!(
                    "the {mode} client failed ({}): {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
            let measured = Measured::parse(&String::from_utf8_lossy(&output.stdout))
                .ok_or_else(|| format!("the {mode} client printed no measurement"))?;
            println!("round {round}  {mode:<8} {measured}");
            runs.push((mode, measured));
        }
    }
    let median = |mode: &str, field: fn(&Measured) -> f64| {
        let mut values: Vec<f64> = runs
            .iter()
            .filter(|(m, _)| *m == mode)
            .map(|(_, r)| field(r))
            .collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!("medians:");
    let tokio_wall = median("tokio", |m| m.wall_ms);
    let tokio_peak = median("tokio", |m| m.peak_kib);
    let tokio_cpu = median("tokio", |m| m.cpu_ms);
    for mode in MODES {
        let (wall, peak, cpu) = (
            median(mode, |m| m.wall_ms),
            median(mode, |m| m.peak_kib),
            median(mode, |m| m.cpu_ms),
        );
        println!(
            "  {mode:<8} wall {wall:>5.0} ms = {:.2}x tokio   peak memory {:>5.1} MiB = {:.2}x tokio   \
             CPU {cpu:>4.0} ms = {:.2}x tokio",
            wall / tokio_wall,
            peak / 1024.0,
            peak / tokio_peak,
            cpu / tokio_cpu
        );
    }
    Ok(())
}
// ANCHOR_END: parent

/// What a client child reports.
struct Measured {
    wall_ms: f64,
    peak_kib: f64,
    /// Resident memory after set-up, before the first request.
    setup_kib: f64,
    cpu_ms: f64,
}

impl Measured {
    /// Reads `wall_ms=.. peak_kib=.. setup_kib=.. cpu_ms=..`.
    fn parse(text: &str) -> Option<Measured> {
        let field = |name: &str| {
            text.split_whitespace().find_map(|pair| {
                pair.strip_prefix(name)?
                    .strip_prefix('=')?
                    .parse::<f64>()
                    .ok()
            })
        };
        Some(Measured {
            wall_ms: field("wall_ms")?,
            peak_kib: field("peak_kib")?,
            setup_kib: field("setup_kib")?,
            cpu_ms: field("cpu_ms")?,
        })
    }
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "wall {:>5.0} ms   peak memory {:>5.1} MiB (set-up {:>4.1} MiB)   CPU {:>4.0} ms",
            self.wall_ms,
            self.peak_kib / 1024.0,
            self.setup_kib / 1024.0,
            self.cpu_ms
        )
    }
}

// ANCHOR: client
/// A child: fetch ids 1..=requests at once with one client, then report.
fn run_client(mode: &str, url: &str, requests: u64) -> Result<(), String> {
    let ids: Vec<u64> = (1..=requests).collect();
    let mut report = Report::quiet();
    let timeout = Duration::from_secs(30);
    // Set-up (threads, the client, TLS roots for reqwest) is not timed, but
    // its memory counts in the peak; `setup_kib` shows how much of it.
    let mut setup_kib = 0;
    let mut started = Instant::now();
    let mut start = || -> Result<(), String> {
        setup_kib = memory_kib("VmRSS:").map_err(|e| format!("cannot read VmRSS: {e}"))?;
        started = Instant::now();
        Ok(())
    };
    match mode {
        "ours" => {
            let base = Url::parse(url).map_err(|e| e.to_string())?;
            let client = Client {
                timeout,
                ..Client::default()
            };
            let runtime = Runtime::new(WORKERS);
            start()?;
            runtime.block_on(fetch_all(
                &ids,
                |id| fetch_todo(client.clone(), base.clone(), id),
                |outcome| report.record(&outcome),
            ));
        }
        "tokio" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let client = reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            start()?;
            runtime.block_on(fetch_all_tokio(
                &ids,
                |id| fetch_todo_reqwest(client.clone(), url.to_string(), id),
                |outcome| report.record(&outcome),
            ));
        }
        _ => {
            let driver = TokioDriver::start().map_err(|e| e.to_string())?;
            let client = reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            let wakes = Arc::new(WakeCount::default());
            let runtime = Runtime::new(WORKERS);
            start()?;
            runtime.block_on(fetch_all(
                &ids,
                |id| {
                    let request = fetch_todo_reqwest(client.clone(), url.to_string(), id);
                    InTokio::new(driver.handle().clone(), request, wakes.clone())
                },
                |outcome| report.record(&outcome),
            ));
        }
    }
    let wall = started.elapsed();
    if report.ok() as u64 != requests {
        return Err(format!(
            "{} of {requests} fetches failed ({} panicked)",
            report.failed() + report.panicked(),
            report.panicked()
        ));
    }
    let peak_kib = memory_kib("VmHWM:").map_err(|e| format!("cannot read VmHWM: {e}"))?;
    println!(
        "wall_ms={:.1} peak_kib={peak_kib} setup_kib={setup_kib} cpu_ms={:.0}",
        wall.as_secs_f64() * 1000.0,
        cpu_time().as_secs_f64() * 1000.0
    );
    Ok(())
}
// ANCHOR_END: client

/// A memory figure of this process from /proc/self/status, in KiB:
/// `VmRSS:` (resident now) or `VmHWM:` (the peak of VmRSS so far).
fn memory_kib(field: &str) -> io::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("no {field} line")))
}

/// User plus system CPU time of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct we pass; zeroed is a valid rusage.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF and a valid pointer to a local.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Raises the soft open-file limit to at least `needed`, if the hard
/// limit allows. Many systems start processes at 1,024.
fn raise_open_files(needed: libc::rlim_t) -> Result<(), String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one `rlimit` through a pointer to our local.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", io::Error::last_os_error()));
    }
    if limit.rlim_cur >= needed {
        return Ok(());
    }
    if limit.rlim_max < needed {
        return Err(format!(
            "{needed} open files needed, but the hard limit is {}: lower --requests",
            limit.rlim_max
        ));
    }
    limit.rlim_cur = needed;
    // SAFETY: setrlimit reads one `rlimit` through a pointer to our local.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(format!("setrlimit: {}", io::Error::last_os_error()));
    }
    Ok(())
}
