//! `cargo run -p ch07-fetch`: the article's concurrent fetch, on our runtime.
//!
//! Starts the local todo server, fetches ids 1..=10 at once, and prints each
//! result as its task finishes. `--sequential` fetches one after another;
//! `--url` fetches from a real service; `--help` lists the rest.

use std::process::ExitCode;

use ch07_fetch::cli::Options;
use ch07_fetch::fetch::{fetch_all, fetch_sequential, fetch_todo};
use ch07_fetch::report::Report;
use ch07_fetch::server::BackgroundServer;
use ch07_fetch::{Client, Runtime, Url};

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Kept alive until the end of `main`: dropping it stops the server.
    let mut server = None;
    let url = match &options.url {
        Some(url) => url.clone(),
        None => match BackgroundServer::start(options.server_config()) {
            Ok(started) => server.insert(started).url(),
            Err(error) => {
                eprintln!("cannot start the local todo server: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    // Parsed and resolved here, on the main thread: a DNS lookup blocks.
    let base = match Url::parse(&url).and_then(|mut url| url.resolve().map(|()| url)) {
        Ok(base) => base,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    // ANCHOR: main
    let client = Client {
        timeout: options.timeout,
        ..Client::default()
    };
    let ids = options.ids();
    println!("{}", options.banner(&base, "on our runtime"));

    let runtime = Runtime::new(options.workers);
    let mut report = Report::new();
    let fetch = |id| fetch_todo(client.clone(), base.clone(), id);
    runtime.block_on(async {
        if options.sequential {
            fetch_sequential(&ids, fetch, |outcome| report.record(&outcome)).await;
        } else {
            fetch_all(&ids, fetch, |outcome| report.record(&outcome)).await;
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
