//! The four programs, run as a reader runs them (small inputs): they start,
//! fetch, print one line per todo and a summary, and exit with the right code.

use std::process::{Command, Output};

fn run(exe: &'static str, args: &'static [&'static str]) -> Output {
    testkit::timeout(move || {
        Command::new(exe)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {exe}: {e}"))
    })
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every client prints the same lines for the same todos.
fn check_fetch_output(output: &Output) {
    let text = stdout(output);
    assert!(
        output.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for id in 1..=3 {
        let line = format!("todo  {id}: {{\"id\":{id},");
        assert!(text.contains(&line), "no line for todo {id} in:\n{text}");
    }
    assert!(
        text.contains("3 fetches: 3 ok, 0 failed, 0 panicked"),
        "{text}"
    );
}

#[test]
fn the_demo_fetches_on_our_runtime() {
    check_fetch_output(&run(env!("CARGO_BIN_EXE_ch07-fetch"), &["--ids", "1..=3"]));
}

#[test]
fn the_demo_runs_sequentially_too() {
    check_fetch_output(&run(
        env!("CARGO_BIN_EXE_ch07-fetch"),
        &["--ids", "1..=3", "--sequential"],
    ));
}

#[test]
fn fetch_tokio_fetches_with_reqwest() {
    check_fetch_output(&run(env!("CARGO_BIN_EXE_fetch-tokio"), &["--ids", "1..=3"]));
}

#[test]
fn fetch_interop_runs_reqwest_on_our_runtime() {
    let output = run(env!("CARGO_BIN_EXE_fetch-interop"), &["--ids", "1..=3"]);
    check_fetch_output(&output);
    assert!(stdout(&output).contains("of them by tokio's thread"));
}

#[test]
fn a_failed_fetch_makes_the_exit_code_nonzero() {
    let output = run(
        env!("CARGO_BIN_EXE_ch07-fetch"),
        &["--ids", "1..=2", "--fault", "2=500"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("todo  2: failed: server answered 500"));
}

#[test]
fn bad_options_exit_with_2_and_say_why() {
    let output = run(
        env!("CARGO_BIN_EXE_ch07-fetch"),
        &["--url", "https://example.com/todos"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("https needs TLS"));
}

#[test]
fn the_benchmark_runs_every_client() {
    let output = run(
        env!("CARGO_BIN_EXE_fetch-bench"),
        &["--requests", "20", "--delay-ms", "1", "--rounds", "1"],
    );
    let text = stdout(&output);
    assert!(
        output.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for mode in ["ours", "tokio", "interop"] {
        assert!(text.contains(&format!("round 1  {mode}")), "{text}");
    }
    assert!(text.contains("medians:"), "{text}");
}
