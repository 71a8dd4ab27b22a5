//! The exercises: finding them, judging a `cargo test` run of one, and the
//! many-sided check (tests pass on the solution, fail on the skeleton, and
//! reject every wrong solution).
//!
//! An exercise is `tests/<name>.rs` in an exercise crate
//! (`chapters/*/exercises`), with its skeleton `src/<name>.rs`, its
//! solution `solutions/<name>.rs`, its wrong solutions
//! `wrong/<name>/<mistake>.rs`, its hints `hints/<name>.md` and, for the
//! exercises about a race, a loom model `tests/loom_<name>.rs`. See
//! CONTRIBUTING.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::testoutput::{self, Binary, Outcome};

/// One exercise, as found on disk.
#[derive(Debug, Clone)]
pub struct Exercise {
    /// The exercise crate, relative to the repository root
    /// (`chapters/ch02-futures/exercises`).
    pub crate_dir: PathBuf,
    /// Its package name (`ch02-exercises`).
    pub package: String,
    /// The file stem shared by test, skeleton and solution (`join2`).
    pub name: String,
    /// The skeleton's first `//!` line, without the `//!`.
    pub title: String,
}

impl Exercise {
    /// The skeleton the reader edits, relative to the repository root.
    pub fn skeleton(&self) -> PathBuf {
        self.crate_dir.join("src").join(format!("{}.rs", self.name))
    }

    /// The hints file, relative to the repository root.
    pub fn hints_file(&self) -> PathBuf {
        self.crate_dir
            .join("hints")
            .join(format!("{}.md", self.name))
    }

    /// The loom model's test target (`loom_output_slot`), if the exercise
    /// has one.
    pub fn loom_test(&self, root: &Path) -> Option<String> {
        let test = format!("loom_{}", self.name);
        let file = root
            .join(&self.crate_dir)
            .join("tests")
            .join(format!("{test}.rs"));
        file.is_file().then_some(test)
    }

    /// The names of the wrong solutions, `wrong/<name>/<mistake>.rs`, sorted.
    pub fn wrong_solutions(&self, root: &Path) -> Vec<String> {
        let dir = root.join(&self.crate_dir).join("wrong").join(&self.name);
        let Ok(entries) = fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names
    }

    /// The command a reader runs for this exercise alone.
    pub fn test_command(&self) -> String {
        format!("cargo test -p {} --test {}", self.package, self.name)
    }

    /// Whether `query` names this exercise: `join2`, or `ch02-exercises/join2`
    /// when two chapters have an exercise of the same name.
    pub fn matches(&self, query: &str) -> bool {
        match query.split_once('/') {
            Some((package, name)) => package == self.package && name == self.name,
            None => query == self.name,
        }
    }

    /// The title without its book reference: `Exercise 2.1: Join2`.
    pub fn short_title(&self) -> &str {
        let t = self.title.split(" (book:").next().unwrap_or(&self.title);
        t.trim_end_matches('.').trim()
    }

    /// `(2, 1)` for "Exercise 2.1: ...", used to order a chapter's exercises
    /// so that 2.10 comes after 2.9.
    pub fn number(&self) -> Option<Vec<u32>> {
        let rest = self.title.strip_prefix("Exercise ")?;
        let num = rest.split(|c: char| c == ':' || c.is_whitespace()).next()?;
        num.split('.').map(|p| p.parse().ok()).collect()
    }
}

/// Every exercise in the repository, chapter by chapter, in book order.
/// Exercise crates without `tests/*.rs` have no exercises yet and are skipped.
/// `tests/loom*.rs` are loom models, not exercises.
pub fn discover(root: &Path) -> Result<Vec<Exercise>, String> {
    let chapters = root.join("chapters");
    let mut chapter_dirs: Vec<PathBuf> = fs::read_dir(&chapters)
        .map_err(|e| format!("cannot list {}: {e}", chapters.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("exercises").join("Cargo.toml").is_file())
        .collect();
    chapter_dirs.sort();

    let mut all = Vec::new();
    for chapter in chapter_dirs {
        let crate_abs = chapter.join("exercises");
        let tests_dir = crate_abs.join("tests");
        let Ok(entries) = fs::read_dir(&tests_dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .filter(|name| !name.starts_with("loom"))
            .collect();
        if names.is_empty() {
            continue;
        }
        names.sort();
        let package = package_name(&crate_abs.join("Cargo.toml"))?;
        let crate_dir = crate_abs
            .strip_prefix(root)
            .unwrap_or(&crate_abs)
            .to_path_buf();
        let mut exercises: Vec<Exercise> = names
            .into_iter()
            .map(|name| {
                let skeleton = crate_abs.join("src").join(format!("{name}.rs"));
                let title = fs::read_to_string(&skeleton)
                    .ok()
                    .and_then(|s| {
                        s.lines().find_map(|l| {
                            l.trim().strip_prefix("//!").map(|t| t.trim().to_string())
                        })
                    })
                    .unwrap_or_else(|| format!("{name} (no skeleton src/{name}.rs yet)"));
                Exercise {
                    crate_dir: crate_dir.clone(),
                    package: package.clone(),
                    name,
                    title,
                }
            })
            .collect();
        // Numbered exercises in number order, unnumbered ones after, by name.
        exercises.sort_by(|a, b| {
            (a.number().is_none(), a.number(), &a.name).cmp(&(
                b.number().is_none(),
                b.number(),
                &b.name,
            ))
        });
        all.extend(exercises);
    }
    Ok(all)
}

/// The `name = "..."` of a Cargo.toml's `[package]` table.
fn package_name(manifest: &Path) -> Result<String, String> {
    let text = fs::read_to_string(manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("name") {
                let value = value.trim_start();
                if let Some(value) = value.strip_prefix('=') {
                    return Ok(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    Err(format!("{} has no [package] name", manifest.display()))
}

/// The binary of a parsed run that holds `tests/<name>.rs`.
pub fn binary_for<'a>(binaries: &'a [Binary], name: &str) -> Option<&'a Binary> {
    binaries.iter().find(|b| b.test_file_stem() == Some(name))
}

/// Whether a reader's run shows the exercise done: its tests all ran and
/// passed.
pub fn is_done(binaries: &[Binary], name: &str) -> bool {
    binary_for(binaries, name)
        .is_some_and(|b| b.finished && b.passed() > 0 && b.failed() == 0 && b.ignored() == 0)
}

/// Judges a `cargo test --features solution --test <name>` run: every test
/// must pass and at least one must run. Returns the problems, empty if none.
pub fn judge_solution(name: &str, output: &str, exit_ok: bool) -> Vec<String> {
    let binaries = testoutput::parse(output);
    let Some(bin) = binary_for(&binaries, name) else {
        return vec![if testoutput::compile_failed(output) {
            "does not compile with --features solution".to_string()
        } else {
            format!("no results for tests/{name}.rs in the cargo test output")
        }];
    };
    let mut problems = Vec::new();
    for t in &bin.tests {
        match t.outcome {
            Outcome::Ok => {}
            Outcome::Failed => problems.push(format!("test {} FAILS against the solution", t.name)),
            Outcome::Ignored => {
                problems.push(format!("test {} is ignored, so it checks nothing", t.name))
            }
        }
    }
    if bin.passed() == 0 && problems.is_empty() {
        problems.push(format!("tests/{name}.rs ran no test against the solution"));
    }
    if !bin.finished && problems.is_empty() {
        problems.push(format!(
            "tests/{name}.rs stopped before its summary (crashed?)"
        ));
    }
    if !exit_ok && problems.is_empty() {
        problems.push("cargo test exited with failure against the solution".to_string());
    }
    problems
}

/// Judges a `cargo test --test <name>` run against the untouched skeleton:
/// every test must fail, and its failure must mention "Exercise" (the
/// skeleton's `todo!` names the exercise, so a reader who runs the tests is
/// told where to read).
pub fn judge_skeleton(name: &str, output: &str) -> Vec<String> {
    let binaries = testoutput::parse(output);
    let Some(bin) = binary_for(&binaries, name) else {
        return vec![if testoutput::compile_failed(output) {
            "the skeleton does not compile: the reader must start from code that builds".to_string()
        } else {
            format!("no results for tests/{name}.rs in the cargo test output")
        }];
    };
    if bin.tests.is_empty() {
        return vec![format!("tests/{name}.rs ran no test against the skeleton")];
    }
    let mut problems = Vec::new();
    for t in &bin.tests {
        match t.outcome {
            Outcome::Ok => problems.push(format!(
                "test {} PASSES against the untouched skeleton: it does not test the exercise",
                t.name
            )),
            Outcome::Ignored => problems.push(format!(
                "test {} is ignored, so it cannot show the skeleton is unfinished",
                t.name
            )),
            Outcome::Failed => {
                // Without a failures section (a crash) the whole output is
                // all we have to go on.
                let text = if t.output.is_empty() {
                    output
                } else {
                    &t.output
                };
                if !text.contains("Exercise") {
                    problems.push(format!(
                        "test {} fails against the skeleton, but its output does not say \
                         \"Exercise\": the skeleton's todo! should name the exercise",
                        t.name
                    ));
                }
            }
        }
    }
    problems
}

/// Whether the reader has changed the skeleton since the last commit.
/// `None` when git cannot tell (not installed, not a repository).
pub fn skeleton_edited(root: &Path, ex: &Exercise) -> Option<bool> {
    let status = Command::new("git")
        .args(["diff", "--quiet", "HEAD", "--"])
        .arg(ex.skeleton())
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    match status.code() {
        Some(0) => Some(false),
        Some(1) => Some(true),
        _ => None,
    }
}

/// The environment variable that builds a wrong solution in place of an
/// exercise (read by `exercise-support`'s build script).
pub const VARIANT_VAR: &str = "EXERCISE_VARIANT";

/// Every exercise ships at least this many wrong solutions.
pub const MIN_WRONG_SOLUTIONS: usize = 2;

/// The problem with an exercise that has too few wrong solutions, if it has.
pub fn wrong_count_problem(ex: &Exercise, count: usize) -> Option<String> {
    (count < MIN_WRONG_SOLUTIONS).then(|| {
        format!(
            "{} has {count} wrong solution(s) in {}; it needs at least \
             {MIN_WRONG_SOLUTIONS} (plausible mistakes its tests must reject)",
            ex.name,
            ex.crate_dir.join("wrong").join(&ex.name).display()
        )
    })
}

/// What the tests made of one wrong solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantVerdict {
    /// At least one test failed (or the test binary crashed): as it should.
    /// The names of the failed tests, or a word on the crash.
    Rejected(Vec<String>),
    /// Every test passed: the tests let this mistake through.
    Passed,
    /// The wrong file itself does not build: a defect of the wrong file.
    DoesNotCompile,
    /// cargo printed no results for the exercise's test file.
    NoResults,
}

/// Judges `cargo test --test <name>` (or `--test loom_<name>`, with `test`
/// set to that target) run against a wrong solution.
pub fn judge_variant(test: &str, output: &str) -> VariantVerdict {
    let binaries = testoutput::parse(output);
    let Some(bin) = binary_for(&binaries, test) else {
        return if testoutput::compile_failed(output) {
            VariantVerdict::DoesNotCompile
        } else {
            VariantVerdict::NoResults
        };
    };
    let failed: Vec<String> = bin
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Failed)
        .map(|t| t.name.clone())
        .collect();
    if !failed.is_empty() {
        return VariantVerdict::Rejected(failed);
    }
    if !bin.finished {
        // A double free or an abort kills the binary before its summary:
        // the mistake was caught, if not gracefully. Loom, for one, finds a
        // deadlock, panics, and then aborts in its own clean-up (a known
        // loom bug): the first panic says what was found.
        let word = match first_panic(output) {
            Some(panic) => format!("the test binary crashed after {panic}"),
            None => "the test binary crashed".to_string(),
        };
        return VariantVerdict::Rejected(vec![word]);
    }
    if bin.passed() == 0 {
        return VariantVerdict::NoResults;
    }
    VariantVerdict::Passed
}

/// The first panic in a test run's output, as "test: message" (the
/// message's first line, cut short), if there was one.
fn first_panic(output: &str) -> Option<String> {
    let mut lines = output.lines();
    let header =
        lines.find(|line| line.starts_with("thread '") && line.contains(" panicked at "))?;
    // `thread 'name' (id) panicked at file:line:col:`, the message on the
    // next line (older toolchains put it on the same line, after a quote).
    let name = header.split('\'').nth(1).unwrap_or("?");
    let message = match header.split_once(" panicked at '") {
        Some((_, rest)) => rest.trim_end_matches(|c| c != '\'').trim_end_matches('\''),
        None => lines.next().unwrap_or(""),
    };
    let message: String = message.chars().take(100).collect();
    Some(format!("{name}: {message}"))
}

/// The `## Hint N` sections of a hints file, in order, without their
/// headings and without whole-line HTML comments (the `<!-- ANCHOR: hint1 -->`
/// marks the book includes them by). Text before the first hint (a title)
/// is not a hint.
///
/// # Errors
///
/// When the hints are not numbered 1, 2, 3, ... in order, or one is empty.
pub fn parse_hints(text: &str) -> Result<Vec<String>, String> {
    let mut hints: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.trim_end().strip_prefix("## Hint ") {
            if let Some(done) = current.take() {
                hints.push(done);
            }
            let number = rest
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("");
            let expected = hints.len() + 1;
            if number.parse::<usize>().ok() != Some(expected) {
                return Err(format!(
                    "expected \"## Hint {expected}\", found \"{}\"",
                    line.trim_end()
                ));
            }
            current = Some(String::new());
        } else if let Some(hint) = current.as_mut() {
            // `<!-- ANCHOR: hint1 -->` marks let the book include a hint;
            // they are not part of what the reader is told.
            let t = line.trim();
            if t.starts_with("<!--") && t.ends_with("-->") {
                continue;
            }
            hint.push_str(line);
            hint.push('\n');
        }
    }
    hints.extend(current);
    for (i, hint) in hints.iter_mut().enumerate() {
        *hint = hint.trim().to_string();
        if hint.is_empty() {
            return Err(format!("\"## Hint {}\" is empty", i + 1));
        }
    }
    if hints.is_empty() {
        return Err("no \"## Hint 1\" section".to_string());
    }
    Ok(hints)
}

/// Which hint `cargo xtask hint <exercise>` shows when no number is given:
/// the one after the last shown, or the last again once all were shown.
pub fn next_hint(last_shown: usize, count: usize) -> usize {
    (last_shown + 1).min(count).max(1)
}

/// The exercise `query` names (see [`Exercise::matches`]).
///
/// # Errors
///
/// When no exercise or more than one matches; the message lists the names.
pub fn find<'a>(all: &'a [Exercise], query: &str) -> Result<&'a Exercise, String> {
    let found: Vec<&Exercise> = all.iter().filter(|e| e.matches(query)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no exercise named {query:?}; the exercises are: {}",
            all.iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        many => Err(format!(
            "{query:?} names {} exercises; say which: {}",
            many.len(),
            many.iter()
                .map(|e| format!("{}/{}", e.package, e.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
