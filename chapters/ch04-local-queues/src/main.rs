//! `cargo run --release -p ch04-local-queues [-- --trace]`: one task fans out into
//! 200 CPU-bound subtasks, on chapter 3's global queue and on this
//! chapter's local queues, two workers each.

use std::process::ExitCode;

use ch03_global_queue::GlobalQueue;
use ch04_local_queues::demo;
use ch04_local_queues::LocalQueues;

const WORKERS: usize = 2;

fn main() -> ExitCode {
    let traced = match demo::parse_args() {
        Ok(traced) => traced,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Some(note) = demo::debug_build_note("ch04-local-queues") {
        println!("{note}");
    }
    println!(
        "one task spawns {} subtasks of ~1 ms of arithmetic each; {WORKERS} workers\n",
        demo::SUBTASKS
    );
    let global = demo::run::<GlobalQueue>("ch03 global queue", WORKERS, traced);
    let local = demo::run::<LocalQueues>("ch04 local queues", WORKERS, traced);
    assert_eq!(
        global.checksum, local.checksum,
        "both runtimes computed the same thing"
    );
    print!("{global}\n{local}");
    ExitCode::SUCCESS
}
