//! The book checks: the real book passes them, and a deliberately broken
//! book trips every one of them.
//!
//! mdBook itself exits 0 on a missing include file and says nothing about a
//! missing anchor, so these checks are all that stands between a typo and a
//! published page with an empty code block. Each kind of breakage is asserted
//! on its own, so a checker that stops seeing one fails here.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xtask::bookcheck::{
    chapter_of, check_build_log, check_html_output, check_sources, check_sources_with,
    find_cargo_commands, find_cargo_packages, warning_boxes, workspace_packages, CargoCommand,
    Limits, Problem, ProblemKind,
};

fn repo_root() -> PathBuf {
    // At run time, so a checkout moved with its target/ still checks itself.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// A fresh empty directory under the system temp dir, unique to this test.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "byo-book-checks-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    // Left over only if a pid was reused; starting clean matters more.
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("creating a scratch dir in the temp dir");
    dir
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("scratch files have a parent")).expect("mkdir");
    fs::write(path, text).expect("writing a scratch file");
}

fn packages() -> BTreeSet<String> {
    ["ch01-blocking", "ch02-exercises"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn the_real_book_passes_the_source_checks() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let packages = workspace_packages(&cargo, &repo_root()).expect("cargo metadata");
    assert!(
        packages.contains("xtask") && packages.contains("ch01-blocking"),
        "{packages:?}"
    );
    let problems = check_sources(&repo_root().join("book"), &packages);
    let listed: Vec<String> = problems.iter().map(Problem::to_string).collect();
    assert!(
        problems.is_empty(),
        "the book has problems:\n{}",
        listed.join("\n")
    );
}

/// The source file the broken book includes from: one good anchor, one
/// anchor that is never closed, ten lines in all.
const CODE: &str = "\
// ANCHOR: good
fn good() {}
// ANCHOR_END: good

// ANCHOR: open
fn open() {}

fn six() {}
fn seven() {}
fn eight() {}
";

/// Builds a book with exactly one of each problem (and some correct
/// constructs that must not be reported).
fn broken_book() -> PathBuf {
    let dir = scratch("broken");
    write(&dir.join("src/code.rs"), CODE);
    write(
        &dir.join("book/SUMMARY.md"),
        "# Summary\n\n[Introduction](intro.md)\n\n- [Chapter](chapter.md)\n- [Draft]()\n",
    );
    write(
        &dir.join("book/intro.md"),
        "# Intro\n\nAll fine here:\n\n```rust,noplayground\n{{#include ../src/code.rs:good}}\n```\n\n\
         ```console\n$ cargo run -p ch01-blocking\n```\n\nRun `cargo test -p ch02-exercises`.\n\n\
         ````markdown\n```rust\nthis is shown as text, inside a four-backtick block\n```\n````\n\n\
         Escaped: \\{{#include nothing.rs}}\n\n{{#include ../src/code.rs:2:3}}\n{{#include ../src/code.rs:8:}}\n\n\
         ```mermaid\nflowchart LR\n    a[\"Step 1. fine\"] --> b[2 - fine]\n```\n\n\
         > One line in a quote is fine:\n> ```rust,noplayground\n> {{#include ../src/code.rs:good}}\n> ```\n",
    );
    write(
        &dir.join("book/chapter.md"),
        "# Chapter\n\
         \n\
         {{#include ../src/missing.rs}}\n\
         {{#rustdoc_include ../src/code.rs:nope}}\n\
         {{#include ../src/code.rs:open}}\n\
         {{#include ../src/code.rs:5:500}}\n\
         \n\
         Then `cargo run -p no-such-crate` shows it.\n\
         \n\
         ```rust\n\
         fn typed_in() {}\n\
         ```\n\
         \n\
         > [!WARNING]\n\
         > ```rust,noplayground\n\
         > {{#include ../src/code.rs:6:9}}\n\
         > ```\n\
         \n\
         ```mermaid\n\
         flowchart TD\n\
         \x20   a[\"1. Numbered\"] --> b(\"Step 2: fine\")\n\
         ```\n",
    );
    write(&dir.join("book/orphan.md"), "# Nobody links here\n");
    dir
}

/// The problems of `kind` in the broken book.
fn found(kind: ProblemKind) -> Vec<Problem> {
    let dir = broken_book();
    let all = check_sources_with(&dir.join("book"), &packages(), &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    let of_kind: Vec<Problem> = all.iter().filter(|p| p.kind == kind).cloned().collect();
    assert_eq!(
        of_kind.len(),
        1,
        "expected exactly one {kind:?} problem, got all of:\n{}",
        all.iter()
            .map(|p| format!("{p}  [{:?}]", p.kind))
            .collect::<Vec<_>>()
            .join("\n")
    );
    of_kind
}

fn assert_at(p: &Problem, file: &str, line: usize, mentions: &str) {
    assert!(p.file.ends_with(file), "{p} should be in {file}");
    assert_eq!(p.line, line, "{p} should be on line {line}");
    assert!(
        p.message.contains(mentions),
        "{p} should mention {mentions:?}"
    );
}

#[test]
fn missing_include_file_is_caught() {
    assert_at(
        &found(ProblemKind::MissingIncludeFile)[0],
        "chapter.md",
        3,
        "missing.rs",
    );
}

#[test]
fn missing_anchor_is_caught() {
    assert_at(
        &found(ProblemKind::MissingAnchor)[0],
        "chapter.md",
        4,
        "nope",
    );
}

#[test]
fn anchor_without_anchor_end_is_caught() {
    assert_at(
        &found(ProblemKind::UnclosedAnchor)[0],
        "chapter.md",
        5,
        "ANCHOR_END: open",
    );
}

#[test]
fn out_of_range_lines_are_caught() {
    assert_at(
        &found(ProblemKind::LineRangeOutOfBounds)[0],
        "chapter.md",
        6,
        "500",
    );
}

#[test]
fn page_missing_from_summary_is_caught() {
    assert_at(
        &found(ProblemKind::PageNotInSummary)[0],
        "orphan.md",
        0,
        "SUMMARY.md",
    );
}

#[test]
fn unknown_package_is_caught() {
    assert_at(
        &found(ProblemKind::UnknownPackage)[0],
        "chapter.md",
        8,
        "no-such-crate",
    );
}

#[test]
fn typed_rust_is_caught() {
    assert_at(
        &found(ProblemKind::TypedRust)[0],
        "chapter.md",
        11,
        "typed_in",
    );
}

#[test]
fn multi_line_include_in_a_quote_is_caught() {
    assert_at(
        &found(ProblemKind::IncludeInBlockquote)[0],
        "chapter.md",
        16,
        "4 lines",
    );
}

#[test]
fn mermaid_label_that_looks_like_a_list_is_caught() {
    assert_at(
        &found(ProblemKind::MermaidListLabel)[0],
        "chapter.md",
        21,
        "1. Numbered",
    );
}

#[test]
fn the_broken_book_has_nothing_else_wrong() {
    let dir = broken_book();
    let all = check_sources_with(&dir.join("book"), &packages(), &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    let kinds: BTreeSet<ProblemKind> = all.iter().map(|p| p.kind).collect();
    let expected: BTreeSet<ProblemKind> = [
        ProblemKind::MissingIncludeFile,
        ProblemKind::MissingAnchor,
        ProblemKind::UnclosedAnchor,
        ProblemKind::LineRangeOutOfBounds,
        ProblemKind::PageNotInSummary,
        ProblemKind::UnknownPackage,
        ProblemKind::TypedRust,
        ProblemKind::IncludeInBlockquote,
        ProblemKind::MermaidListLabel,
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected, "{all:#?}");
    assert_eq!(
        all.len(),
        9,
        "the correct constructs in intro.md must not be reported: {all:#?}"
    );
}

#[test]
fn anchor_end_before_anchor_is_not_a_closed_anchor() {
    let dir = scratch("order");
    write(
        &dir.join("code.rs"),
        "// ANCHOR_END: a\nfn a() {}\n// ANCHOR: a\n",
    );
    write(&dir.join("book/SUMMARY.md"), "- [P](p.md)\n");
    write(
        &dir.join("book/p.md"),
        "```rust\n{{#include ../code.rs:a}}\n```\n",
    );
    let all = check_sources_with(&dir.join("book"), &packages(), &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].kind, ProblemKind::UnclosedAnchor);
}

#[test]
fn summary_link_to_a_missing_page_is_caught() {
    let dir = scratch("summary");
    write(&dir.join("book/SUMMARY.md"), "- [Gone](gone.md)\n");
    let all = check_sources_with(&dir.join("book"), &packages(), &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].kind, ProblemKind::SummaryLinkMissing);
}

#[test]
fn cargo_commands_are_read_in_their_usual_spellings() {
    let text = "\
$ cargo run --release -p ch01-blocking
`cargo bench -p ch03-global-queue` and `cargo test --package ch02-exercises --test join2`
cargo test -p=a-b && cargo run -pc_d; cargo build
Plain prose about cargo, and `cargo` alone, with -p elsewhere.
";
    let found: Vec<(usize, String)> = find_cargo_packages(text);
    let expected: Vec<(usize, String)> = [
        (1, "ch01-blocking"),
        (2, "ch03-global-queue"),
        (2, "ch02-exercises"),
        (3, "a-b"),
        (3, "c_d"),
    ]
    .iter()
    .map(|(l, n)| (*l, n.to_string()))
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn build_log_errors_and_warnings_are_caught() {
    let log = " INFO Book building has started\n\
               ERROR Error updating \"{{#include missing.rs}}\", Could not read file\n\
               2026-11-29 WARN The command `mdbook-mermaid` was not found\n\
               INFO Running the html backend\n";
    let problems = check_build_log(log);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(problems[0].line, 2);
    assert_eq!(problems[1].line, 3);
    assert!(problems.iter().all(|p| p.kind == ProblemKind::BuildLog));
    assert!(check_build_log(" INFO Book building has started\n").is_empty());
}

#[test]
fn surviving_include_in_html_is_caught() {
    let dir = scratch("html");
    write(
        &dir.join("index.html"),
        "<html><body><p>fine</p></body></html>\n",
    );
    write(
        &dir.join("sub/chapter.html"),
        "<html>\n<pre><code>{{#include ../chapters/ch01/src/lib.rs:demo}}</code></pre>\n</html>\n",
    );
    let problems = check_html_output(&dir);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].kind, ProblemKind::SurvivingDirective);
    assert!(problems[0].file.ends_with("sub/chapter.html"));
    assert_eq!(problems[0].line, 2);
}

#[test]
fn an_unbuilt_book_is_not_a_clean_one() {
    let dir = scratch("empty");
    let problems = check_html_output(&dir.join("not-built"));
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(problems.len(), 1, "{problems:#?}");
}

// ---------------------------------------------------------------------------
// Chapter pages: source folder, commands, the warning box about the article

/// The packages a chapter 1 test book's commands may name.
fn chapter_packages() -> BTreeSet<String> {
    ["ch01-blocking", "ch01-exercises"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// A book with one chapter page, `ch01-blocking.md`, holding `body`.
fn chapter_book(body: &str) -> Vec<Problem> {
    let dir = scratch("chapter");
    write(&dir.join("chapters/ch01-blocking/src/lib.rs"), CODE);
    write(
        &dir.join("book/SUMMARY.md"),
        "- [Blocking](ch01-blocking.md)\n",
    );
    write(&dir.join("book/ch01-blocking.md"), body);
    let packages = chapter_packages();
    let all = check_sources_with(&dir.join("book"), &packages, &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    all
}

const GOOD_CHAPTER: &str = "\
# Chapter 1

The crate is `chapters/ch01-blocking`:

```console
$ cargo run -p ch01-blocking
```

> [!WARNING]
> **Where the usual explanation goes wrong**
>
> The article gets this wrong.

## Recap

What we built, what it cannot do yet, and what is next.

Exercises: `cargo test -p ch01-exercises`.
";

fn kinds(all: &[Problem]) -> Vec<ProblemKind> {
    all.iter().map(|p| p.kind).collect()
}

#[test]
fn a_complete_chapter_page_passes() {
    let all = chapter_book(GOOD_CHAPTER);
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn a_chapter_page_without_its_commands_path_and_warning_is_caught() {
    let all = chapter_book(
        "# Chapter 1\n\n```rust,noplayground\n{{#include ../chapters/ch01-blocking/src/lib.rs:good}}\n```\n\n\
         `cargo test -p ch01-blocking` tests the crate, not the exercises.\n",
    );
    assert_eq!(
        kinds(&all),
        [
            ProblemKind::MissingSourcePath,
            ProblemKind::MissingRunCommand,
            ProblemKind::MissingExerciseCommand,
            ProblemKind::MissingArticleWarning,
            ProblemKind::MissingRecap,
        ],
        "the include names the folder, but a reader never sees it: {all:#?}"
    );
    assert!(all[0].message.contains("chapters/ch01-blocking"));
    assert!(all[1].message.contains("cargo run -p ch01-blocking"));
    assert!(all[2].message.contains("cargo test -p ch01-exercises"));
}

#[test]
fn a_warning_box_must_carry_the_title_and_mention_the_article() {
    let no_article = GOOD_CHAPTER.replace("The article gets this wrong.", "This is wrong.");
    assert_eq!(
        kinds(&chapter_book(&no_article)),
        [ProblemKind::MissingArticleWarning]
    );
    let no_title = GOOD_CHAPTER.replace("**Where the usual explanation goes wrong**", "**Note**");
    assert_eq!(
        kinds(&chapter_book(&no_title)),
        [ProblemKind::MissingArticleWarning]
    );
    let a_note = GOOD_CHAPTER.replace("[!WARNING]", "[!NOTE]");
    assert_eq!(
        kinds(&chapter_book(&a_note)),
        [ProblemKind::MissingArticleWarning]
    );
    // "article" in plain prose after the box is not in the box.
    let outside = GOOD_CHAPTER.replace("The article gets this wrong.", "Wrong.")
        + "\nThe article is discussed above.\n";
    assert_eq!(
        kinds(&chapter_book(&outside)),
        [ProblemKind::MissingArticleWarning]
    );
}

#[test]
fn a_chapter_page_named_for_no_crate_is_caught() {
    let dir = scratch("nocrate");
    write(&dir.join("book/SUMMARY.md"), "- [X](ch09-nothing.md)\n");
    write(
        &dir.join("book/ch09-nothing.md"),
        &GOOD_CHAPTER.replace("ch01-exercises", "ch02-exercises"),
    );
    let all = check_sources_with(&dir.join("book"), &packages(), &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    // No package ch09-nothing: the folder and run command cannot be right;
    // no ch09-exercises package: no exercise command is asked for.
    assert_eq!(kinds(&all), [ProblemKind::MissingSourcePath], "{all:#?}");
    assert!(all[0].message.contains("no such package"), "{all:#?}");
}

#[test]
fn chapter_pages_are_told_apart_from_other_pages() {
    assert_eq!(
        chapter_of(Path::new("book/ch03-global-queue.md")).as_deref(),
        Some("ch03-global-queue")
    );
    for other in [
        "book/introduction.md",
        "book/measuring.md",
        "book/ch3-x.md",
        "book/ch03.md",
        "book/ch03-x.txt",
    ] {
        assert_eq!(chapter_of(Path::new(other)), None, "{other}");
    }
}

#[test]
fn warning_boxes_are_read_to_their_last_quoted_line() {
    let text = "> [!NOTE]\n> not this one\n\nText.\n\n> [!WARNING]\n> **Title**\n>\n> body line\n\nAfter.\n> [!WARNING]\n> last";
    let boxes = warning_boxes(text);
    assert_eq!(boxes.len(), 2, "{boxes:#?}");
    assert_eq!(boxes[0].0, 6);
    assert_eq!(boxes[0].1, "**Title**\n\nbody line\n");
    assert_eq!(boxes[1], (12, "last\n".to_string()));
}

#[test]
fn cargo_commands_keep_their_subcommand() {
    let found =
        find_cargo_commands("Run `cargo run --release -p a` then `cargo test -p b-exercises`.");
    let expected = [("run", "a"), ("test", "b-exercises")]
        .iter()
        .map(|(sub, p)| CargoCommand {
            line: 1,
            subcommand: sub.to_string(),
            package: p.to_string(),
        })
        .collect::<Vec<_>>();
    assert_eq!(found, expected);
}

// ---------------------------------------------------------------------------
// The xtask's other inputs: loom models, the browser test's pinned packages

#[test]
fn loom_models_are_found_in_chapter_crates_only() {
    let chapters = Path::new("/repo/chapters");
    let metadata = xtask::serde_json::json!({ "packages": [
        { "name": "ch03-global-queue", "manifest_path": "/repo/chapters/ch03-global-queue/Cargo.toml",
          "targets": [
            { "name": "loom", "kind": ["test"], "src_path": "/repo/chapters/ch03-global-queue/tests/loom.rs" },
            { "name": "loom_queue", "kind": ["test"], "src_path": "/repo/chapters/ch03-global-queue/tests/loom_queue.rs" },
            { "name": "smoke", "kind": ["test"], "src_path": "/repo/chapters/ch03-global-queue/tests/smoke.rs" },
            { "name": "loom", "kind": ["bin"], "src_path": "/repo/chapters/ch03-global-queue/src/bin/loom.rs" }
          ] },
        { "name": "bench", "manifest_path": "/repo/bench/Cargo.toml",
          "targets": [ { "name": "loom", "kind": ["test"], "src_path": "/repo/bench/tests/loom.rs" } ] }
    ]});
    let found: Vec<(String, String)> = xtask::loom::loom_tests(&metadata, chapters)
        .into_iter()
        .map(|t| (t.package, t.test))
        .collect();
    assert_eq!(
        found,
        [
            ("ch03-global-queue".to_string(), "loom".to_string()),
            ("ch03-global-queue".to_string(), "loom_queue".to_string()),
        ]
    );
}

#[test]
fn the_workspace_has_the_chapter_3_loom_model() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let found = xtask::loom::discover(&cargo, &repo_root()).expect("cargo metadata");
    assert!(
        found
            .iter()
            .any(|t| t.package == "ch03-global-queue" && t.test == "loom"),
        "{found:#?}"
    );
}

#[test]
fn the_browser_test_pins_playwright_core_exactly() {
    let dir = repo_root().join("browser-tests");
    let read = |f: &str| -> xtask::serde_json::Value {
        xtask::serde_json::from_str(&fs::read_to_string(dir.join(f)).expect(f)).expect(f)
    };
    let wanted = read("package.json")["dependencies"]["playwright-core"]
        .as_str()
        .expect("package.json depends on playwright-core")
        .to_string();
    assert!(
        wanted.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "package.json must pin an exact version, not a range: {wanted}"
    );
    let locked = read("package-lock.json")["packages"]["node_modules/playwright-core"]["version"]
        .as_str()
        .expect("package-lock.json locks playwright-core")
        .to_string();
    assert_eq!(
        wanted, locked,
        "package.json and package-lock.json disagree"
    );
}

#[test]
fn a_split_chapter_states_its_folder_commands_and_box_once_across_its_pages() {
    // The main page runs the demo; the sub-page names the folder, the
    // exercises and corrects the article. Together they are a whole chapter.
    let dir = scratch("split");
    write(&dir.join("chapters/ch01-blocking/src/lib.rs"), CODE);
    write(
        &dir.join("book/SUMMARY.md"),
        "- [Blocking](ch01-blocking.md)\n  - [More](ch01-blocking/more.md)\n",
    );
    write(
        &dir.join("book/ch01-blocking.md"),
        "# Chapter 1\n\n```console\n$ cargo run -p ch01-blocking\n```\n",
    );
    let sub = GOOD_CHAPTER.replace("$ cargo run -p ch01-blocking", "$ ls");
    write(&dir.join("book/ch01-blocking/more.md"), &sub);
    let packages = chapter_packages();
    let whole = check_sources_with(&dir.join("book"), &packages, &Limits::STRICT);
    // Without the sub-page the main page alone is missing three things,
    // reported on the main page.
    fs::remove_file(dir.join("book/ch01-blocking/more.md")).expect("removing the sub-page");
    write(
        &dir.join("book/SUMMARY.md"),
        "- [Blocking](ch01-blocking.md)\n",
    );
    let alone = check_sources_with(&dir.join("book"), &packages, &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    assert!(whole.is_empty(), "{whole:#?}");
    assert_eq!(
        kinds(&alone),
        [
            ProblemKind::MissingSourcePath,
            ProblemKind::MissingExerciseCommand,
            ProblemKind::MissingArticleWarning,
            ProblemKind::MissingRecap,
        ],
        "{alone:#?}"
    );
    assert!(alone.iter().all(|p| p.file.ends_with("ch01-blocking.md")));
}

/// A book with one page, `page.md`, holding `prose` and then an include of
/// `listing_lines` lines of code; checked with `limits`.
fn sized_book(prose_words: usize, listing_lines: usize, limits: &Limits<'_>) -> Vec<Problem> {
    let dir = scratch("sizes");
    let code: String = (0..listing_lines)
        .map(|i| format!("let x{i} = {i};\n"))
        .collect();
    write(
        &dir.join("chapters/code.rs"),
        &format!("// ANCHOR: all\n{code}// ANCHOR_END: all\n"),
    );
    write(&dir.join("book/SUMMARY.md"), "- [Page](page.md)\n");
    let prose = "word ".repeat(prose_words);
    write(
        &dir.join("book/page.md"),
        &format!(
            "{prose}\n\n```rust,noplayground\n{{{{#include ../chapters/code.rs:all}}}}\n```\n"
        ),
    );
    let all = check_sources_with(&dir.join("book"), &packages(), limits);
    let _ = fs::remove_dir_all(&dir);
    all
}

/// Small limits so the test books stay small: 100 words, 10 lines.
fn small<'a>(
    long_pages: &'a [xtask::bookcheck::LongPage],
    long_listings: &'a [xtask::bookcheck::LongListing],
) -> Limits<'a> {
    Limits {
        max_page_words: 100,
        max_listing_lines: 10,
        long_pages,
        long_listings,
    }
}

#[test]
fn a_page_over_the_word_limit_is_caught_counting_its_included_code() {
    // 58 words of prose, the two fences, and 10 lines of 4 words: 100
    // words, at the limit.
    let at_limit = sized_book(58, 10, &small(&[], &[]));
    assert!(at_limit.is_empty(), "{at_limit:#?}");
    // One more line of code (4 words) tips it over: code counts as rendered.
    let all = sized_book(58, 11, &small(&[], &[]));
    assert_eq!(
        kinds(&all),
        [ProblemKind::PageTooLong, ProblemKind::ListingTooLong],
        "{all:#?}"
    );
    assert!(all[0].message.contains("104 words"), "{all:#?}");
    // Prose alone over the limit.
    let all = sized_book(101, 1, &small(&[], &[]));
    assert_eq!(kinds(&all), [ProblemKind::PageTooLong], "{all:#?}");
}

#[test]
fn a_listing_over_the_line_limit_is_caught_with_its_line() {
    let all = sized_book(1, 11, &small(&[], &[]));
    assert_eq!(kinds(&all), [ProblemKind::ListingTooLong], "{all:#?}");
    assert_eq!(all[0].line, 4, "the include's line on the page: {all:#?}");
    assert!(
        all[0].message.contains("chapters/code.rs:all") && all[0].message.contains("11 lines"),
        "{all:#?}"
    );
}

#[test]
fn listed_exceptions_excuse_a_long_page_and_a_long_listing() {
    use xtask::bookcheck::{LongListing, LongPage};
    let pages = [LongPage {
        page: "page.md",
        reason: "a test",
    }];
    let listings = [LongListing {
        page: "page.md",
        include: "chapters/code.rs:all",
        reason: "a test",
    }];
    assert!(sized_book(200, 20, &small(&pages, &listings)).is_empty());
    // An exception for one thing excuses only that thing.
    let all = sized_book(200, 20, &small(&pages, &[]));
    assert_eq!(kinds(&all), [ProblemKind::ListingTooLong], "{all:#?}");
    let all = sized_book(200, 20, &small(&[], &listings));
    assert_eq!(kinds(&all), [ProblemKind::PageTooLong], "{all:#?}");
    // Once the page is short again the exceptions are stale, and say so.
    let all = sized_book(10, 5, &small(&pages, &listings));
    assert_eq!(
        kinds(&all),
        [ProblemKind::StaleException, ProblemKind::StaleException],
        "{all:#?}"
    );
}

#[test]
fn the_project_lists_a_reason_for_every_exception() {
    use xtask::bookcheck::{LONG_LISTINGS, LONG_PAGES};
    for e in LONG_PAGES {
        assert!(e.reason.split_whitespace().count() >= 5, "{e:?}");
    }
    for e in LONG_LISTINGS {
        assert!(e.reason.split_whitespace().count() >= 5, "{e:?}");
    }
}

#[test]
fn a_folded_solution_may_be_long() {
    let dir = scratch("solution");
    let code: String = (0..60).map(|i| format!("let x{i} = {i};\n")).collect();
    write(
        &dir.join("chapters/ch01-blocking/exercises/solutions/a.rs"),
        &format!("// ANCHOR: solution\n{code}// ANCHOR_END: solution\n"),
    );
    write(&dir.join("chapters/ch01-blocking/src/long.rs"), &code);
    write(&dir.join("book/SUMMARY.md"), "- [Page](page.md)\n");
    write(
        &dir.join("book/page.md"),
        "```rust,noplayground\n\
         {{#include ../chapters/ch01-blocking/exercises/solutions/a.rs:solution}}\n```\n\n\
         ```rust,noplayground\n{{#include ../chapters/ch01-blocking/src/long.rs}}\n```\n",
    );
    let all = check_sources_with(&dir.join("book"), &packages(), &Limits::STRICT);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(kinds(&all), [ProblemKind::ListingTooLong], "{all:#?}");
    assert!(all[0].message.contains("src/long.rs"), "{all:#?}");
}

#[test]
fn a_chapter_must_end_with_a_recap_heading() {
    let without = GOOD_CHAPTER.replace("## Recap\n", "");
    assert_eq!(
        kinds(&chapter_book(&without)),
        [ProblemKind::MissingRecap],
        "the words without a heading are no recap section"
    );
    let other_words = GOOD_CHAPTER.replace("## Recap", "## What we built, and what is next");
    assert!(chapter_book(&other_words).is_empty());
}
