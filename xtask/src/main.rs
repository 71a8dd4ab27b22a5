//! `cargo xtask <command>`: the project's tasks. Run `cargo xtask help`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use xtask::bookcheck::{self, Problem};
use xtask::exercises::{self, Exercise};
use xtask::{browser, loom, run, testoutput, tools};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  book           install the pinned mdBook if needed, build the book and serve it
                 at http://127.0.0.1:3000 (rebuilds on change; Ctrl-C stops)
  book --build   only build the book, into target/book/html
  test           everything CI runs: rustfmt and clippy checks, workspace
                 tests, the exercise check, the loom models, the benchmarks'
                 smoke run, the stress and leak checks, then the book build
                 and its checks and the browser test (the mdBook tools build
                 in the background meanwhile)

 working on the exercises:
  exercises      your progress through the exercises, and which one is next
  watch [NAME]   run an exercise's tests each time you save its file (without
                 NAME: the first one not done, moving on as each passes)
  hint NAME [N]  hint N for an exercise, or the next hint you have not seen
  reset NAME     put an exercise's file back as it was (from git)
  check-exercises [NAME]
                 for authors: the solution passes, the skeleton fails, every
                 wrong solution (wrong/NAME/*.rs) is rejected, loom models too
  check-book     the book checks only: sources, build (with the link check),
                 generated HTML
  browser        the book in Chromium: every page of SUMMARY.md loads cleanly,
                 code blocks and diagrams render, search, next/previous, print;
                 screenshots in target/screenshots/{desktop,phone,navy}/
                 (installs Debian's chromium and browser-tests/node_modules
                 when missing)
  loom           every chapter's tests/loom*.rs, with --cfg loom, in target/loom
  loom NAME      an exercise's loom model (tests/loom_NAME.rs) against your code
  bench [ARGS]   cargo run --release -p bench -- ARGS (--quick: the smoke run)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ctx = Ctx::new();
    let result = match args.as_slice() {
        ["book"] => cmd_book(&ctx, false),
        ["book", "--build"] => cmd_book(&ctx, true),
        ["test"] => return cmd_test(&ctx),
        ["exercises"] => cmd_exercises(&ctx),
        ["check-exercises"] => check_exercises(&ctx, None),
        ["check-exercises", name] => check_exercises(&ctx, Some(name)),
        ["hint", name] => cmd_hint(&ctx, name, None),
        ["hint", name, n] => cmd_hint(&ctx, name, Some(n)),
        ["reset", name] => cmd_reset(&ctx, name),
        ["watch"] => cmd_watch(&ctx, None),
        ["watch", name] => cmd_watch(&ctx, Some(name)),
        ["check-book"] => check_book(&ctx).map_err(|p| book_failure(&p)),
        ["browser"] => cmd_browser(&ctx),
        ["loom"] => cmd_loom(&ctx),
        ["loom", name] => cmd_loom_exercise(&ctx, name),
        ["bench", rest @ ..] => cmd_bench(&ctx, rest),
        ["help"] | ["--help"] | ["-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where things are, worked out once.
struct Ctx {
    root: PathBuf,
    /// The cargo that started us, so children use the same toolchain.
    cargo: String,
    /// Scratch space for captured output.
    scratch: PathBuf,
}

impl Ctx {
    fn new() -> Ctx {
        // xtask/ sits in the repository root. `cargo run` tells us where at
        // run time; the compile-time path is only a fallback, because a
        // checkout moved together with its target/ would not rebuild the
        // xtask and would still point at the old place.
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest_dir
            .parent()
            .expect("xtask's manifest dir has a parent")
            .to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let scratch = root.join("target").join("xtask");
        Ctx {
            root,
            cargo,
            scratch,
        }
    }

    fn cargo(&self) -> Command {
        let mut cmd = Command::new(&self.cargo);
        cmd.current_dir(&self.root);
        cmd
    }
}

// ---------------------------------------------------------------------------
// cargo xtask book

fn cmd_book(ctx: &Ctx, build_only: bool) -> Result<(), String> {
    tools::ensure_tools(&ctx.cargo, &ctx.root)?;
    tools::ensure_mermaid_js(&ctx.root)?;
    if build_only {
        let built = tools::build_book(&ctx.root, &ctx.scratch, None)?;
        if !built.status.success() {
            return Err(format!("mdbook build failed ({})", built.status));
        }
        println!(
            "xtask: book built into {}",
            tools::html_dir(&ctx.root.join("target/book")).display()
        );
        return Ok(());
    }
    // Problems do not stop the preview (an author wants to see the page they
    // are fixing), but they are shown first.
    match ctx_packages(ctx) {
        Ok(packages) => {
            let problems = bookcheck::check_sources(&ctx.root.join("book"), &packages);
            for p in &problems {
                println!("xtask: warning: {}", relative(&ctx.root, p));
            }
        }
        Err(e) => println!("xtask: warning: book checks skipped: {e}"),
    }
    println!("xtask: serving the book at http://127.0.0.1:3000 (Ctrl-C to stop)");
    let status = tools::serve_book(&ctx.root)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("mdbook serve exited with {status}"))
    }
}

// ---------------------------------------------------------------------------
// cargo xtask check-book

/// Source checks, build, output checks. Returns every problem found.
fn check_book(ctx: &Ctx) -> Result<(), Vec<String>> {
    // A setup failure (no cargo metadata, no mdbook) ends the check; it is
    // printed here so it is in the log next to what led to it.
    let fatal = |e: String| {
        println!("xtask: {e}");
        vec![e]
    };
    let mut problems: Vec<String> = Vec::new();
    let packages = ctx_packages(ctx).map_err(fatal)?;

    println!("xtask: checking the book's sources");
    for p in bookcheck::check_sources(&ctx.root.join("book"), &packages) {
        problems.push(relative(&ctx.root, &p));
    }
    print_page_sizes(&ctx.root.join("book"));

    tools::ensure_tools(&ctx.cargo, &ctx.root).map_err(fatal)?;
    tools::ensure_mermaid_js(&ctx.root).map_err(fatal)?;
    // A folder of our own, not target/book: an author's `cargo xtask book`
    // (mdbook serve) rebuilds target/book whenever a file changes, and two
    // builds deleting and writing one folder at once fail each other.
    let dest = ctx
        .scratch
        .join(format!("book-check-{}", std::process::id()));
    println!("xtask: building the book into {}", dest.display());
    let built = tools::build_book(&ctx.root, &ctx.scratch, Some(&dest)).map_err(fatal)?;
    if !built.status.success() {
        problems.push(format!("mdbook build failed ({})", built.status));
    }
    for p in bookcheck::check_build_log(&built.output) {
        problems.push(relative(&ctx.root, &p));
    }
    if let Err(e) = tools::check_link_checker(&ctx.root, &ctx.scratch) {
        problems.push(e);
    }
    println!("xtask: checking the generated HTML");
    for p in bookcheck::check_html_output(&tools::html_dir(&dest)) {
        problems.push(relative(&ctx.root, &p));
    }

    if problems.is_empty() {
        // Nothing to look at; a leftover would only fill target/.
        let _ = std::fs::remove_dir_all(&dest);
        println!("xtask: the book is fine");
        Ok(())
    } else {
        println!(
            "xtask: the built book is kept in {} for a look",
            dest.display()
        );
        println!("xtask: {} problem(s) in the book:", problems.len());
        for p in &problems {
            println!("  {p}");
        }
        Err(problems)
    }
}

/// Each page's rendered words and its longest listing, so an author sees how
/// close a page is to the limits before it crosses them.
fn print_page_sizes(book_dir: &std::path::Path) {
    let Ok(sizes) = bookcheck::page_sizes(book_dir) else {
        return; // the source checks have reported why
    };
    println!(
        "xtask: rendered words per page (limit {}), and the longest listing (limit {} lines):",
        bookcheck::MAX_PAGE_WORDS,
        bookcheck::MAX_LISTING_LINES
    );
    for size in sizes {
        let longest = size.listings.iter().map(|l| l.2).max().unwrap_or(0);
        println!("  {:>6}  {:>4}  {}", size.words, longest, size.page);
    }
}

/// One problem is shown whole (it may be "mdbook install failed: ..."),
/// more are counted (they were listed just before).
fn book_failure(problems: &[String]) -> String {
    match problems {
        [one] => one.clone(),
        many => format!("{} problem(s) in the book", many.len()),
    }
}

fn ctx_packages(ctx: &Ctx) -> Result<std::collections::BTreeSet<String>, String> {
    bookcheck::workspace_packages(&ctx.cargo, &ctx.root)
}

fn relative(root: &Path, p: &Problem) -> String {
    let mut p = p.clone();
    if let Ok(rel) = p.file.strip_prefix(root) {
        p.file = rel.to_path_buf();
    }
    p.to_string()
}

// ---------------------------------------------------------------------------
// cargo xtask test

fn cmd_test(ctx: &Ctx) -> ExitCode {
    // Compiling the pinned mdBook tools on a fresh machine takes minutes of
    // CPU, and most steps leave a core idle (tests waiting on timeouts,
    // chromium loading pages): they build in the background from the start,
    // and the book steps come last, after a step that waits for them.
    let background_tools = std::cell::RefCell::new(tools::Background::start(
        &ctx.cargo,
        &ctx.root,
        &ctx.scratch,
    ));
    if background_tools.borrow().is_some() {
        println!("xtask: installing the mdBook tools into target/tools in the background");
    }
    type Step<'a> = (&'a str, Box<dyn Fn(&Ctx) -> Result<(), String> + 'a>);
    let steps: Vec<Step> = vec![
        ("formatting (cargo fmt --check)", Box::new(step_fmt)),
        ("lints (cargo clippy, -D warnings)", Box::new(step_clippy)),
        ("workspace tests", Box::new(step_workspace_tests)),
        (
            "exercises (solutions pass; skeletons and wrong solutions fail)",
            Box::new(step_exercises),
        ),
        ("loom models (--cfg loom)", Box::new(cmd_loom)),
        (
            "benchmarks, smoke run (bench --quick)",
            Box::new(step_bench_quick),
        ),
        (
            "stress, heavy variants (release)",
            Box::new(step_stress_heavy),
        ),
        (
            "leak check (valgrind on the C10k echo)",
            Box::new(step_valgrind),
        ),
        (
            "the mdBook tools (installed in the background since the start)",
            Box::new(|_: &Ctx| join_tools(background_tools.borrow_mut().take())),
        ),
        (
            "book (build, link check and checks)",
            Box::new(|c: &Ctx| check_book(c).map_err(|p| book_failure(&p))),
        ),
        ("book in a browser (Chromium)", Box::new(cmd_browser)),
    ];
    let total = steps.len();
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for (i, (name, step)) in steps.iter().enumerate() {
        println!("\nxtask: step {}/{total}: {name}", i + 1);
        let t = Instant::now();
        let result = step(ctx);
        let secs = t.elapsed().as_secs_f64();
        match &result {
            Ok(()) => println!("xtask: step {}/{total}: {name}: passed ({secs:.1}s)", i + 1),
            Err(e) => println!(
                "xtask: step {}/{total}: {name}: FAILED ({secs:.1}s): {e}",
                i + 1
            ),
        }
        outcomes.push((*name, result.is_ok(), secs));
    }

    println!(
        "\nxtask: summary ({:.1}s in all)",
        started.elapsed().as_secs_f64()
    );
    for (name, ok, secs) in &outcomes {
        println!(
            "  {:<6} {name} ({secs:.1}s)",
            if *ok { "passed" } else { "FAILED" }
        );
    }
    let passed = outcomes.iter().filter(|o| o.1).count();
    let failed = total - passed;
    println!("xtask: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Waits for the background install of the mdBook tools, if there is one,
/// and says how long it took. If it failed, the book steps try again in the
/// foreground (with the output streamed) and fail with the reason.
fn join_tools(background: Option<tools::Background>) -> Result<(), String> {
    let Some(background) = background else {
        println!("xtask: the mdBook tools were already installed");
        return Ok(());
    };
    let (took, waited) = background.join()?;
    println!(
        "xtask: the mdBook tools took {:.1}s to install, {:.1}s of it after the other steps",
        took.as_secs_f64(),
        waited.as_secs_f64()
    );
    Ok(())
}

/// The whole workspace is rustfmt-clean: a diff fails the step.
fn step_fmt(ctx: &Ctx) -> Result<(), String> {
    let mut cmd = ctx.cargo();
    cmd.args(["fmt", "--all", "--check"]);
    run_checked(&mut cmd, "cargo fmt --check (run `cargo fmt --all` to fix)")
}

/// Clippy on every target with every feature, so the exercise solutions and
/// the tokio-backed demos are linted too; any warning fails the step.
fn step_clippy(ctx: &Ctx) -> Result<(), String> {
    let mut cmd = ctx.cargo();
    cmd.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]);
    run_checked(&mut cmd, "cargo clippy")
}

/// Every crate's tests except the exercise crates, whose tests fail on the
/// untouched skeletons by design (step 2 checks those).
fn step_workspace_tests(ctx: &Ctx) -> Result<(), String> {
    let packages = ctx_packages(ctx)?;
    let mut cmd = ctx.cargo();
    cmd.args(["test", "--workspace", "--no-fail-fast"]);
    for p in packages.iter().filter(|p| p.ends_with("-exercises")) {
        cmd.args(["--exclude", p]);
    }
    run_checked(&mut cmd, "cargo test")
}

/// Shows `cmd`, runs it with its output streamed, and turns a failure into
/// "`what` exited with ...".
fn run_checked(cmd: &mut Command, what: &str) -> Result<(), String> {
    println!("xtask: running {}", run::describe(cmd));
    let status = run::inherit(cmd)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} exited with {status}"))
    }
}

/// The exercise check for every exercise (see [`check_exercises`]).
fn step_exercises(ctx: &Ctx) -> Result<(), String> {
    check_exercises(ctx, None)
}

/// For each exercise (all, or the one `query` names): its tests pass on the
/// solution (and so does its loom model, if it has one), all fail on the
/// untouched skeleton with a message naming the exercise, and every wrong
/// solution builds and is rejected by the tests or by the loom model.
///
/// Two exercise crates are checked at once (`XTASK_EXERCISE_JOBS` sets how
/// many): much of the time goes to tests that wait for a wrong solution's
/// timeout, which leaves the CPU to the other crate's builds. Cargo's lock
/// on the target folder lets one build run at a time, and a wrong solution
/// rebuilds only its own crate, so two crates never overwrite each other's
/// files. Each crate's report is printed whole, in book order.
fn check_exercises(ctx: &Ctx, query: Option<&str>) -> Result<(), String> {
    let all = exercises::discover(&ctx.root)?;
    if all.is_empty() {
        println!("xtask: no exercises yet (no chapters/*/exercises/tests/*.rs)");
        return Ok(());
    }
    let chosen: Vec<&Exercise> = match query {
        Some(q) => vec![exercises::find(&all, q)?],
        None => all.iter().collect(),
    };
    // One group per exercise crate, in book order.
    let mut crates: Vec<Vec<&Exercise>> = Vec::new();
    for ex in &chosen {
        match crates.last_mut() {
            Some(group) if group[0].package == ex.package => group.push(ex),
            _ => crates.push(vec![ex]),
        }
    }
    let jobs = exercise_jobs()?.min(crates.len());
    let started = Instant::now();
    let mut bad = Vec::new();
    let mut variants = 0;
    if jobs <= 1 {
        // Alone, the report streams, so a long build shows what it is for.
        for ex in &chosen {
            variants += check_exercise(ctx, ex, &mut Report::Stdout, &mut bad);
        }
    } else {
        println!(
            "xtask: checking {} exercise crate(s), {jobs} at a time; each crate's report \
             comes when it is done",
            crates.len()
        );
        in_order(
            &crates,
            jobs,
            |group| {
                let mut out = Report::Buffer(String::new());
                let mut found = Vec::new();
                let tried: usize = group
                    .iter()
                    .map(|ex| check_exercise(ctx, ex, &mut out, &mut found))
                    .sum();
                (out, found, tried)
            },
            |_, (out, found, tried)| {
                if let Report::Buffer(text) = out {
                    print!("{text}");
                }
                bad.extend(found);
                variants += tried;
            },
        );
    }
    let secs = started.elapsed().as_secs_f64();
    if bad.is_empty() {
        println!(
            "xtask: all {} exercise(s) pass on their solutions, fail on their skeletons \
             and reject their {variants} wrong solution(s) ({secs:.1}s)",
            chosen.len()
        );
        Ok(())
    } else {
        println!("xtask: exercise problems:");
        for b in &bad {
            println!("  {b}");
        }
        Err(format!("{} exercise problem(s)", bad.len()))
    }
}

/// Runs `work` on every item, `width` items at a time, and hands each result
/// to `emit` in the order of `items` (a result that comes early waits for
/// those before it), so what `emit` prints reads the same on every run.
fn in_order<T: Sync, R: Send>(
    items: &[T],
    width: usize,
    work: impl Fn(&T) -> R + Sync,
    mut emit: impl FnMut(&T, R),
) {
    let next = AtomicUsize::new(0);
    let (done_tx, done_rx) = mpsc::channel();
    thread::scope(|scope| {
        for _ in 0..width.clamp(1, items.len().max(1)) {
            let done_tx = done_tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    return;
                };
                // The receiver lives until every sender is gone.
                let _ = done_tx.send((i, work(item)));
            });
        }
        drop(done_tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next_to_emit = 0;
        for (i, result) in done_rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&next_to_emit) {
                emit(&items[next_to_emit], result);
                next_to_emit += 1;
            }
        }
    });
}

/// How many exercise crates the check works on at once: `XTASK_EXERCISE_JOBS`,
/// 2 by default.
fn exercise_jobs() -> Result<usize, String> {
    match std::env::var("XTASK_EXERCISE_JOBS") {
        Err(_) => Ok(2),
        Ok(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("XTASK_EXERCISE_JOBS={v:?}: expected a number, 1 or more")),
    }
}

/// Where the exercise check writes its report: to stdout as it goes, or to
/// a buffer printed whole later (when two crates are checked at once).
enum Report {
    Stdout,
    Buffer(String),
}

impl std::fmt::Write for Report {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        match self {
            Report::Stdout => {
                use std::io::Write;
                let mut stdout = std::io::stdout().lock();
                // Only the report: a closed stdout loses nothing the
                // verdict (the step's result) depends on.
                let _ = stdout.write_all(s.as_bytes());
                let _ = stdout.flush();
            }
            Report::Buffer(text) => text.push_str(s),
        }
        Ok(())
    }
}

/// `println!` into a [`Report`].
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        // Writing to a Report cannot fail (see its write_str).
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Every side of one exercise; returns how many wrong solutions it tried.
fn check_exercise(ctx: &Ctx, ex: &Exercise, out: &mut Report, bad: &mut Vec<String>) -> usize {
    let label = format!(
        "{} ({}, tests/{}.rs)",
        ex.short_title(),
        ex.package,
        ex.name
    );
    say!(out, "xtask: exercise {label}");
    let loom_test = ex.loom_test(&ctx.root);

    // The side's name goes out before its (maybe long) cargo run, so a CI
    // log shows what is being built.
    side_started(out, "solution");
    let mut cmd = ctx.cargo();
    cmd.args(["test", "-p", &ex.package, "--no-fail-fast"])
        .args(["--features", "solution", "--test", &ex.name]);
    let problems = judged(&mut cmd, ctx, |out, ok| {
        exercises::judge_solution(&ex.name, out, ok)
    });
    report_side(out, &label, "solution", &problems, bad);

    if let Some(loom_test) = &loom_test {
        side_started(out, "solution under loom");
        let mut cmd = loom_cmd(ctx, ex, loom_test);
        cmd.args(["--features", "solution"]);
        let problems = judged(&mut cmd, ctx, |out, ok| {
            exercises::judge_solution(loom_test, out, ok)
        });
        report_side(out, &label, "solution under loom", &problems, bad);
    }

    match exercises::skeleton_edited(&ctx.root, ex) {
        Some(true) => say!(
            out,
            "    skeleton: skipped, {} differs from git HEAD (edited); \
             restore it (`cargo xtask reset {}`) to check that the tests fail on it",
            ex.skeleton().display(),
            ex.name
        ),
        edited => {
            if edited.is_none() {
                say!(
                    out,
                    "    (git cannot tell whether the skeleton was edited; checking it anyway)"
                );
            }
            side_started(out, "skeleton");
            let mut cmd = ctx.cargo();
            cmd.args([
                "test",
                "-p",
                &ex.package,
                "--no-fail-fast",
                "--test",
                &ex.name,
            ]);
            let problems = judged(&mut cmd, ctx, |out, _| {
                exercises::judge_skeleton(&ex.name, out)
            });
            report_side(out, &label, "skeleton", &problems, bad);
        }
    }

    match std::fs::read_to_string(ctx.root.join(ex.hints_file())) {
        Ok(text) => {
            if let Err(e) = exercises::parse_hints(&text) {
                let p = format!("{label}: {}: {e}", ex.hints_file().display());
                say!(out, "    hints: {p}");
                bad.push(p);
            }
        }
        Err(_) => {
            let p = format!("{label}: no hints file {}", ex.hints_file().display());
            say!(out, "    hints: {p}");
            bad.push(p);
        }
    }

    let wrong = ex.wrong_solutions(&ctx.root);
    if let Some(p) = exercises::wrong_count_problem(ex, wrong.len()) {
        let p = format!("{label}: {p}");
        say!(out, "    wrong solutions: {p}");
        bad.push(p);
    }
    for mistake in &wrong {
        check_variant(ctx, ex, &label, mistake, loom_test.as_deref(), out, bad);
    }
    wrong.len()
}

/// How long one wrong solution's build and tests may take. Tests that wait
/// have timeouts of their own (seconds); this only stops a test that has none
/// from stalling CI.
const VARIANT_LIMIT: Duration = Duration::from_secs(300);

/// One wrong solution: it must build, and the tests (or, if they let it
/// through, the loom model) must reject it. Prints one line.
fn check_variant(
    ctx: &Ctx,
    ex: &Exercise,
    label: &str,
    mistake: &str,
    loom_test: Option<&str>,
    out: &mut Report,
    bad: &mut Vec<String>,
) {
    use exercises::VariantVerdict::{DoesNotCompile, NoResults, Passed, Rejected};
    let variant = format!("{}/{mistake}", ex.name);
    let started = Instant::now();
    let mut cmd = ctx.cargo();
    cmd.args([
        "test",
        "-p",
        &ex.package,
        "--no-fail-fast",
        "--test",
        &ex.name,
    ])
    // The normal target folder, on purpose. The variable changes only the
    // exercise crate (its build script reruns, see exercise-support), so a
    // variant costs a rebuild of that one small crate, here and again at the
    // next normal build of it. A folder of its own would cost a second debug
    // build of every dependency of every exercise crate (tokio and reqwest
    // among them): minutes on a fresh CI machine.
    .env(exercises::VARIANT_VAR, &variant);
    let (mut verdict, mut output) =
        match run::capture_within(&mut cmd, &ctx.scratch, false, Some(VARIANT_LIMIT)) {
            Ok(ran) if ran.timed_out => {
                say!(
                    out,
                    "    wrong {mistake}: FAILED, its tests were still running after {}s",
                    VARIANT_LIMIT.as_secs()
                );
                bad.push(format!(
                    "the tests of {} hung on the wrong solution {variant} for {}s: a test that \
                     waits needs a timeout, so that a mistake fails instead of hanging",
                    ex.name,
                    VARIANT_LIMIT.as_secs()
                ));
                return;
            }
            Ok(ran) => (exercises::judge_variant(&ex.name, &ran.output), ran.output),
            Err(e) => (NoResults, e),
        };
    let mut by = format!("tests/{}.rs", ex.name);
    if let (Passed, Some(loom_test)) = (&verdict, loom_test) {
        let mut cmd = loom_cmd(ctx, ex, loom_test);
        cmd.env(exercises::VARIANT_VAR, &variant);
        (verdict, output) = match run::capture(&mut cmd, &ctx.scratch, false) {
            Ok(ran) => (exercises::judge_variant(loom_test, &ran.output), ran.output),
            Err(e) => (NoResults, e),
        };
        by = format!("the loom model tests/{loom_test}.rs");
    }
    let secs = started.elapsed().as_secs_f64();
    let problem = match &verdict {
        Rejected(tests) => {
            say!(
                out,
                "    wrong {mistake}: rejected by {by} ({}) ({secs:.1}s)",
                tests.join(", ")
            );
            return;
        }
        Passed => format!(
            "the wrong solution {variant} PASSES every test: the tests do not catch this mistake"
        ),
        DoesNotCompile => format!(
            "the wrong solution wrong/{variant}.rs does not compile: fix the wrong file \
             (a mistake must build to show that the tests catch it)"
        ),
        NoResults => format!("no test results for the wrong solution {variant}"),
    };
    say!(out, "    wrong {mistake}: FAILED ({secs:.1}s)");
    report_side(
        out,
        label,
        &format!("wrong {mistake}"),
        &[(problem, Some(output))],
        bad,
    );
}

/// `cargo test -p <package> --test loom_<name> --release` under `--cfg loom`.
fn loom_cmd(ctx: &Ctx, ex: &Exercise, loom_test: &str) -> Command {
    let mut cmd = ctx.cargo();
    cmd.args(["test", "-p", &ex.package, "--release", "--test", loom_test]);
    loom::set_loom_env(&mut cmd, &ctx.root);
    cmd
}

/// Runs `cmd` captured and judges its output; a run that cannot start is a
/// problem of its own.
fn judged(
    cmd: &mut Command,
    ctx: &Ctx,
    judge: impl Fn(&str, bool) -> Vec<String>,
) -> Vec<(String, Option<String>)> {
    match run::capture(cmd, &ctx.scratch, false) {
        Ok(out) => judge(&out.output, out.status.success())
            .into_iter()
            .map(|p| (p, Some(out.output.clone())))
            .collect(),
        Err(e) => vec![(e, None)],
    }
}

fn side_started(out: &mut Report, side: &str) {
    use std::fmt::Write as _;
    // Writing to a Report cannot fail (see its write_str).
    let _ = write!(out, "    {side}: ");
}

fn report_side(
    out: &mut Report,
    label: &str,
    side: &str,
    problems: &[(String, Option<String>)],
    bad: &mut Vec<String>,
) {
    if problems.is_empty() {
        say!(out, "ok");
        return;
    }
    if !side.starts_with("wrong ") {
        say!(out, "FAILED");
    }
    for (p, _) in problems {
        say!(out, "      {p}");
        bad.push(format!("{label}, {side}: {p}"));
    }
    // The cargo output once, so the cause is in the log without a rerun.
    if let Some((_, Some(output))) = problems.first() {
        say!(out, "    ---- cargo output ({side}) ----");
        for line in output.lines() {
            say!(out, "    | {line}");
        }
        say!(out, "    ----");
    }
}

// ---------------------------------------------------------------------------
// cargo xtask exercises

fn cmd_exercises(ctx: &Ctx) -> Result<(), String> {
    let all = exercises::discover(&ctx.root)?;
    if all.is_empty() {
        println!("No exercises yet.");
        return Ok(());
    }
    let done = progress(ctx, &all, true);
    let done_count = done.iter().filter(|d| **d).count();
    println!();
    match done.iter().position(|d| !d) {
        Some(i) => {
            let ex = &all[i];
            println!("{done_count} of {} exercises done.", all.len());
            println!(
                "Next: {} — edit {}, then run `{}`",
                ex.short_title(),
                ex.skeleton().display(),
                ex.test_command()
            );
            if ex.loom_test(&ctx.root).is_some() {
                println!(
                    "      Then its loom model, which tries every interleaving: \
                     `cargo xtask loom {}`",
                    ex.name
                );
            }
            println!(
                "      Stuck? `cargo xtask hint {0}`. Re-run on every save: `cargo xtask watch {0}`.",
                ex.name
            );
        }
        None => println!("All {} exercises done", all.len()),
    }
    Ok(())
}

/// Which exercises are done, in the order of `all`. One cargo run per
/// exercise crate: it builds once and runs every test file. With `print`,
/// each chapter and exercise is listed as done or to do.
fn progress(ctx: &Ctx, all: &[Exercise], print: bool) -> Vec<bool> {
    let mut done = Vec::with_capacity(all.len());
    let mut i = 0;
    while i < all.len() {
        let package = &all[i].package;
        let end = all[i..]
            .iter()
            .position(|e| &e.package != package)
            .map_or(all.len(), |n| i + n);
        let chapter = &all[i..end];
        if print {
            println!("{} ({})", package, chapter[0].crate_dir.display());
        }
        let mut cmd = ctx.cargo();
        cmd.args(["test", "-p", package, "--no-fail-fast", "--tests"]);
        // A run that cannot start leaves the chapter's exercises not done;
        // the reader still gets the list, and the message says why.
        let binaries = match run::capture(&mut cmd, &ctx.scratch, false) {
            Ok(out) => {
                if testoutput::compile_failed(&out.output) {
                    println!(
                        "  (does not compile: run `cargo test -p {package}` to see the errors)"
                    );
                }
                testoutput::parse(&out.output)
            }
            Err(e) => {
                println!("  (could not run the tests: {e})");
                Vec::new()
            }
        };
        for ex in chapter {
            let is_done = exercises::is_done(&binaries, &ex.name);
            if print {
                println!("  [{}] {}", if is_done { "done" } else { "todo" }, ex.title);
            }
            done.push(is_done);
        }
        i = end;
    }
    done
}

// ---------------------------------------------------------------------------
// cargo xtask check-exercises, hint, reset, watch

/// `cargo xtask hint <exercise> [N]`: hint N, or the next one not shown yet.
fn cmd_hint(ctx: &Ctx, query: &str, number: Option<&str>) -> Result<(), String> {
    let all = exercises::discover(&ctx.root)?;
    let ex = exercises::find(&all, query)?;
    let file = ctx.root.join(ex.hints_file());
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("{} has no hints ({}: {e})", ex.name, file.display()))?;
    let hints =
        exercises::parse_hints(&text).map_err(|e| format!("{}: {e}", ex.hints_file().display()))?;
    // What was shown last is remembered in target/, so `hint join2` twice
    // gives hint 1, then hint 2.
    let seen_file = ctx
        .scratch
        .join("hints-shown")
        .join(format!("{}-{}", ex.package, ex.name));
    let last_shown: usize = std::fs::read_to_string(&seen_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let n = match number {
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=hints.len()).contains(n))
            .ok_or_else(|| format!("{} has hints 1 to {}, not {n:?}", ex.name, hints.len()))?,
        None => exercises::next_hint(last_shown, hints.len()),
    };
    println!("{}, hint {n} of {}:\n", ex.short_title(), hints.len());
    println!("{}\n", hints[n - 1]);
    if n < hints.len() {
        println!("(`cargo xtask hint {}` shows the next one.)", ex.name);
    } else {
        println!(
            "That was the last hint. The full solution is folded at the end of the \
             exercise on the book's exercises page."
        );
    }
    if n > last_shown {
        // Only a convenience: if it cannot be saved, the next call shows
        // the same hint again.
        let _ = std::fs::create_dir_all(seen_file.parent().unwrap_or(&ctx.scratch))
            .and_then(|()| std::fs::write(&seen_file, n.to_string()));
    }
    Ok(())
}

/// `cargo xtask reset <exercise>`: the skeleton as it is in git.
fn cmd_reset(ctx: &Ctx, query: &str) -> Result<(), String> {
    let all = exercises::discover(&ctx.root)?;
    let ex = exercises::find(&all, query)?;
    if exercises::skeleton_edited(&ctx.root, ex) == Some(false) {
        println!(
            "{} is untouched; nothing to reset.",
            ex.skeleton().display()
        );
        return Ok(());
    }
    let status = Command::new("git")
        .args(["checkout", "HEAD", "--"])
        .arg(ex.skeleton())
        .current_dir(&ctx.root)
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !status.success() {
        return Err(format!(
            "git could not restore {} ({status})",
            ex.skeleton().display()
        ));
    }
    println!(
        "{} is back to the skeleton. Start again with `{}`.",
        ex.skeleton().display(),
        ex.test_command()
    );
    Ok(())
}

/// `cargo xtask watch [exercise]`: runs the exercise's tests, then again
/// each time its file is saved. Without a name it starts at the first
/// exercise not done and moves on to the next one when it passes.
fn cmd_watch(ctx: &Ctx, query: Option<&str>) -> Result<(), String> {
    let all = exercises::discover(&ctx.root)?;
    let mut index = match query {
        Some(q) => {
            let ex = exercises::find(&all, q)?;
            all.iter()
                .position(|e| e.package == ex.package && e.name == ex.name)
                .expect("found in all")
        }
        None => {
            println!("xtask: looking for the first exercise not done yet...");
            match progress(ctx, &all, false).iter().position(|d| !d) {
                Some(i) => i,
                None => {
                    println!("All {} exercises done.", all.len());
                    return Ok(());
                }
            }
        }
    };
    loop {
        let ex = &all[index];
        println!(
            "\nxtask: {} — running `{}`",
            ex.short_title(),
            ex.test_command()
        );
        let mut cmd = ctx.cargo();
        cmd.args(["test", "-p", &ex.package, "--test", &ex.name]);
        let mut done = match run::capture(&mut cmd, &ctx.scratch, true) {
            Ok(out) => exercises::is_done(&testoutput::parse(&out.output), &ex.name),
            Err(e) => {
                println!("xtask: {e}");
                false
            }
        };
        // The races are the loom model's to find: run it once the tests pass.
        if let (true, Some(loom_test)) = (done, ex.loom_test(&ctx.root)) {
            println!(
                "\nxtask: the tests pass; now the loom model, `cargo xtask loom {}`",
                ex.name
            );
            let mut cmd = loom_cmd(ctx, ex, &loom_test);
            done = match run::capture(&mut cmd, &ctx.scratch, true) {
                Ok(out) => exercises::is_done(&testoutput::parse(&out.output), &loom_test),
                Err(e) => {
                    println!("xtask: {e}");
                    false
                }
            };
        }
        if done && query.is_none() && index + 1 < all.len() {
            println!("\nxtask: {} done! On to the next one.", ex.short_title());
            index += 1;
            continue;
        }
        if done {
            println!(
                "\nxtask: {} done! Watching it still (Ctrl-C stops).",
                ex.short_title()
            );
        } else {
            println!(
                "\nxtask: not done yet. Edit and save {} to run the tests again; \
                 `cargo xtask hint {}` if stuck; Ctrl-C stops.",
                ex.skeleton().display(),
                ex.name
            );
        }
        wait_for_change(&ctx.root.join(ex.skeleton()));
    }
}

/// Returns once `file`'s modification time differs from what it is now
/// (or the file appears or disappears). Polling twice a second is plenty
/// for a person saving a file, and needs no file-watching crate.
fn wait_for_change(file: &Path) {
    let stamp = |f: &Path| std::fs::metadata(f).and_then(|m| m.modified()).ok();
    let before = stamp(file);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if stamp(file) != before {
            // An editor may save in several writes; let them land.
            std::thread::sleep(std::time::Duration::from_millis(200));
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// cargo xtask browser

fn cmd_browser(ctx: &Ctx) -> Result<(), String> {
    // Each phase says how long it took: a cold machine spends minutes
    // installing, and the log should show where.
    let phase = |name: &str, t: Instant| {
        println!("xtask: {name} ({:.1}s)", t.elapsed().as_secs_f64());
    };
    let t = Instant::now();
    browser::ensure_chromium()?;
    browser::ensure_node_modules(&ctx.root)?;
    tools::ensure_tools(&ctx.cargo, &ctx.root)?;
    tools::ensure_mermaid_js(&ctx.root)?;
    phase(
        "chromium, playwright-core and the mdBook tools are ready",
        t,
    );
    let t = Instant::now();
    // A folder of our own, for the reason check_book gives: `cargo xtask
    // book` may be rebuilding target/book at the same time.
    let dest = ctx.root.join("target").join("book-browser");
    println!("xtask: building the book into {}", dest.display());
    let built = tools::build_book(&ctx.root, &ctx.scratch, Some(&dest))?;
    if !built.status.success() {
        return Err(format!(
            "mdbook build failed ({}); `cargo xtask check-book` says why",
            built.status
        ));
    }
    phase("book built", t);
    let t = Instant::now();
    let passed = browser::run_test(&ctx.root, &tools::html_dir(&dest))?;
    phase("browser test done", t);
    if passed {
        println!(
            "xtask: screenshots in {}",
            browser::screenshots_dir(&ctx.root).display()
        );
        Ok(())
    } else {
        Err("the browser test failed (the FAIL lines above say where)".into())
    }
}

// ---------------------------------------------------------------------------
// cargo xtask loom

/// Every chapter's loom model, two at a time: a model runs on one thread
/// (loom runs one of the model's threads at a time), so a second one uses
/// the other core. Cargo's lock on target/loom lets one build run at a
/// time. Each model's output is printed whole, in order.
fn cmd_loom(ctx: &Ctx) -> Result<(), String> {
    let tests = loom::discover(&ctx.cargo, &ctx.root)?;
    if tests.is_empty() {
        println!("xtask: no loom models (no chapters/*/tests/loom*.rs)");
        return Ok(());
    }
    let mut failed = Vec::new();
    in_order(
        &tests,
        2,
        |t| {
            let mut cmd = loom::command(&ctx.cargo, &ctx.root, t);
            let started = Instant::now();
            let ran = run::capture(&mut cmd, &ctx.scratch, false);
            (run::describe(&cmd), ran, started.elapsed())
        },
        |t, (described, ran, took)| {
            println!(
                "xtask: running RUSTFLAGS=\"--cfg loom\" LOOM_MAX_PREEMPTIONS=2 \
                 CARGO_TARGET_DIR=target/loom {described}"
            );
            let passed = match ran {
                Ok(out) => {
                    print!("{}", out.output);
                    out.status.success()
                }
                Err(e) => {
                    println!("xtask: {e}");
                    false
                }
            };
            println!(
                "xtask: loom {} --test {}: {} ({:.1}s)",
                t.package,
                t.test,
                if passed { "passed" } else { "FAILED" },
                took.as_secs_f64()
            );
            if !passed {
                failed.push(format!("{} --test {}", t.package, t.test));
            }
        },
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("loom failed: {}", failed.join(", ")))
    }
}

/// `cargo xtask loom <exercise>`: the exercise's loom model against the
/// reader's own code (the skeleton they edit).
fn cmd_loom_exercise(ctx: &Ctx, query: &str) -> Result<(), String> {
    let all = exercises::discover(&ctx.root)?;
    let ex = exercises::find(&all, query)?;
    let Some(loom_test) = ex.loom_test(&ctx.root) else {
        return Err(format!(
            "{} has no loom model (no tests/loom_{}.rs); run `{}`",
            ex.name,
            ex.name,
            ex.test_command()
        ));
    };
    let mut cmd = loom_cmd(ctx, ex, &loom_test);
    println!(
        "xtask: running RUSTFLAGS=\"--cfg loom\" LOOM_MAX_PREEMPTIONS=2 \
         CARGO_TARGET_DIR=target/loom {}",
        run::describe(&cmd)
    );
    run_checked(&mut cmd, &format!("the loom model of {}", ex.name))
}

// ---------------------------------------------------------------------------
// cargo xtask bench

fn cmd_bench(ctx: &Ctx, args: &[&str]) -> Result<(), String> {
    let mut cmd = ctx.cargo();
    cmd.args(["run", "--release", "-p", "bench", "--"])
        .args(args);
    run_checked(&mut cmd, "the benchmark")
}

/// The `#[ignore]`d stress tests: a million tasks, a thousand runtimes, a
/// million cross-worker wake-ups, on every runtime. Release mode, because in
/// a debug build they would take most of CI's budget.
fn step_stress_heavy(ctx: &Ctx) -> Result<(), String> {
    let mut cmd = ctx.cargo();
    cmd.args([
        "test",
        "--release",
        "-p",
        "byo-async-runtime",
        "--test",
        "stress",
        "--",
        "--ignored",
    ]);
    run_checked(&mut cmd, "the heavy stress tests")
}

/// Chapter 6's C10k echo (1,000 connections x 100 messages, server and
/// client processes) under valgrind: no memory errors, 0 bytes definitely
/// lost. "Possibly lost" is not counted: std and crossbeam-epoch keep
/// tagged pointers valgrind cannot follow (see book/reliability.md).
fn step_valgrind(ctx: &Ctx) -> Result<(), String> {
    browser::ensure_debian_package("/usr/bin/valgrind", "valgrind")?;
    let mut build = ctx.cargo();
    build.args(["build", "--release", "-p", "ch06-reactor", "--bin", "c10k"]);
    run_checked(&mut build, "building c10k")?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| ctx.root.join("target"));
    let c10k = target.join("release").join("c10k");
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--error-exitcode=1",
        "--trace-children=yes",
    ])
    .arg(&c10k)
    .args(["--connections", "1000", "--messages", "100"]);
    // valgrind exits with 1 for a definite leak or a memory error.
    run_checked(&mut cmd, "valgrind (leaks or memory errors)")
}

/// The benchmarks' smoke mode, so a runtime that hangs or crashes under the
/// benchmark workloads fails CI. It measures nothing worth keeping.
fn step_bench_quick(ctx: &Ctx) -> Result<(), String> {
    if !ctx_packages(ctx)?.contains("bench") {
        println!("xtask: no `bench` package in the workspace yet; skipped");
        return Ok(());
    }
    cmd_bench(ctx, &["--quick"])?;
    // Part II's own benchmarks, so they cannot rot unseen: a few seconds
    // each in their quick modes, and the idle-task count scaled down.
    let packages = ctx_packages(ctx)?;
    for (package, bench) in [
        ("ch13-budget", "hog"),
        ("ch14-timer-wheel", "hog"),
        ("ch14-timer-wheel", "timers"),
    ] {
        if packages.contains(package) {
            let mut cmd = ctx.cargo();
            cmd.args(["bench", "-p", package, "--bench", bench, "--", "--quick"]);
            run_checked(
                &mut cmd,
                &format!("{package}'s {bench} benchmark (--quick)"),
            )?;
        }
    }
    let mut cmd = ctx.cargo();
    cmd.args([
        "run",
        "--release",
        "-p",
        "bench",
        "--bin",
        "idle_tasks",
        "--",
        "--tasks",
        "10000",
    ]);
    run_checked(&mut cmd, "the idle-task memory measurement")
}
