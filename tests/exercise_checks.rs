//! The `cargo test` output parser and the exercise judges, on canned output;
//! finding exercises, their wrong solutions and hints, on a scratch folder.
//!
//! The two-sided exercise check is only as good as its reading of cargo's
//! output: a parser that lost a FAILED line would wave a broken exercise
//! through. These tests pin that reading down on real-shaped output.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::exercises::{
    binary_for, discover, find, is_done, judge_skeleton, judge_solution, judge_variant, next_hint,
    parse_hints, wrong_count_problem, VariantVerdict,
};
use xtask::testoutput::{compile_failed, parse, Outcome};

/// A real `cargo test --no-fail-fast --tests` run (backtraces shortened):
/// a lib with no unit tests, an exercise whose skeleton fails, a mixed file
/// and a passing file.
const MIXED_RUN: &str = r#"   Compiling ch09-exercises v0.1.0 (/tmp/xt/demo)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.87s
     Running unittests src/lib.rs (/tmp/xt/target/debug/deps/ch09_exercises-ffdbd3d189859a77)

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/join2.rs (/tmp/xt/target/debug/deps/join2-f044d310d97796bd)

running 2 tests
test wakes_once ... FAILED
test joins_both ... FAILED

failures:

---- wakes_once stdout ----

thread 'wakes_once' (24720) panicked at src/lib.rs:1:25:
not yet implemented: Exercise 9.1 (join2): see the book, Chapter 9, "Exercise 9.1: Join2"
stack backtrace:
   0: __rustc::rust_begin_unwind
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.

---- joins_both stdout ----

thread 'joins_both' (24719) panicked at src/lib.rs:1:25:
not yet implemented: Exercise 9.1 (join2): see the book, Chapter 9, "Exercise 9.1: Join2"
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    joins_both
    wakes_once

test result: FAILED. 0 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.21s

error: test failed, to rerun pass `--test join2`
     Running tests/mixed.rs (/tmp/xt/target/debug/deps/mixed-548358c3c6925336)

running 3 tests
test passes ... ok
test slow ... ignored
test fails ... FAILED

failures:

---- fails stdout ----

thread 'fails' (24752) panicked at tests/mixed.rs:2:22:
assertion `left == right` failed: wrong answer
  left: 2
 right: 3
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    fails

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.19s

error: test failed, to rerun pass `--test mixed`
     Running tests/pass.rs (/tmp/xt/target/debug/deps/pass-9262271938134464)

running 2 tests
test two ... ok
test one ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

error: 2 targets failed:
    `--test join2`
    `--test mixed`
"#;

/// `cargo test --features solution --test join2`: everything passes.
const PASS_RUN: &str = r#"    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.05s
     Running tests/join2.rs (target/debug/deps/join2-0bd4ac5ac5b7d6a0)

running 2 tests
test joins_both ... ok
test tests::wakes_once ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

"#;

/// A skeleton on which one test wrongly passes.
const SKELETON_ONE_PASSES: &str = r#"     Running tests/join2.rs (target/debug/deps/join2-0bd4ac5ac5b7d6a0)

running 2 tests
test is_send ... ok
test joins_both ... FAILED

failures:

---- joins_both stdout ----

thread 'joins_both' panicked at src/join2.rs:9:9:
not yet implemented: Exercise 2.1 (join2): see the book, Chapter 2, "Exercise 2.1: Join2"

failures:
    joins_both

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

error: test failed, to rerun pass `--test join2`
"#;

/// A skeleton whose test fails, but with a message that does not say which
/// exercise it is.
const SKELETON_ANONYMOUS_FAILURE: &str = r#"     Running tests/join2.rs (target/debug/deps/join2-0bd4ac5ac5b7d6a0)

running 1 test
test joins_both ... FAILED

failures:

---- joins_both stdout ----

thread 'joins_both' panicked at src/join2.rs:9:9:
not yet implemented

failures:
    joins_both

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
"#;

const COMPILE_ERROR: &str = r#"   Compiling ch02-exercises v0.1.0 (/work/main/chapters/ch02-futures/exercises)
error[E0308]: mismatched types
 --> chapters/ch02-futures/exercises/src/join2.rs:9:9
  |
9 |         1
  |         ^ expected `Poll<(A, B)>`, found integer

For more information about this error, try `rustc --explain E0308`.
error: could not compile `ch02-exercises` (lib) due to 1 previous error
"#;

#[test]
fn headers_split_the_output_into_binaries() {
    let bins = parse(MIXED_RUN);
    let sources: Vec<&str> = bins.iter().map(|b| b.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "unittests src/lib.rs",
            "tests/join2.rs",
            "tests/mixed.rs",
            "tests/pass.rs"
        ]
    );
    assert!(
        bins.iter().all(|b| b.finished),
        "every binary reached its test result line"
    );
    assert_eq!(bins[1].test_file_stem(), Some("join2"));
    assert_eq!(bins[0].test_file_stem(), None);
}

#[test]
fn failing_binary_counts_its_failures() {
    let bins = parse(MIXED_RUN);
    let join2 = binary_for(&bins, "join2").expect("join2 binary");
    assert_eq!((join2.passed(), join2.failed(), join2.ignored()), (0, 2, 0));
    let names: Vec<&str> = join2.tests.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["wakes_once", "joins_both"],
        "the second `failures:` list adds no tests"
    );
}

#[test]
fn failure_output_belongs_to_its_test() {
    let bins = parse(MIXED_RUN);
    let join2 = binary_for(&bins, "join2").expect("join2 binary");
    for t in &join2.tests {
        assert!(
            t.output.contains("Exercise 9.1 (join2)"),
            "{} should carry its panic message, got {:?}",
            t.name,
            t.output
        );
        assert!(
            t.output.contains(&format!("thread '{}'", t.name)),
            "output of {} is its own",
            t.name
        );
    }
}

#[test]
fn mixed_binary_has_each_outcome() {
    let bins = parse(MIXED_RUN);
    let mixed = binary_for(&bins, "mixed").expect("mixed binary");
    let outcomes: Vec<(&str, Outcome)> = mixed
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("passes", Outcome::Ok),
            ("slow", Outcome::Ignored),
            ("fails", Outcome::Failed)
        ]
    );
    let fails = &mixed.tests[2];
    assert!(fails.output.contains("wrong answer"));
    assert!(
        mixed.tests[0].output.is_empty(),
        "a passing test has no failure output"
    );
}

#[test]
fn passing_binary_is_done_and_others_are_not() {
    let bins = parse(MIXED_RUN);
    assert!(is_done(&bins, "pass"));
    assert!(!is_done(&bins, "join2"), "all failed");
    assert!(!is_done(&bins, "mixed"), "one failed");
    assert!(!is_done(&bins, "absent"), "no such test file");
}

#[test]
fn pass_run_is_a_good_solution() {
    let bins = parse(PASS_RUN);
    assert_eq!(bins.len(), 1);
    assert_eq!(bins[0].passed(), 2);
    assert_eq!(bins[0].tests[1].name, "tests::wakes_once");
    assert_eq!(
        judge_solution("join2", PASS_RUN, true),
        Vec::<String>::new()
    );
}

#[test]
fn pass_run_is_a_bad_skeleton() {
    let problems = judge_skeleton("join2", PASS_RUN);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("joins_both") && problems[0].contains("PASSES"));
    assert!(problems[1].contains("tests::wakes_once"));
}

#[test]
fn failing_skeleton_that_names_the_exercise_is_good() {
    let join2_only = MIXED_RUN;
    assert_eq!(judge_skeleton("join2", join2_only), Vec::<String>::new());
}

#[test]
fn failing_run_is_a_bad_solution() {
    let problems = judge_solution("join2", MIXED_RUN, false);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems
        .iter()
        .all(|p| p.contains("FAILS against the solution")));
}

#[test]
fn mixed_run_fails_both_sides() {
    let solution = judge_solution("mixed", MIXED_RUN, false);
    assert!(
        solution.iter().any(|p| p.contains("test fails FAILS")),
        "{solution:?}"
    );
    assert!(
        solution.iter().any(|p| p.contains("test slow is ignored")),
        "{solution:?}"
    );
    let skeleton = judge_skeleton("mixed", MIXED_RUN);
    assert!(
        skeleton.iter().any(|p| p.contains("test passes PASSES")),
        "{skeleton:?}"
    );
    // `fails` fails, but its message does not name the exercise.
    assert!(
        skeleton
            .iter()
            .any(|p| p.contains("test fails fails") && p.contains("\"Exercise\"")),
        "{skeleton:?}"
    );
}

#[test]
fn a_skeleton_test_that_passes_is_reported_by_name() {
    let problems = judge_skeleton("join2", SKELETON_ONE_PASSES);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("test is_send PASSES"), "{problems:?}");
}

#[test]
fn a_skeleton_failure_must_name_the_exercise() {
    let problems = judge_skeleton("join2", SKELETON_ANONYMOUS_FAILURE);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("joins_both"));
}

#[test]
fn compile_errors_are_reported_as_such() {
    assert!(compile_failed(COMPILE_ERROR));
    assert!(!compile_failed(MIXED_RUN));
    assert!(parse(COMPILE_ERROR).is_empty());
    let s = judge_skeleton("join2", COMPILE_ERROR);
    assert!(s.len() == 1 && s[0].contains("does not compile"), "{s:?}");
    let s = judge_solution("join2", COMPILE_ERROR, false);
    assert!(s.len() == 1 && s[0].contains("does not compile"), "{s:?}");
}

#[test]
fn a_test_file_with_no_tests_is_not_a_passing_solution() {
    let empty = "     Running tests/join2.rs (target/debug/deps/join2-1)\n\nrunning 0 tests\n\n\
                 test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let s = judge_solution("join2", empty, true);
    assert!(s.len() == 1 && s[0].contains("ran no test"), "{s:?}");
    assert!(!judge_skeleton("join2", empty).is_empty());
}

#[test]
fn a_crashed_binary_is_not_finished() {
    let crashed = "     Running tests/join2.rs (target/debug/deps/join2-1)\n\nrunning 2 tests\n\
                   test joins_both ... ok\n\
                   error: test failed, to rerun pass `--test join2`\n\n\
                   Caused by:\n  process didn't exit successfully: (signal: 11, SIGSEGV)\n";
    let bins = parse(crashed);
    assert!(!bins[0].finished);
    assert!(!is_done(&bins, "join2"));
    assert!(!judge_solution("join2", crashed, false).is_empty());
}

#[test]
fn windows_paths_and_doc_tests_are_headers_too() {
    let out = "     Running tests\\join2.rs (target\\debug\\deps\\join2-1.exe)\n\nrunning 1 test\n\
               test a ... ok\n\ntest result: ok. 1 passed; 0 failed\n\n   Doc-tests ch02_exercises\n\n\
               running 1 test\ntest src/lib.rs - join2 (line 3) ... ok\n\ntest result: ok. 1 passed\n";
    let bins = parse(out);
    assert_eq!(bins.len(), 2);
    assert_eq!(bins[0].test_file_stem(), Some("join2"));
    assert_eq!(bins[1].source, "Doc-tests ch02_exercises");
    assert_eq!(bins[1].tests[0].name, "src/lib.rs - join2 (line 3)");
}

// ---------------------------------------------------------------------------
// Wrong solutions, hints, and finding exercises on disk

/// A wrong solution that every test lets through.
const VARIANT_PASSES: &str = r#"   Compiling ch09-exercises v0.1.0 (/tmp/xt/demo)
     Running tests/join2.rs (target/exercise-variants/debug/deps/join2-1)

running 2 tests
test joins_both ... ok
test wakes_once ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

"#;

#[test]
fn a_wrong_solution_that_passes_is_reported() {
    assert_eq!(
        judge_variant("join2", VARIANT_PASSES),
        VariantVerdict::Passed
    );
}

#[test]
fn a_wrong_solution_that_fails_a_test_is_rejected_by_that_test() {
    assert_eq!(
        judge_variant("mixed", MIXED_RUN),
        VariantVerdict::Rejected(vec!["fails".to_string()])
    );
    assert_eq!(
        judge_variant("join2", MIXED_RUN),
        VariantVerdict::Rejected(vec!["wakes_once".to_string(), "joins_both".to_string()])
    );
}

#[test]
fn a_wrong_solution_that_does_not_compile_is_a_defect_of_the_wrong_file() {
    assert_eq!(
        judge_variant("join2", COMPILE_ERROR),
        VariantVerdict::DoesNotCompile
    );
    assert_eq!(judge_variant("join2", ""), VariantVerdict::NoResults);
}

#[test]
fn a_wrong_solution_that_crashes_the_tests_is_rejected() {
    // A double free aborts the binary before its summary.
    let crashed = "     Running tests/arc_waker.rs (target/debug/deps/arc_waker-1)\n\n\
                   running 2 tests\ntest counts ... ok\n\
                   error: test failed, to rerun pass `--test arc_waker`\n\n\
                   Caused by:\n  process didn't exit successfully (signal: 6, SIGABRT)\n";
    assert!(matches!(
        judge_variant("arc_waker", crashed),
        VariantVerdict::Rejected(_)
    ));
}

#[test]
fn a_crash_after_a_panic_is_reported_with_the_panic() {
    // Loom reports a deadlock, then aborts in its own clean-up.
    let crashed = "     Running tests/loom_sleeper.rs (target/loom/release/deps/loom_sleeper-1)\n\n\
                   running 2 tests\n\n\
                   thread 'one_push' (26480) panicked at loom-0.7.3/src/rt/execution.rs:215:13:\n\
                   deadlock; threads = [(Id(0), Blocked(Location(None)))]\n\
                   note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\
                   thread 'one_push' (26480) panicked at loom-0.7.3/src/rt/thread.rs:276:39:\n\
                   called `Option::unwrap()` on a `None` value\n\
                   thread caused non-unwinding panic. aborting.\n\
                   error: test failed, to rerun pass `--test loom_sleeper`\n";
    assert_eq!(
        judge_variant("loom_sleeper", crashed),
        VariantVerdict::Rejected(vec![
            "the test binary crashed after one_push: deadlock; threads = [(Id(0), Blocked(Location(None)))]"
                .to_string()
        ])
    );
}

#[test]
fn the_loom_model_is_judged_by_its_own_binary() {
    let loom_run =
        "     Running tests/loom_output_slot.rs (target/loom/release/deps/loom_output_slot-1)\n\n\
                    running 1 test\ntest no_lost_wake_up ... FAILED\n\n\
                    test result: FAILED. 0 passed; 1 failed; 0 ignored\n";
    assert_eq!(
        judge_variant("loom_output_slot", loom_run),
        VariantVerdict::Rejected(vec!["no_lost_wake_up".to_string()])
    );
    assert_eq!(
        judge_variant("output_slot", loom_run),
        VariantVerdict::NoResults
    );
}

/// A scratch repository with one exercise crate, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("exercise-checks-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        Scratch(dir)
    }
    fn write(&self, path: &str, text: &str) {
        let file = self.0.join(path);
        fs::create_dir_all(file.parent().expect("has a parent")).expect("mkdir");
        fs::write(file, text).expect("write");
    }
    fn root(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn scratch_chapter(tag: &str) -> Scratch {
    let s = Scratch::new(tag);
    let c = "chapters/ch09-demo/exercises";
    s.write(
        &format!("{c}/Cargo.toml"),
        "[package]\nname = \"ch09-exercises\"\n",
    );
    s.write(&format!("{c}/src/one.rs"), "//! Exercise 9.2: One.\n");
    s.write(&format!("{c}/src/two.rs"), "//! Exercise 9.1: Two.\n");
    s.write(&format!("{c}/tests/one.rs"), "");
    s.write(&format!("{c}/tests/two.rs"), "");
    s.write(&format!("{c}/tests/loom_two.rs"), "");
    s.write(&format!("{c}/wrong/one/late_drop.rs"), "");
    s.write(&format!("{c}/wrong/two/lost_wake.rs"), "");
    s.write(&format!("{c}/wrong/two/busy_loop.rs"), "");
    s.write(&format!("{c}/wrong/two/notes.md"), "");
    s
}

#[test]
fn exercises_are_found_with_their_wrong_solutions_and_loom_models() {
    let s = scratch_chapter("discover");
    let all = discover(s.root()).expect("discover");
    let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["two", "one"],
        "in exercise-number order, no loom_two"
    );
    assert_eq!(all[0].package, "ch09-exercises");
    assert_eq!(all[0].wrong_solutions(s.root()), ["busy_loop", "lost_wake"]);
    assert_eq!(all[1].wrong_solutions(s.root()), ["late_drop"]);
    assert_eq!(all[0].loom_test(s.root()).as_deref(), Some("loom_two"));
    assert_eq!(all[1].loom_test(s.root()), None);
    assert_eq!(
        all[0].test_command(),
        "cargo test -p ch09-exercises --test two"
    );
}

#[test]
fn fewer_than_two_wrong_solutions_is_reported_with_the_exercise_name() {
    let s = scratch_chapter("count");
    let all = discover(s.root()).expect("discover");
    let one = &all[1];
    let problem = wrong_count_problem(one, one.wrong_solutions(s.root()).len())
        .expect("one wrong solution is too few");
    assert!(
        problem.contains("one has 1 wrong solution") && problem.contains("wrong/one"),
        "{problem}"
    );
    assert_eq!(wrong_count_problem(&all[0], 2), None);
    assert!(wrong_count_problem(&all[0], 0).is_some());
}

#[test]
fn an_exercise_is_found_by_name_or_by_package_and_name() {
    let s = scratch_chapter("find");
    let mut all = discover(s.root()).expect("discover");
    assert_eq!(find(&all, "one").expect("one").name, "one");
    let err = find(&all, "three").expect_err("no such exercise");
    assert!(err.contains("one") && err.contains("two"), "{err}");
    // The same name in another chapter: the bare name is ambiguous.
    let mut other = all[1].clone();
    other.package = "ch10-exercises".to_string();
    all.push(other);
    assert!(find(&all, "one")
        .expect_err("two match")
        .contains("ch10-exercises/one"));
    assert_eq!(
        find(&all, "ch10-exercises/one").expect("qualified").package,
        "ch10-exercises"
    );
}

#[test]
fn hints_are_the_numbered_sections_in_order() {
    let text = "# Hints for join2\n\nRead the page first.\n\n## Hint 1\n\nPoll both.\n\n\
                ## Hint 2: the trap\n\nA finished future\nmust not be polled.\n\n## Hint 3\nBox::pin.\n";
    let hints = parse_hints(text).expect("valid");
    assert_eq!(
        hints,
        [
            "Poll both.",
            "A finished future\nmust not be polled.",
            "Box::pin."
        ]
    );
}

#[test]
fn the_anchor_marks_the_book_includes_hints_by_are_not_shown() {
    let text = "## Hint 1\n<!-- ANCHOR: hint1 -->\nPoll both.\n<!-- ANCHOR_END: hint1 -->\n\n\
                ## Hint 2\n<!-- ANCHOR: hint2 -->\nBox::pin.\n<!-- ANCHOR_END: hint2 -->\n";
    assert_eq!(
        parse_hints(text).expect("valid"),
        ["Poll both.", "Box::pin."]
    );
}

#[test]
fn badly_numbered_or_empty_hints_are_errors() {
    let skipped = parse_hints("## Hint 1\na\n## Hint 3\nc\n").expect_err("2 is missing");
    assert!(skipped.contains("Hint 2"), "{skipped}");
    let empty = parse_hints("## Hint 1\n\n## Hint 2\nb\n").expect_err("1 is empty");
    assert!(
        empty.contains("Hint 1") && empty.contains("empty"),
        "{empty}"
    );
    assert!(parse_hints("no hints at all\n").is_err());
}

#[test]
fn without_a_number_the_next_unseen_hint_is_shown() {
    assert_eq!(next_hint(0, 3), 1);
    assert_eq!(next_hint(1, 3), 2);
    assert_eq!(next_hint(3, 3), 3, "after the last, the last again");
    assert_eq!(next_hint(7, 3), 3);
}

#[test]
fn every_hints_file_in_the_workspace_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let all = discover(root).expect("discover");
    for ex in &all {
        let file = root.join(ex.hints_file());
        if let Ok(text) = fs::read_to_string(&file) {
            if let Err(e) = parse_hints(&text) {
                panic!("{}: {e}", file.display());
            }
        }
    }
}

#[test]
fn a_run_past_its_limit_is_killed_with_what_it_started() {
    // `sh` starts `sleep` as a child: the kill must reach both, or the echo
    // after the sleep would still print.
    let scratch = std::env::temp_dir().join(format!("xtask-limit-{}", std::process::id()));
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "echo started; sleep 5; echo finished"]);
    let out = xtask::run::capture_within(
        &mut cmd,
        &scratch,
        false,
        Some(std::time::Duration::from_millis(500)),
    )
    .expect("sh runs");
    assert!(out.timed_out, "the run was not reported as timed out");
    assert!(out.output.contains("started"), "output: {}", out.output);
    assert!(
        !out.output.contains("finished"),
        "the shell ran on after the kill: {}",
        out.output
    );
    let _ = fs::remove_dir_all(&scratch);
}
