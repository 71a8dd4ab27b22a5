//! `cargo run -p ch07-fetch --bin fetch-interop`: reqwest requests as tasks
//! on OUR runtime, collected by OUR JoinSet. A tokio runtime on a background
//! thread drives the sockets and timers reqwest creates.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use ch07_fetch::cli::Options;
use ch07_fetch::fetch::{fetch_all, fetch_sequential};
use ch07_fetch::interop::{InTokio, TokioDriver, WakeCount};
use ch07_fetch::report::Report;
use ch07_fetch::server::BackgroundServer;
use ch07_fetch::tokio_fetch::fetch_todo_reqwest;
use ch07_fetch::Runtime;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut server = None;
    let base = match &options.url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => match BackgroundServer::start(options.server_config()) {
            Ok(started) => server.insert(started).url(),
            Err(error) => {
                eprintln!("cannot start the local todo server: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    let driver = match TokioDriver::start() {
        Ok(driver) => driver,
        Err(error) => {
            eprintln!("cannot start tokio's driver thread: {error}");
            return ExitCode::FAILURE;
        }
    };
    let client = match reqwest::Client::builder().timeout(options.timeout).build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("cannot build the HTTP client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let ids = options.ids();
    println!("{}", options.banner(&base, "with reqwest on our runtime"));

    // ANCHOR: spawn_reqwest
    let runtime = Runtime::new(options.workers);
    let wakes = Arc::new(WakeCount::default());
    let mut report = Report::new();
    let fetch = |id| {
        let request = fetch_todo_reqwest(client.clone(), base.clone(), id);
        InTokio::new(driver.handle().clone(), request, wakes.clone())
    };
    runtime.block_on(async {
        if options.sequential {
            fetch_sequential(&ids, fetch, |outcome| report.record(&outcome)).await;
        } else {
            fetch_all(&ids, fetch, |outcome| report.record(&outcome)).await;
        }
    });
    // ANCHOR_END: spawn_reqwest
    println!("{report}");
    println!(
        "our tasks were woken {} times, {} of them by tokio's thread",
        wakes.total.load(Ordering::Relaxed),
        wakes.from_driver.load(Ordering::Relaxed)
    );
    drop(runtime);
    drop(driver);
    drop(server);
    if report.ok() == ids.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
