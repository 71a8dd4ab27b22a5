//! Checks on the book that mdBook itself does not make.
//!
//! mdBook 0.5 exits 0 when an `{{#include}}` names a missing file (it logs an
//! error and leaves the raw directive in the page) and says nothing at all when
//! an anchor is missing (the block comes out empty). A broken book would still
//! "build". These checks turn each of those silent failures into a problem
//! with a file and a line, and add the project's own rules: every page is in
//! `SUMMARY.md`, every `cargo ... -p X` names a real package, no Rust is
//! typed into markdown, and every chapter (its page `chNN-name.md` with the
//! sub-pages in `chNN-name/`) names its folder, gives its `cargo run -p` and
//! exercise commands and corrects the source article in a "Where the usual
//! explanation goes wrong" box. A page a reader can hold in their head is a
//! rule too: no page over [`MAX_PAGE_WORDS`] rendered words and no listing
//! over [`MAX_LISTING_LINES`] lines, except those in [`LONG_PAGES`] and
//! [`LONG_LISTINGS`], each with its reason.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What kind of problem was found, so tests can assert on each one separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// A file that could not be read at all (the book dir, a page).
    Unreadable,
    /// An `{{#include}}` / `{{#rustdoc_include}}` names a file that does not exist.
    MissingIncludeFile,
    /// An include names an anchor the file does not have.
    MissingAnchor,
    /// A file has `ANCHOR: name` but no `ANCHOR_END: name` after it.
    UnclosedAnchor,
    /// An include's line range falls outside the file (or is backwards).
    LineRangeOutOfBounds,
    /// A multi-line include on a `> ` line: mdbook pastes the lines without
    /// the `> ` prefix, so the quote (an alert box) ends after the first one
    /// and the rest of the code spills out of it as plain text.
    IncludeInBlockquote,
    /// A page under the book dir that `SUMMARY.md` does not link to.
    PageNotInSummary,
    /// `SUMMARY.md` links to a page that does not exist.
    SummaryLinkMissing,
    /// `cargo run -p X` (or test, bench, ...) where X is not a workspace package.
    UnknownPackage,
    /// A ```rust block holding anything but include directives.
    TypedRust,
    /// A mermaid node label that starts like a numbered list (`["1. Step"]`):
    /// mermaid renders it as the text "Unsupported markdown: list".
    MermaidListLabel,
    /// The mdbook build log has an ERROR or WARN line.
    BuildLog,
    /// A `{{#` directive survived into the generated HTML.
    SurvivingDirective,
    /// A chapter page (`chNN-name.md`) that never names its crate's folder,
    /// `chapters/chNN-name`, outside an include: the reader cannot find the
    /// code (or there is no such crate).
    MissingSourcePath,
    /// A chapter page without `cargo run -p chNN-name`.
    MissingRunCommand,
    /// A chapter page whose chapter has an exercise crate, without
    /// `cargo test -p chNN-exercises`.
    MissingExerciseCommand,
    /// A chapter page with no `> [!WARNING]` box titled "Where the usual
    /// explanation goes wrong" that mentions the article.
    MissingArticleWarning,
    /// A chapter with no recap: no heading on its page or its sub-pages
    /// that says "Recap" or "What we built" (what we built, what it still
    /// cannot do, what is next).
    MissingRecap,
    /// A page over the word limit (prose plus included code, as rendered)
    /// that is not in the list of exceptions.
    PageTooLong,
    /// One include that pastes more lines than the listing limit, not in the
    /// list of exceptions.
    ListingTooLong,
    /// An exception that excuses nothing: its page or listing is gone, or is
    /// within the limit now. A stale entry would excuse the next long page
    /// without anyone deciding to.
    StaleException,
}

/// The most words a page may render to: its prose plus the code its
/// includes paste in. Above this a reader cannot hold the page in their head;
/// split it into sub-pages (nested entries in SUMMARY.md).
pub const MAX_PAGE_WORDS: usize = 3_500;

/// The most lines one include may paste into a page. Narrow the anchor, and
/// name the file for the rest.
pub const MAX_LISTING_LINES: usize = 40;

/// A page allowed over [`MAX_PAGE_WORDS`]: its path under `book/`, and why.
#[derive(Debug, Clone, Copy)]
pub struct LongPage {
    pub page: &'static str,
    pub reason: &'static str,
}

/// A listing allowed over [`MAX_LISTING_LINES`]: the page (under `book/`),
/// the include as written after the path's leading `../`s
/// (`chapters/ch07-fetch/src/http.rs:read_body`), and why.
#[derive(Debug, Clone, Copy)]
pub struct LongListing {
    pub page: &'static str,
    pub include: &'static str,
    pub reason: &'static str,
}

/// Listings from this folder are exempt from [`MAX_LISTING_LINES`]: an
/// exercise's solution file is the whole answer, shown folded on the
/// exercises page, and opened only by a reader who has tried the exercise
/// and wants to compare it line by line with their own.
pub const FOLDED_SOLUTIONS: &str = "/exercises/solutions/";

/// Pages allowed to be long. Every entry says why splitting would not help
/// the reader.
pub const LONG_PAGES: &[LongPage] = &[];

/// Listings allowed to be long. Every entry says why the reader needs the
/// lines together.
pub const LONG_LISTINGS: &[LongListing] = &[];

/// The size limits and their exceptions; [`Limits::BOOK`] is the project's.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'a> {
    pub max_page_words: usize,
    pub max_listing_lines: usize,
    pub long_pages: &'a [LongPage],
    pub long_listings: &'a [LongListing],
}

impl Limits<'static> {
    /// The project's limits and exceptions, for the real book.
    pub const BOOK: Limits<'static> = Limits {
        max_page_words: MAX_PAGE_WORDS,
        max_listing_lines: MAX_LISTING_LINES,
        long_pages: LONG_PAGES,
        long_listings: LONG_LISTINGS,
    };
    /// The same limits with no exceptions: for a book other than ours (a
    /// test's), where our exceptions would all be reported stale.
    pub const STRICT: Limits<'static> = Limits {
        max_page_words: MAX_PAGE_WORDS,
        max_listing_lines: MAX_LISTING_LINES,
        long_pages: &[],
        long_listings: &[],
    };
}

/// How big one page renders: for the limits, and for `cargo xtask
/// check-book` to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSize {
    /// The page's path under the book dir, with `/` separators.
    pub page: String,
    /// Words of prose plus words of included code.
    pub words: usize,
    /// Each include as (line on the page, include as written without its
    /// leading `../`s, lines it pastes).
    pub listings: Vec<(usize, String, usize)>,
}

/// One thing wrong with the book, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub file: PathBuf,
    /// 1-based; 0 when the problem is about the whole file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

fn problem(kind: ProblemKind, file: &Path, line: usize, message: String) -> Problem {
    Problem {
        kind,
        file: file.to_path_buf(),
        line,
        message,
    }
}

/// The names of the workspace's packages, from `cargo metadata`.
///
/// `cargo` is the cargo binary to run (the xtask passes the one that started
/// it, so the same toolchain answers).
pub fn workspace_packages(cargo: &str, root: &Path) -> Result<BTreeSet<String>, String> {
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run `{cargo} metadata`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("`cargo metadata` printed something that is not JSON: {e}"))?;
    let packages = json["packages"]
        .as_array()
        .ok_or("`cargo metadata` output has no \"packages\" list")?;
    let names: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    if names.is_empty() {
        return Err("`cargo metadata` listed no packages".into());
    }
    Ok(names)
}

/// Every check that needs only the markdown sources and the files they name.
///
/// `book_dir` is the folder holding `SUMMARY.md` (the `src` of book.toml).
/// Problems come back sorted by file and line.
pub fn check_sources(book_dir: &Path, packages: &BTreeSet<String>) -> Vec<Problem> {
    check_sources_with(book_dir, packages, &Limits::BOOK)
}

/// [`check_sources`] with size limits of the caller's choosing (the tests use
/// small ones).
pub fn check_sources_with(
    book_dir: &Path,
    packages: &BTreeSet<String>,
    limits: &Limits<'_>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    if let Err(e) = collect_files(book_dir, "md", &mut pages) {
        problems.push(problem(
            ProblemKind::Unreadable,
            book_dir,
            0,
            format!("cannot list the book's pages: {e}"),
        ));
        return problems;
    }
    pages.sort();

    // Markdown files pulled into a page by an include are fragments, not pages,
    // so they need no SUMMARY entry.
    let mut included_md: BTreeSet<PathBuf> = BTreeSet::new();

    for page in &pages {
        let text = match fs::read_to_string(page) {
            Ok(t) => t,
            Err(e) => {
                problems.push(problem(
                    ProblemKind::Unreadable,
                    page,
                    0,
                    format!("cannot read page: {e}"),
                ));
                continue;
            }
        };
        for inc in find_includes(&text) {
            let target = normalize(&page.parent().unwrap_or(book_dir).join(&inc.path));
            if target.extension().is_some_and(|e| e == "md") {
                included_md.insert(target.clone());
            }
            check_include(page, &inc, &target, &mut problems);
        }
        check_cargo_packages(page, &text, packages, &mut problems);
        check_rust_blocks(page, &text, &mut problems);
        check_mermaid_labels(page, &text, &mut problems);
        if chapter_of(page).is_some() {
            let chapter = chapter_text(page, &text);
            check_chapter_page(page, &chapter, packages, &mut problems);
        }
    }

    check_summary(book_dir, &pages, &included_md, &mut problems);
    check_sizes(book_dir, &pages, &included_md, limits, &mut problems);

    problems.sort_by(|a, b| (&a.file, a.line, a.kind).cmp(&(&b.file, b.line, b.kind)));
    problems.dedup();
    problems
}

/// Every line of an mdbook build log that reports an error or a warning.
pub fn check_build_log(log: &str) -> Vec<Problem> {
    log.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("ERROR") || l.contains("WARN"))
        .map(|(i, l)| {
            problem(
                ProblemKind::BuildLog,
                Path::new("mdbook build log"),
                i + 1,
                format!("mdbook reported: {}", l.trim()),
            )
        })
        .collect()
}

/// Every `{{#` left in a generated .html file under `out_dir`: a directive
/// mdbook could not expand (it leaves those in the page as raw text).
pub fn check_html_output(out_dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    if let Err(e) = collect_files(out_dir, "html", &mut files) {
        problems.push(problem(
            ProblemKind::Unreadable,
            out_dir,
            0,
            format!("cannot list the built book (was it built?): {e}"),
        ));
        return problems;
    }
    if files.is_empty() {
        problems.push(problem(
            ProblemKind::Unreadable,
            out_dir,
            0,
            "no .html files: the book was not built here".into(),
        ));
    }
    files.sort();
    for file in files {
        let text = match fs::read(&file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                problems.push(problem(
                    ProblemKind::Unreadable,
                    &file,
                    0,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("{{#") {
                let snippet: String = line[pos..].chars().take(80).collect();
                problems.push(problem(
                    ProblemKind::SurvivingDirective,
                    &file,
                    i + 1,
                    format!("unexpanded directive in the HTML: {snippet}"),
                ));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// Includes

/// How an include picks lines out of its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Whole,
    Anchor(String),
    /// 1-based, inclusive; `None` is an open end.
    Lines(Option<usize>, Option<usize>),
}

/// One `{{#include ...}}` or `{{#rustdoc_include ...}}` in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    pub line: usize,
    pub directive: String,
    pub path: String,
    pub selection: Selection,
    /// The directive's line is inside a blockquote (starts with `>`).
    pub in_blockquote: bool,
}

/// Finds the include directives of a page, the way mdbook reads them:
/// anywhere in the text (code blocks too), except when escaped with `\`.
pub fn find_includes(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(pos) = rest.find("{{") {
            let start = offset + pos;
            let escaped = start > 0 && line.as_bytes()[start - 1] == b'\\';
            let after = &line[start + 2..];
            let Some(close) = after.find("}}") else { break };
            let body = &after[..close];
            offset = start + 2 + close + 2;
            rest = &line[offset..];
            if escaped {
                continue;
            }
            let body = body.trim_start();
            let Some(body) = body.strip_prefix('#') else {
                continue;
            };
            let mut words = body.split_whitespace();
            let kind = words.next().unwrap_or("");
            if kind != "include" && kind != "rustdoc_include" {
                continue;
            }
            let spec = words.next().unwrap_or("");
            let (path, props) = match spec.split_once(':') {
                Some((p, rest)) => (p, Some(rest)),
                None => (spec, None),
            };
            found.push(Include {
                line: i + 1,
                directive: format!("{{{{#{}}}}}", body.trim_end()),
                path: path.to_string(),
                selection: parse_selection(props),
                in_blockquote: line.trim_start().starts_with('>'),
            });
        }
    }
    found
}

/// mdbook's rule: a number (or nothing) first means a line range, anything
/// else is an anchor name.
fn parse_selection(props: Option<&str>) -> Selection {
    let Some(props) = props else {
        return Selection::Whole;
    };
    let mut parts = props.splitn(2, ':');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    let start = match first.parse::<usize>() {
        Ok(n) => Some(n),
        Err(_) if first.is_empty() => None,
        Err(_) => return Selection::Anchor(first.to_string()),
    };
    match (start, second) {
        // `path:10` is the single line 10.
        (Some(s), None) => Selection::Lines(Some(s), Some(s)),
        (start, Some(end)) => Selection::Lines(start, end.parse::<usize>().ok()),
        (None, None) => Selection::Whole,
    }
}

fn check_include(page: &Path, inc: &Include, target: &Path, problems: &mut Vec<Problem>) {
    if inc.path.is_empty() {
        problems.push(problem(
            ProblemKind::MissingIncludeFile,
            page,
            inc.line,
            format!("{} names no file", inc.directive),
        ));
        return;
    }
    let content = match fs::read_to_string(target) {
        Ok(c) => c,
        Err(e) => {
            problems.push(problem(
                ProblemKind::MissingIncludeFile,
                page,
                inc.line,
                format!("{} names a file that cannot be read: {e}", inc.directive),
            ));
            return;
        }
    };
    let count = content.lines().count();
    // How many lines the include pastes in; `None` when the selection is
    // already reported as broken.
    let selected = match &inc.selection {
        Selection::Whole => Some(count),
        Selection::Anchor(name) => check_anchor(page, inc, &content, name, problems),
        Selection::Lines(start, end) => {
            let bad = |msg: String| problem(ProblemKind::LineRangeOutOfBounds, page, inc.line, msg);
            if *start == Some(0) || *end == Some(0) {
                problems.push(bad(format!("{}: line numbers start at 1", inc.directive)));
            }
            for n in [start, end].into_iter().flatten() {
                if *n > count {
                    problems.push(bad(format!(
                        "{}: line {n} is past the end of the file ({count} lines)",
                        inc.directive
                    )));
                    break;
                }
            }
            if let (Some(s), Some(e)) = (start, end) {
                if s > e {
                    problems.push(bad(format!("{}: range runs backwards", inc.directive)));
                }
            }
            let first = start.unwrap_or(1).max(1);
            let last = end.unwrap_or(count).min(count);
            Some((last + 1).saturating_sub(first))
        }
    };
    if inc.in_blockquote && selected.is_some_and(|n| n > 1) {
        problems.push(problem(
            ProblemKind::IncludeInBlockquote,
            page,
            inc.line,
            format!(
                "{} pastes {} lines into a `>` quote: mdbook does not prefix them with `>`, \
                 so the quote ends after the first line and the rest of the code spills out; \
                 move the code block out of the quote (or include a single line)",
                inc.directive,
                selected.unwrap_or(0)
            ),
        ));
    }
}

/// The anchor name on a line after `marker` (`ANCHOR:` or `ANCHOR_END:`),
/// read as mdbook does: optional spaces, then word characters and dashes.
fn anchor_after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let pos = line.find(marker)?;
    let rest = line[pos + marker.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn check_anchor(
    page: &Path,
    inc: &Include,
    content: &str,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let mut start = None;
    let mut end = None;
    for (i, line) in content.lines().enumerate() {
        if start.is_none() && anchor_after(line, "ANCHOR:") == Some(name) {
            start = Some(i + 1);
        }
        if start.is_some() && end.is_none() && anchor_after(line, "ANCHOR_END:") == Some(name) {
            end = Some(i + 1);
        }
    }
    let msg = match (start, end) {
        // The lines strictly between the two markers.
        (Some(s), Some(e)) => return Some(e - s - 1),
        (None, _) => {
            let only_end = content
                .lines()
                .any(|l| anchor_after(l, "ANCHOR_END:") == Some(name));
            let hint = if only_end {
                " (it has ANCHOR_END but no ANCHOR line before it)"
            } else {
                ""
            };
            problems.push(problem(
                ProblemKind::MissingAnchor,
                page,
                inc.line,
                format!(
                    "{}: the file has no `ANCHOR: {name}` line{hint}; mdbook would silently include nothing",
                    inc.directive
                ),
            ));
            return None;
        }
        (Some(line), None) => format!(
            "{}: the file has `ANCHOR: {name}` on line {line} but no `ANCHOR_END: {name}` after it",
            inc.directive
        ),
    };
    problems.push(problem(ProblemKind::UnclosedAnchor, page, inc.line, msg));
    None
}

// ---------------------------------------------------------------------------
// SUMMARY.md

fn check_summary(
    book_dir: &Path,
    pages: &[PathBuf],
    included_md: &BTreeSet<PathBuf>,
    problems: &mut Vec<Problem>,
) {
    let summary_path = book_dir.join("SUMMARY.md");
    let summary = match fs::read_to_string(&summary_path) {
        Ok(s) => s,
        Err(e) => {
            problems.push(problem(
                ProblemKind::Unreadable,
                &summary_path,
                0,
                format!("cannot read SUMMARY.md: {e}"),
            ));
            return;
        }
    };
    let mut linked = BTreeSet::new();
    for (i, line) in summary.lines().enumerate() {
        let mut rest = line;
        while let Some(pos) = rest.find("](") {
            let after = &rest[pos + 2..];
            let Some(close) = after.find(')') else { break };
            let target = after[..close].trim();
            rest = &after[close + 1..];
            let target = target.split('#').next().unwrap_or("");
            // Draft chapters `[Title]()` and external links are not pages.
            if target.is_empty() || target.contains("://") {
                continue;
            }
            let path = normalize(&book_dir.join(target));
            if !path.is_file() {
                problems.push(problem(
                    ProblemKind::SummaryLinkMissing,
                    &summary_path,
                    i + 1,
                    format!("SUMMARY.md links to {target}, which does not exist"),
                ));
            }
            linked.insert(path);
        }
    }
    for page in pages {
        let norm = normalize(page);
        if norm == normalize(&summary_path) || linked.contains(&norm) || included_md.contains(&norm)
        {
            continue;
        }
        problems.push(problem(
            ProblemKind::PageNotInSummary,
            page,
            0,
            "page is not linked from SUMMARY.md, so mdbook will not build it".into(),
        ));
    }
}

// ---------------------------------------------------------------------------
// cargo commands on pages

/// Every `cargo <subcommand> ... -p X` / `--package X` on a page, as
/// (line, package name).
pub fn find_cargo_packages(text: &str) -> Vec<(usize, String)> {
    find_cargo_commands(text)
        .into_iter()
        .map(|c| (c.line, c.package))
        .collect()
}

/// One `cargo <subcommand> ... -p <package>` on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoCommand {
    pub line: usize,
    /// The word after `cargo` (`run`, `test`, ...).
    pub subcommand: String,
    pub package: String,
}

/// Every cargo command on a page that names a package with `-p X`,
/// `--package X`, `-pX`, `-p=X` or `--package=X`.
pub fn find_cargo_commands(text: &str) -> Vec<CargoCommand> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let clean = |tok: &str| -> String {
        tok.trim_start_matches(|c: char| !is_name_char(c))
            .trim_end_matches(|c: char| !is_name_char(c))
            .to_string()
    };
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let mut t = 0;
        while t < tokens.len() {
            if clean(tokens[t]) != "cargo" || tokens[t].ends_with('`') {
                t += 1;
                continue;
            }
            let subcommand = tokens.get(t + 1).map(|s| clean(s)).unwrap_or_default();
            // Walk the command's arguments until something ends it: the end
            // of an inline code span, a shell separator, or the next `cargo`.
            let mut j = t + 1;
            while j < tokens.len() {
                let tok = tokens[j];
                if matches!(tok, "&&" | "||" | ";" | "|") || clean(tok) == "cargo" {
                    break;
                }
                let bare = tok.trim_start_matches('`');
                let name = if bare == "-p" || bare == "--package" {
                    j += 1;
                    tokens.get(j).map(|n| (clean(n), n.ends_with('`')))
                } else if let Some(v) = bare
                    .strip_prefix("--package=")
                    .or_else(|| bare.strip_prefix("-p=").or_else(|| bare.strip_prefix("-p")))
                {
                    (!v.is_empty()).then(|| (clean(v), tok.ends_with('`')))
                } else {
                    None
                };
                match name {
                    Some((n, ends)) => {
                        if !n.is_empty() {
                            found.push(CargoCommand {
                                line: i + 1,
                                subcommand: subcommand.clone(),
                                package: n,
                            });
                        }
                        if ends {
                            break;
                        }
                    }
                    None if tok.ends_with('`') || tok.ends_with(';') => break,
                    None => {}
                }
                j += 1;
            }
            t = j;
        }
    }
    found
}

fn check_cargo_packages(
    page: &Path,
    text: &str,
    packages: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    for (line, name) in find_cargo_packages(text) {
        if !packages.contains(&name) {
            problems.push(problem(
                ProblemKind::UnknownPackage,
                page,
                line,
                format!("`-p {name}` names no workspace package"),
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// Sizes: pages a reader can hold in their head

/// The lines an include pastes, as mdbook pastes them (anchor marker lines
/// left out); `None` when the include is broken (reported elsewhere).
fn included_lines(content: &str, selection: &Selection) -> Option<Vec<String>> {
    let lines: Vec<&str> = content.lines().collect();
    let keep = |l: &&str| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:");
    let picked: Vec<&str> = match selection {
        Selection::Whole => lines.into_iter().filter(keep).collect(),
        Selection::Lines(start, end) => {
            let first = start.unwrap_or(1).max(1);
            let last = end.unwrap_or(lines.len()).min(lines.len());
            if first > last {
                return Some(Vec::new());
            }
            lines[first - 1..last].to_vec()
        }
        Selection::Anchor(name) => {
            let start = lines
                .iter()
                .position(|l| anchor_after(l, "ANCHOR:") == Some(name.as_str()))?;
            let len = lines[start + 1..]
                .iter()
                .position(|l| anchor_after(l, "ANCHOR_END:") == Some(name.as_str()))?;
            lines[start + 1..start + 1 + len]
                .iter()
                .copied()
                .filter(keep)
                .collect()
        }
    };
    Some(picked.into_iter().map(str::to_owned).collect())
}

/// An include as the exception lists name it: the path without its leading
/// `../` and `./`, and the selection as written.
fn include_key(inc: &Include) -> String {
    let mut path = inc.path.as_str();
    while let Some(rest) = path.strip_prefix("../").or_else(|| path.strip_prefix("./")) {
        path = rest;
    }
    match &inc.selection {
        Selection::Whole => path.to_string(),
        Selection::Anchor(name) => format!("{path}:{name}"),
        Selection::Lines(s, e) => format!(
            "{path}:{}:{}",
            s.map(|n| n.to_string()).unwrap_or_default(),
            e.map(|n| n.to_string()).unwrap_or_default()
        ),
    }
}

fn book_relative(book_dir: &Path, page: &Path) -> String {
    let rel = page.strip_prefix(book_dir).unwrap_or(page);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The rendered size of one page.
pub fn page_size(book_dir: &Path, page: &Path) -> std::io::Result<PageSize> {
    let text = fs::read_to_string(page)?;
    let mut words = 0;
    let mut listings = Vec::new();
    let includes = find_includes(&text);
    for (i, line) in text.lines().enumerate() {
        let here: Vec<&Include> = includes.iter().filter(|inc| inc.line == i + 1).collect();
        if here.is_empty() {
            words += line.split_whitespace().count();
            continue;
        }
        for inc in here {
            let target = normalize(&page.parent().unwrap_or(book_dir).join(&inc.path));
            let pasted = fs::read_to_string(&target)
                .ok()
                .and_then(|c| included_lines(&c, &inc.selection))
                .unwrap_or_default();
            words += pasted
                .iter()
                .map(|l| l.split_whitespace().count())
                .sum::<usize>();
            listings.push((inc.line, include_key(inc), pasted.len()));
        }
    }
    Ok(PageSize {
        page: book_relative(book_dir, page),
        words,
        listings,
    })
}

/// The rendered size of every page of the book (fragments pulled in by an
/// include are counted in the page that includes them), sorted by path.
pub fn page_sizes(book_dir: &Path) -> std::io::Result<Vec<PageSize>> {
    let mut pages = Vec::new();
    collect_files(book_dir, "md", &mut pages)?;
    pages.sort();
    let mut fragments = BTreeSet::new();
    for page in &pages {
        let text = fs::read_to_string(page)?;
        for inc in find_includes(&text) {
            let target = normalize(&page.parent().unwrap_or(book_dir).join(&inc.path));
            if target.extension().is_some_and(|e| e == "md") {
                fragments.insert(target);
            }
        }
    }
    pages
        .iter()
        .filter(|p| !p.ends_with("SUMMARY.md") && !fragments.contains(&normalize(p)))
        .map(|p| page_size(book_dir, p))
        .collect()
}

fn check_sizes(
    book_dir: &Path,
    pages: &[PathBuf],
    included_md: &BTreeSet<PathBuf>,
    limits: &Limits<'_>,
    problems: &mut Vec<Problem>,
) {
    let mut used_pages = BTreeSet::new();
    let mut used_listings = BTreeSet::new();
    for page in pages {
        if page.ends_with("SUMMARY.md") || included_md.contains(&normalize(page)) {
            continue;
        }
        // An unreadable page is reported by the other checks.
        let Ok(size) = page_size(book_dir, page) else {
            continue;
        };
        if size.words > limits.max_page_words {
            match limits.long_pages.iter().position(|e| e.page == size.page) {
                Some(i) => {
                    used_pages.insert(i);
                }
                None => problems.push(problem(
                    ProblemKind::PageTooLong,
                    page,
                    0,
                    format!(
                        "{} words as rendered (prose plus included code), over the limit of {}: \
                         split the page into sub-pages (nested entries in SUMMARY.md in a folder \
                         named for it), or add it to LONG_PAGES in xtask/src/bookcheck.rs with \
                         the reason",
                        size.words, limits.max_page_words
                    ),
                )),
            }
        }
        for (line, key, lines) in &size.listings {
            if *lines <= limits.max_listing_lines
                || key.ends_with(".md")
                || key.contains(FOLDED_SOLUTIONS)
            {
                continue;
            }
            let excused = limits
                .long_listings
                .iter()
                .position(|e| e.page == size.page && e.include == key);
            match excused {
                Some(i) => {
                    used_listings.insert(i);
                }
                None => problems.push(problem(
                    ProblemKind::ListingTooLong,
                    page,
                    *line,
                    format!(
                        "the listing `{key}` is {lines} lines, over the limit of {}: narrow \
                         the anchor (add `// ANCHOR:` markers) and name the file for the rest, \
                         or add it to LONG_LISTINGS in xtask/src/bookcheck.rs with the reason",
                        limits.max_listing_lines
                    ),
                )),
            }
        }
    }
    let list = Path::new("xtask/src/bookcheck.rs");
    for (i, e) in limits.long_pages.iter().enumerate() {
        if !used_pages.contains(&i) {
            problems.push(problem(
                ProblemKind::StaleException,
                list,
                0,
                format!(
                    "LONG_PAGES lists {}, which is missing or within {} words now: remove the entry",
                    e.page, limits.max_page_words
                ),
            ));
        }
    }
    for (i, e) in limits.long_listings.iter().enumerate() {
        if !used_listings.contains(&i) {
            problems.push(problem(
                ProblemKind::StaleException,
                list,
                0,
                format!(
                    "LONG_LISTINGS lists `{}` on {}, which is missing or within {} lines now: \
                     remove the entry",
                    e.include, e.page, limits.max_listing_lines
                ),
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// Chapter pages: where the code is, how to run it, where the article is wrong

/// A chapter's whole text: its page, then every page in the folder named for
/// it (`chNN-name/*.md`, sorted), since a split chapter states its folder,
/// commands and box once, on whichever page fits.
fn chapter_text(page: &Path, text: &str) -> String {
    let mut all = text.to_string();
    let dir = page.with_extension("");
    let mut subpages = Vec::new();
    if collect_files(&dir, "md", &mut subpages).is_ok() {
        subpages.sort();
        for sub in subpages {
            if let Ok(t) = fs::read_to_string(&sub) {
                all.push('\n');
                all.push_str(&t);
            }
        }
    }
    all
}

/// The chapter crate a page is about: `ch03-global-queue` for
/// `ch03-global-queue.md`, `None` for pages that are not chapters.
pub fn chapter_of(page: &Path) -> Option<String> {
    let stem = page.file_stem()?.to_str()?;
    let b = stem.as_bytes();
    let is_chapter = b.len() > 5
        && b.starts_with(b"ch")
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
        && b[4] == b'-';
    (is_chapter && page.extension().is_some_and(|e| e == "md")).then(|| stem.to_string())
}

/// The title every article-correcting box carries (CONTRIBUTING.md).
pub const WARNING_TITLE: &str = "Where the usual explanation goes wrong";

/// The text of every `> [!WARNING]` box on a page, as (line, text).
pub fn warning_boxes(text: &str) -> Vec<(usize, String)> {
    let mut boxes = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let quoted = trimmed.strip_prefix('>').map(str::trim);
        match (&mut open, quoted) {
            (Some((_, body)), Some(q)) => {
                body.push_str(q);
                body.push('\n');
            }
            (Some(_), None) => boxes.extend(open.take()),
            (None, Some(q)) if q.eq_ignore_ascii_case("[!WARNING]") => {
                open = Some((i + 1, String::new()));
            }
            (None, _) => {}
        }
    }
    boxes.extend(open);
    boxes
}

/// A chapter (page and sub-pages, in `text`) states where its crate is, how
/// to run its demo and its exercises, and corrects the source article in a
/// warning box. Problems are reported on the chapter's main page.
fn check_chapter_page(
    page: &Path,
    text: &str,
    packages: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    let Some(krate) = chapter_of(page) else {
        return;
    };
    // The includes name the folder too, but a reader never sees them.
    let prose: String = text
        .lines()
        .filter(|l| find_includes(l).is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if !packages.contains(&krate) {
        problems.push(problem(
            ProblemKind::MissingSourcePath,
            page,
            0,
            format!("the page is named for crate `{krate}`, but the workspace has no such package"),
        ));
    } else if !prose.contains(&format!("chapters/{krate}")) {
        problems.push(problem(
            ProblemKind::MissingSourcePath,
            page,
            0,
            format!("the chapter (this page and its sub-pages) never says where its code is: name the folder `chapters/{krate}`"),
        ));
    }
    let commands = find_cargo_commands(text);
    let has = |sub: &str, package: &str| {
        commands
            .iter()
            .any(|c| c.subcommand == sub && c.package == package)
    };
    if packages.contains(&krate) && !has("run", &krate) {
        problems.push(problem(
            ProblemKind::MissingRunCommand,
            page,
            0,
            format!("the chapter (this page and its sub-pages) never gives its demo's command: `cargo run -p {krate}`"),
        ));
    }
    let exercises = format!("{}-exercises", &krate[..4]);
    if packages.contains(&exercises) && !has("test", &exercises) {
        problems.push(problem(
            ProblemKind::MissingExerciseCommand,
            page,
            0,
            format!("the chapter (this page and its sub-pages) never gives its exercises' command: `cargo test -p {exercises}`"),
        ));
    }
    let has_recap = text.lines().any(|l| {
        let l = l.trim_start();
        let lower = l.to_ascii_lowercase();
        l.starts_with('#') && (lower.contains("recap") || lower.contains("what we built"))
    });
    if !has_recap {
        problems.push(problem(
            ProblemKind::MissingRecap,
            page,
            0,
            "the chapter (this page and its sub-pages) has no recap: end it with a `## Recap` \
             section that says what we built, what it still cannot do, and what is next"
                .into(),
        ));
    }
    let corrects_article = warning_boxes(text).iter().any(|(_, body)| {
        body.contains(WARNING_TITLE) && body.to_ascii_lowercase().contains("article")
    });
    if !corrects_article {
        problems.push(problem(
            ProblemKind::MissingArticleWarning,
            page,
            0,
            format!(
                "no `> [!WARNING]` box titled \"{WARNING_TITLE}\" that mentions the article: \
                 each chapter says where the source article is wrong (shared/seed/README.md)"
            ),
        ));
    }
}

// ---------------------------------------------------------------------------
// Fenced code blocks

/// A fenced code block: where it starts, its info string and its lines.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    pub line: usize,
    pub info: String,
    pub body: Vec<(usize, String)>,
}

/// The fenced code blocks of a page. A fence is three or more backticks or
/// tildes; it closes on a run of the same character at least as long, so a
/// four-backtick block can show a three-backtick one as text.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, CodeBlock)> = None;
    for (i, raw) in text.lines().enumerate() {
        // Fences may sit in lists (indented) or quotes (`>`), as in alerts.
        let line = raw.trim_start().trim_start_matches(['>', ' ']).trim_start();
        let fence_char = line.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = fence_char.map_or(0, |c| line.chars().take_while(|x| *x == c).count());
        match &mut open {
            Some((c, len, block)) => {
                if fence_char == Some(*c) && run >= *len && line[run..].trim().is_empty() {
                    let (_, _, block) = open.take().expect("checked just above");
                    blocks.push(block);
                } else {
                    block.body.push((i + 1, raw.to_string()));
                }
            }
            None => {
                if run >= 3 {
                    let c = fence_char.expect("run > 0 implies a fence char");
                    let info = line[run..].trim();
                    // A backtick fence's info string cannot hold a backtick:
                    // that is inline code on one line, not a block.
                    if c == '`' && info.contains('`') {
                        continue;
                    }
                    open = Some((
                        c,
                        run,
                        CodeBlock {
                            line: i + 1,
                            info: info.to_string(),
                            body: Vec::new(),
                        },
                    ));
                }
            }
        }
    }
    // An unclosed block runs to the end of the page, as in CommonMark.
    if let Some((_, _, block)) = open {
        blocks.push(block);
    }
    blocks
}

fn is_include_line(line: &str) -> bool {
    let t = line.trim().trim_start_matches(['>', ' ']).trim();
    (t.starts_with("{{#include ") || t.starts_with("{{#rustdoc_include ")) && t.ends_with("}}")
}

fn check_rust_blocks(page: &Path, text: &str, problems: &mut Vec<Problem>) {
    for block in code_blocks(text) {
        if !block.info.starts_with("rust") {
            continue;
        }
        let typed = block.body.iter().find(|(_, l)| {
            !l.trim().trim_start_matches('>').trim().is_empty() && !is_include_line(l)
        });
        if let Some((line, content)) = typed {
            problems.push(problem(
                ProblemKind::TypedRust,
                page,
                *line,
                format!(
                    "Rust typed into markdown (block `{}` opened on line {}): `{}`; \
                     put it in a chapter crate and {{{{#include}}}} it with an anchor",
                    block.info,
                    block.line,
                    content.trim()
                ),
            ));
        }
    }
}

/// Node labels in ```mermaid blocks that mermaid would read as a list.
fn check_mermaid_labels(page: &Path, text: &str, problems: &mut Vec<Problem>) {
    for block in code_blocks(text)
        .into_iter()
        .filter(|b| b.info.starts_with("mermaid"))
    {
        for (line, content) in &block.body {
            let bytes = content.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                if !matches!(b, b'[' | b'(' | b'{') {
                    continue;
                }
                let label = content[i + 1..].trim_start_matches('"');
                let digits = label.bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 && label[digits..].starts_with(". ") {
                    problems.push(problem(
                        ProblemKind::MermaidListLabel,
                        page,
                        *line,
                        format!(
                            "mermaid label `{}` starts like a numbered list and renders as \
                             \"Unsupported markdown: list\"; write `Step 1: ...` or `1 - ...`",
                            label.trim_end_matches(['"', ']', ')', '}'])
                        ),
                    ));
                    break;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers

fn collect_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(&path, ext, out)?;
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    Ok(())
}

/// Removes `.` and `..` without touching the file system, so paths to missing
/// files compare too.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
