//! Reads the human output of `cargo test` (stdout and stderr merged, in order).
//!
//! cargo prints a `Running tests/<name>.rs (...)` header (on stderr) before
//! each test binary, and each binary prints `test <path> ... ok|FAILED|ignored`
//! lines, then a `failures:` section with a `---- <path> stdout ----` block
//! per failed test. That is all the exercise checks need: which tests of which
//! file passed or failed, and what a failed one printed.

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Ignored,
}

/// One `test ... <outcome>` line, with the output libtest showed for it if
/// it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    pub name: String,
    pub outcome: Outcome,
    pub output: String,
}

/// The tests of one binary (one `Running` or `Doc-tests` header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    /// What the header names: `tests/join2.rs`, `unittests src/lib.rs`,
    /// `Doc-tests ch02_exercises`; empty for lines seen before any header.
    pub source: String,
    pub tests: Vec<TestCase>,
    /// Whether the binary got as far as its `test result:` line; false when
    /// it crashed or was killed.
    pub finished: bool,
}

impl Binary {
    pub fn passed(&self) -> usize {
        self.count(Outcome::Ok)
    }
    pub fn failed(&self) -> usize {
        self.count(Outcome::Failed)
    }
    pub fn ignored(&self) -> usize {
        self.count(Outcome::Ignored)
    }
    fn count(&self, outcome: Outcome) -> usize {
        self.tests.iter().filter(|t| t.outcome == outcome).count()
    }
    /// The integration-test file this binary was built from, if it was one:
    /// `join2` for `tests/join2.rs`.
    pub fn test_file_stem(&self) -> Option<&str> {
        self.source.strip_prefix("tests/")?.strip_suffix(".rs")
    }
}

/// Splits merged `cargo test` output into binaries and their tests.
pub fn parse(output: &str) -> Vec<Binary> {
    let mut binaries: Vec<Binary> = Vec::new();
    // The failed test whose captured output we are reading, if any.
    let mut capturing: Option<String> = None;

    for raw in output.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();

        if let Some(source) = header(trimmed) {
            capturing = None;
            binaries.push(Binary {
                source,
                tests: Vec::new(),
                finished: false,
            });
            continue;
        }
        if binaries.is_empty() && (trimmed.starts_with("test ") || trimmed.starts_with("running "))
        {
            binaries.push(Binary {
                source: String::new(),
                tests: Vec::new(),
                finished: false,
            });
        }
        let Some(current) = binaries.last_mut() else {
            continue;
        };

        if trimmed.starts_with("test result:") {
            capturing = None;
            current.finished = true;
            continue;
        }
        if let Some(name) = trimmed
            .strip_prefix("---- ")
            .and_then(|r| r.strip_suffix(" ----"))
            .and_then(|r| r.rsplit_once(' ').map(|(n, _stream)| n))
        {
            capturing = Some(name.to_string());
            continue;
        }
        if trimmed == "failures:" || trimmed == "successes:" {
            capturing = None;
            continue;
        }
        if let Some(name) = &capturing {
            if let Some(case) = current.tests.iter_mut().find(|t| &t.name == name) {
                case.output.push_str(line);
                case.output.push('\n');
            }
            continue;
        }
        if let Some((name, outcome)) = test_line(trimmed) {
            current.tests.push(TestCase {
                name,
                outcome,
                output: String::new(),
            });
        }
    }
    binaries
}

/// `Running tests/join2.rs (target/debug/deps/join2-1a2b)` gives
/// `tests/join2.rs`; `Doc-tests ch02_exercises` gives itself.
fn header(line: &str) -> Option<String> {
    if let Some(rest) = line.strip_prefix("Running ") {
        let source = match rest.rfind(" (") {
            Some(i) if rest.ends_with(')') => &rest[..i],
            _ => rest,
        };
        // Windows prints `tests\join2.rs`.
        return Some(source.trim().replace('\\', "/"));
    }
    if line.starts_with("Doc-tests ") {
        return Some(line.to_string());
    }
    None
}

/// `test tests::adds ... ok` gives (`tests::adds`, Ok).
fn test_line(line: &str) -> Option<(String, Outcome)> {
    let rest = line.strip_prefix("test ")?;
    let (name, result) = rest.rsplit_once(" ... ")?;
    let result = result.trim();
    let outcome = if result == "ok" {
        Outcome::Ok
    } else if result.starts_with("FAILED") {
        Outcome::Failed
    } else if result.starts_with("ignored") {
        Outcome::Ignored
    } else {
        return None;
    };
    Some((name.trim().to_string(), outcome))
}

/// Whether the output shows a build that failed before any test could run.
pub fn compile_failed(output: &str) -> bool {
    output
        .lines()
        .any(|l| l.trim_start().starts_with("error: could not compile"))
}
