//! The exercises: finding them, judging a `cargo test` run of one, and the
//! two-sided check (tests pass on the solution, fail on the skeleton).
//!
//! An exercise is `tests/<name>.rs` in an exercise crate
//! (`chapters/*/exercises`), with its skeleton `src/<name>.rs` and its
//! solution `solutions/<name>.rs`. See CONTRIBUTING.md.

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
