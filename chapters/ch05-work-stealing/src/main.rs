//! `cargo run --release -p ch05-work-stealing [-- --trace]`: chapter 4's
//! workload (one task fans out into 200 CPU-bound subtasks) on chapter 3's
//! global queue, chapter 4's local queues and this chapter's work stealing.

use std::process::ExitCode;

use ch03_global_queue::GlobalQueue;
use ch04_local_queues::{demo, LocalQueues};
use ch05_work_stealing::WorkStealing;

const WORKERS: usize = 2;

fn main() -> ExitCode {
    let traced = match demo::parse_args() {
        Ok(traced) => traced,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Some(note) = demo::debug_build_note("ch05-work-stealing") {
        println!("{note}");
    }
    println!(
        "one task spawns {} subtasks of ~1 ms of arithmetic each; {WORKERS} workers\n",
        demo::SUBTASKS
    );
    let reports = [
        demo::run::<GlobalQueue>("ch03 global queue", WORKERS, traced),
        demo::run::<LocalQueues>("ch04 local queues", WORKERS, traced),
        demo::run::<WorkStealing>("ch05 work stealing", WORKERS, traced),
    ];
    for report in &reports {
        assert_eq!(
            report.checksum, reports[0].checksum,
            "every runtime computed the same thing"
        );
    }
    let printed: Vec<String> = reports.iter().map(ToString::to_string).collect();
    print!("{}", printed.join("\n"));
    ExitCode::SUCCESS
}
