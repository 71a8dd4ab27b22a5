//! Checks on the book that mdBook itself does not make.
//!
//! mdBook 0.5 exits 0 when an `{{#include}}` names a missing file (it logs an
//! error and leaves the raw directive in the page) and says nothing at all when
//! an anchor is missing (the block comes out empty). A broken book would still
//! "build". These checks turn each of those silent failures into a problem
//! with a file and a line, and add the project's own rules: every page is in
//! `SUMMARY.md`, every `cargo ... -p X` names a real package, no Rust is
//! typed into markdown, and every chapter page (`chNN-name.md`) names its
//! folder, gives its `cargo run -p` and exercise commands and corrects the
//! source article in a "Where the usual explanation goes wrong" box.

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
        check_chapter_page(page, &text, packages, &mut problems);
    }

    check_summary(book_dir, &pages, &included_md, &mut problems);

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
// Chapter pages: where the code is, how to run it, where the article is wrong

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

/// A chapter page states where its crate is, how to run its demo and its
/// exercises, and corrects the source article in a warning box.
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
            format!("the page never says where its code is: name the folder `chapters/{krate}`"),
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
            format!("the page never gives its demo's command: `cargo run -p {krate}`"),
        ));
    }
    let exercises = format!("{}-exercises", &krate[..4]);
    if packages.contains(&exercises) && !has("test", &exercises) {
        problems.push(problem(
            ProblemKind::MissingExerciseCommand,
            page,
            0,
            format!("the page never gives its exercises' command: `cargo test -p {exercises}`"),
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
