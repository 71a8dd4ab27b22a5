//! `cargo run --release -p bench -- [--quick] [--samples N] [--out DIR]`
//!
//! Runs every workload on every runtime and prints the tables. A full run
//! also writes them, with the chart and the raw samples, to
//! `book/measuring/`. `--quick` runs each workload once at a small size to
//! prove that everything runs; it exits non-zero if anything fails or hangs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bench::harness::{self, Plan};
use bench::machine::Machine;
use bench::report::{Results, Row};
use bench::workloads::{Sizes, Workload};

const USAGE: &str = "\
usage: cargo run --release -p bench -- [options]

  --quick            one small iteration of each workload on each runtime: a
                     smoke test; writes no files unless --out is given
  --samples N        samples per workload and runtime (default 20; --quick: 1)
  --warmup N         iterations thrown away first (default 2; --quick: 0)
  --workers N        worker threads per runtime (default 2)
  --timeout SECS     the longest one iteration may take (default 30)
  --out DIR          where results.md, chart.svg and samples.csv go
                     (default for a full run: book/measuring)
  --runtime NAME     measure only this runtime (repeatable; no files written
                     unless --out is given)
  --workload NAME    run only this workload (repeatable; same rule)
  --render FILE      measure nothing: rebuild the tables and the chart from a
                     samples.csv written by an earlier run, into --out or
                     the file's own folder
  --list             print the runtimes and workloads and exit
  --stats            instead of timing: run each workload once on a fresh
                     runtime and print the per-worker counters of the
                     runtimes that keep them (our chapters)";

struct Options {
    quick: bool,
    samples: Option<usize>,
    warmup: Option<usize>,
    workers: usize,
    timeout: Duration,
    out: Option<PathBuf>,
    runtimes: Vec<String>,
    workloads: Vec<Workload>,
    list: bool,
    stats: bool,
    render: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        samples: None,
        warmup: None,
        workers: 2,
        timeout: Duration::from_secs(30),
        out: None,
        runtimes: Vec::new(),
        workloads: Vec::new(),
        list: false,
        stats: false,
        render: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, text: String| {
            text.parse::<usize>()
                .map_err(|_| format!("{name} wants a whole number, not {text:?}"))
        };
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--samples" => options.samples = Some(number("--samples", value("--samples")?)?.max(1)),
            "--warmup" => options.warmup = Some(number("--warmup", value("--warmup")?)?),
            "--workers" => options.workers = number("--workers", value("--workers")?)?.max(1),
            "--timeout" => {
                options.timeout =
                    Duration::from_secs(number("--timeout", value("--timeout")?)?.max(1) as u64)
            }
            "--out" => options.out = Some(PathBuf::from(value("--out")?)),
            "--runtime" => options.runtimes.push(value("--runtime")?),
            "--workload" => {
                let name = value("--workload")?;
                let workload = Workload::parse(&name).ok_or_else(|| {
                    let known: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
                    format!("unknown workload {name:?}; known: {}", known.join(", "))
                })?;
                options.workloads.push(workload);
            }
            "--list" => options.list = true,
            "--stats" => options.stats = true,
            "--render" => options.render = Some(PathBuf::from(value("--render")?)),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("bench: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    if let Some(csv) = &options.render {
        return render(csv, options.out.as_deref());
    }

    let mut entries = bench::registry();
    if options.list {
        for entry in &entries {
            let tcp = if entry.has_tcp { " (with TCP)" } else { "" };
            println!("runtime  {}{tcp}", entry.name);
        }
        for workload in Workload::ALL {
            println!(
                "workload {:<17} {}",
                workload.name(),
                workload.describe(&Sizes::FULL)
            );
        }
        return ExitCode::SUCCESS;
    }
    if !options.runtimes.is_empty() {
        for name in &options.runtimes {
            if !entries.iter().any(|e| e.name == name) {
                let known: Vec<&str> = entries.iter().map(|e| e.name).collect();
                eprintln!(
                    "bench: unknown runtime {name:?}; known: {}",
                    known.join(", ")
                );
                return ExitCode::from(2);
            }
        }
        entries.retain(|e| options.runtimes.iter().any(|name| name == e.name));
    }
    let workloads: Vec<Workload> = if options.workloads.is_empty() {
        Workload::ALL.to_vec()
    } else {
        Workload::ALL
            .into_iter()
            .filter(|w| options.workloads.contains(w))
            .collect()
    };

    let plan = Plan {
        workers: options.workers,
        warmup: options.warmup.unwrap_or(if options.quick { 0 } else { 2 }),
        samples: options
            .samples
            .unwrap_or(if options.quick { 1 } else { 20 }),
        sizes: if options.quick {
            Sizes::QUICK
        } else {
            Sizes::FULL
        },
        timeout: options.timeout,
    };
    if options.stats {
        return print_worker_stats(&entries, &workloads, &plan);
    }
    if cfg!(debug_assertions) && !options.quick {
        eprintln!("bench: warning: a debug build measures nothing useful; use `cargo run --release -p bench`");
    }
    // Partial runs (filtered, or --quick) must not overwrite the book's
    // results unless asked to.
    let filtered = !options.runtimes.is_empty() || !options.workloads.is_empty();
    let out = options.out.clone().or_else(|| {
        (!options.quick && !filtered).then(|| workspace_root().join("book").join("measuring"))
    });

    let machine = Machine::describe();
    eprintln!(
        "bench: {} runtimes × {} workloads, {} samples after {} warm-up, {} workers; {} ({} cores), load {}",
        entries.len(),
        workloads.len(),
        plan.samples,
        plan.warmup,
        plan.workers,
        machine.cpu,
        machine.cores,
        machine.load
    );
    let started = Instant::now();
    let mut rows = Vec::new();
    for workload in workloads {
        let began = Instant::now();
        let cells = harness::measure(&entries, workload, &plan, &mut |failure| {
            eprintln!("bench: {failure}")
        });
        let states: Vec<String> = entries
            .iter()
            .zip(&cells)
            .map(|(entry, cell)| format!("{} {}", entry.name, harness::describe(cell)))
            .collect();
        eprintln!(
            "bench: {:<17} {:>6.1} s  {}",
            workload.name(),
            began.elapsed().as_secs_f64(),
            states.join(", ")
        );
        rows.push(Row { workload, cells });
    }
    let results = Results {
        runtimes: entries.iter().map(|e| e.name.to_string()).collect(),
        rows,
        machine,
        plan,
    };
    eprintln!("bench: done in {:.1} s", started.elapsed().as_secs_f64());

    println!("{}", results.sizes_markdown());
    println!("{}", results.markdown());

    if let Some(dir) = out {
        if let Err(e) = write_outputs(&dir, &results) {
            eprintln!("bench: cannot write the results to {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        eprintln!(
            "bench: wrote results.md, workloads.md, chart.svg and samples.csv to {}",
            dir.display()
        );
    }
    if results.any_failure() {
        eprintln!("bench: some workloads failed or hung (see above)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn print_worker_stats(
    entries: &[bench::harness::Entry],
    workloads: &[Workload],
    plan: &Plan,
) -> ExitCode {
    let mut failed = false;
    for &workload in workloads {
        println!("{} ({})", workload.name(), workload.describe(&plan.sizes));
        for entry in entries.iter().filter(|e| e.runs(workload)) {
            match entry.worker_stats(workload, plan) {
                Ok(Some(lines)) => {
                    for line in lines {
                        println!("  {:<6} {line}", entry.name);
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    failed = true;
                    println!("  {:<6} FAILED: {e}", entry.name);
                }
            }
        }
        println!();
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Rebuilds the outputs of an earlier run from its samples.csv.
fn render(csv: &std::path::Path, out: Option<&std::path::Path>) -> ExitCode {
    let results = match std::fs::read_to_string(csv)
        .map_err(|e| e.to_string())
        .and_then(|text| Results::from_csv(&text))
    {
        Ok(results) => results,
        Err(e) => {
            eprintln!("bench: cannot read {}: {e}", csv.display());
            return ExitCode::FAILURE;
        }
    };
    println!("{}", results.sizes_markdown());
    println!("{}", results.markdown());
    let dir = out.map(PathBuf::from).unwrap_or_else(|| {
        csv.parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    });
    if let Err(e) = write_outputs(&dir, &results) {
        eprintln!("bench: cannot write the results to {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    eprintln!(
        "bench: wrote results.md, workloads.md, chart.svg and samples.csv to {}",
        dir.display()
    );
    ExitCode::SUCCESS
}

fn write_outputs(dir: &std::path::Path, results: &Results) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("results.md"), results.markdown())?;
    std::fs::write(dir.join("workloads.md"), results.sizes_markdown())?;
    std::fs::write(dir.join("chart.svg"), results.svg())?;
    std::fs::write(dir.join("samples.csv"), results.csv())?;
    Ok(())
}

/// The workspace root: bench/ sits in it. `cargo run` says where at run
/// time; the compile-time path is the fallback.
fn workspace_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .parent()
        .map_or(manifest.clone(), |p| p.to_path_buf())
}
