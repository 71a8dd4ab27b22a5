//! `cargo run -p ch07-fetch --bin fetch-tokio`: the same job on tokio +
//! reqwest, as in the article. By default it fetches from our local server
//! (running on our runtime, on its own threads); `--url https://...` works
//! too, because reqwest speaks TLS.

use std::process::ExitCode;

use ch07_fetch::cli::Options;
use ch07_fetch::fetch::fetch_sequential;
use ch07_fetch::report::Report;
use ch07_fetch::server::BackgroundServer;
use ch07_fetch::tokio_fetch::{fetch_all_tokio, fetch_todo_reqwest};

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
    // ANCHOR: main
    // What `#[tokio::main]` expands to, with the worker count spelled out.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.workers)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start tokio: {error}");
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
    println!("{}", options.banner(&base, "on tokio + reqwest"));

    let mut report = Report::new();
    let fetch = |id| fetch_todo_reqwest(client.clone(), base.clone(), id);
    runtime.block_on(async {
        if options.sequential {
            fetch_sequential(&ids, fetch, |outcome| report.record(&outcome)).await;
        } else {
            fetch_all_tokio(&ids, fetch, |outcome| report.record(&outcome)).await;
        }
    });
    // ANCHOR_END: main
    println!("{report}");
    drop(server);
    if report.ok() == ids.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
