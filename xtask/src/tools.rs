//! The book's tools: pinned versions installed into `target/tools`, so a
//! reader needs nothing but Rust, and every machine builds the book with the
//! same mdBook.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use crate::run::{self, Captured};

/// A tool the book needs: crate name, binary name, pinned version.
pub struct Tool {
    pub krate: &'static str,
    pub bin: &'static str,
    pub version: &'static str,
}

pub const MDBOOK: Tool = Tool {
    krate: "mdbook",
    bin: "mdbook",
    version: "0.5.4",
};

/// Renders ```mermaid blocks. 0.17 is the line that works with mdBook 0.5.
pub const MDBOOK_MERMAID: Tool = Tool {
    krate: "mdbook-mermaid",
    bin: "mdbook-mermaid",
    version: "0.17.1",
};

/// A second mdbook output that fails the build on a broken link between
/// pages or to a file. 0.13 is the line that works with mdBook 0.5 (the
/// original mdbook-linkcheck 0.7 does not).
pub const MDBOOK_LINKCHECK2: Tool = Tool {
    krate: "mdbook-linkcheck2",
    bin: "mdbook-linkcheck2",
    version: "0.13.0",
};

pub const TOOLS: [&Tool; 3] = [&MDBOOK, &MDBOOK_MERMAID, &MDBOOK_LINKCHECK2];

/// Where a build into `dest` puts the HTML. book.toml has two outputs (html
/// and linkcheck2), and then mdbook gives each its own folder under `dest`.
pub fn html_dir(dest: &Path) -> PathBuf {
    dest.join("html")
}

/// The JavaScript files `mdbook-mermaid install` writes. They live beside
/// book.toml (book.toml's `additional-js` names them) and are git-ignored:
/// they are generated from the pinned mdbook-mermaid, not kept in the repo.
pub const MERMAID_JS: [&str; 2] = ["mermaid.min.js", "mermaid-init.js"];

/// `target/tools`: the `--root` of our `cargo install`s.
pub fn tools_root(root: &Path) -> PathBuf {
    root.join("target").join("tools")
}

pub fn bin_path(root: &Path, tool: &Tool) -> PathBuf {
    tools_root(root)
        .join("bin")
        .join(format!("{}{}", tool.bin, std::env::consts::EXE_SUFFIX))
}

/// Whether `bin --version` reports exactly the pinned version.
fn has_version(bin: &Path, version: &str) -> bool {
    let Ok(out) = Command::new(bin).arg("--version").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    // "mdbook v0.5.4" / "mdbook-mermaid 0.17.1": compare the last word,
    // so 0.5.40 does not pass for 0.5.4.
    out.status.success()
        && text
            .split_whitespace()
            .last()
            .is_some_and(|v| v.trim_start_matches('v') == version)
}

/// Whether every tool is installed at its pinned version.
pub fn tools_ready(root: &Path) -> bool {
    TOOLS
        .iter()
        .all(|tool| has_version(&bin_path(root, tool), tool.version))
}

/// Installs each tool that is missing or at another version, with cargo's
/// output streamed to the terminal.
pub fn ensure_tools(cargo: &str, root: &Path) -> Result<(), String> {
    install_missing(cargo, root, None, |tool, cmd| {
        println!("{}", installing(tool));
        run::inherit(cmd)
    })
}

fn installing(tool: &Tool) -> String {
    format!(
        "xtask: installing {} {} into target/tools (once; this takes a few minutes)",
        tool.krate, tool.version
    )
}

/// The mdBook tools being installed by a thread of ours while the caller
/// gets on with other work (`cargo xtask test` starts it first, because
/// compiling the tools takes minutes and most steps leave a core idle).
pub struct Background {
    started: Instant,
    handle: thread::JoinHandle<(Result<(), String>, String)>,
}

impl Background {
    /// Starts installing the missing tools, or returns `None` when they are
    /// all there. cargo's output is captured, not streamed: it would land in
    /// the middle of whatever step is running. [`Background::join`] prints it.
    ///
    /// The installs run under `nice`, so the step in the foreground (whose
    /// tests have timeouts) keeps the CPU it needs and the tools build in the
    /// time it leaves idle.
    pub fn start(cargo: &str, root: &Path, scratch: &Path) -> Option<Background> {
        if tools_ready(root) {
            return None;
        }
        let (cargo, root, scratch) = (cargo.to_owned(), root.to_owned(), scratch.to_owned());
        let handle = thread::spawn(move || {
            let mut log = String::new();
            let result = install_missing(&cargo, &root, Some("nice"), |tool, cmd| {
                log.push_str(&installing(tool));
                log.push('\n');
                let out = run::capture(cmd, &scratch, false)?;
                log.push_str(&out.output);
                Ok(out.status)
            });
            (result, log)
        });
        Some(Background {
            started: Instant::now(),
            handle,
        })
    }

    /// Waits for the installs and prints their output. Returns how long
    /// they took and how long the caller waited here.
    pub fn join(self) -> Result<(Duration, Duration), String> {
        let waited_from = Instant::now();
        let (result, log) = self
            .handle
            .join()
            .unwrap_or_else(|_| (Err("the install thread panicked".into()), String::new()));
        let waited = waited_from.elapsed();
        let took = self.started.elapsed();
        println!("    ---- output of the installs ----");
        for line in log.lines() {
            println!("    | {line}");
        }
        println!("    ----");
        result.map(|()| (took, waited))
    }
}

/// Installs each tool that is missing or at another version, running each
/// `cargo install` with `install` (under `wrapper`, such as `nice`, if given and
/// found on PATH).
fn install_missing(
    cargo: &str,
    root: &Path,
    wrapper: Option<&str>,
    mut install: impl FnMut(&Tool, &mut Command) -> Result<ExitStatus, String>,
) -> Result<(), String> {
    for tool in TOOLS {
        let bin = bin_path(root, tool);
        if has_version(&bin, tool.version) {
            continue;
        }
        let mut cmd = match wrapper.filter(|w| run::which(w).is_some()) {
            Some(w) => {
                let mut cmd = Command::new(w);
                cmd.arg(cargo);
                cmd
            }
            None => Command::new(cargo),
        };
        cmd.current_dir(root)
            // One build folder for the three tools: they share most of their
            // dependencies (mdBook's own crates among them), so the second
            // and third installs reuse what the first compiled.
            .env("CARGO_TARGET_DIR", tools_root(root).join("build"))
            // The tools do little work (the book builds in about a second),
            // but compiling them with full optimisation is most of a cold
            // CI run's book step: a lightly optimised build is much quicker.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
            .args([
                "install",
                "--locked",
                "--force",
                "--version",
                tool.version,
                "--root",
            ])
            .arg(tools_root(root))
            .arg(tool.krate);
        let status =
            install(tool, &mut cmd).map_err(|e| format!("{} install failed: {e}", tool.krate))?;
        if !status.success() {
            return Err(format!(
                "{} install failed: `{}` exited with {status}",
                tool.krate,
                run::describe(&cmd)
            ));
        }
        if !has_version(&bin, tool.version) {
            return Err(format!(
                "{} install failed: {} does not report version {} after installing",
                tool.krate,
                bin.display(),
                tool.version
            ));
        }
    }
    Ok(())
}

/// Writes mermaid's JavaScript beside book.toml if it is not there.
///
/// `mdbook-mermaid install <dir>` also edits `<dir>/book.toml`, so it runs on
/// a scratch copy of book.toml and only the JavaScript is copied back: the
/// real book.toml is never rewritten.
pub fn ensure_mermaid_js(root: &Path) -> Result<(), String> {
    if MERMAID_JS.iter().all(|f| root.join(f).is_file()) {
        return Ok(());
    }
    let scratch = root.join("target").join("xtask").join("mermaid-install");
    // A leftover from an interrupted run would only be overwritten anyway.
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| {
        format!(
            "mermaid setup failed: cannot create {}: {e}",
            scratch.display()
        )
    })?;
    fs::copy(root.join("book.toml"), scratch.join("book.toml"))
        .map_err(|e| format!("mermaid setup failed: cannot copy book.toml: {e}"))?;
    let bin = bin_path(root, &MDBOOK_MERMAID);
    let out = Command::new(&bin)
        .arg("install")
        .arg(&scratch)
        .output()
        .map_err(|e| format!("mermaid setup failed: cannot run {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!(
            "mermaid setup failed: `mdbook-mermaid install` exited with {}:\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    for f in MERMAID_JS {
        fs::copy(scratch.join(f), root.join(f)).map_err(|e| {
            format!("mermaid setup failed: `mdbook-mermaid install` did not give {f}: {e}")
        })?;
    }
    Ok(())
}

/// PATH with target/tools/bin first, so mdbook finds the pinned
/// mdbook-mermaid preprocessor rather than any other on the machine.
pub fn tools_path(root: &Path) -> Result<OsString, String> {
    let mut dirs = vec![tools_root(root).join("bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).map_err(|e| format!("cannot build PATH for mdbook: {e}"))
}

/// `mdbook build`, streamed to the terminal and captured for the log check.
/// `dest` overrides book.toml's build-dir (target/book).
pub fn build_book(root: &Path, scratch: &Path, dest: Option<&Path>) -> Result<Captured, String> {
    build_book_in(root, root, scratch, dest)
}

/// `mdbook build` of the book whose book.toml is in `book_root`, with the
/// tools installed under `root`.
fn build_book_in(
    root: &Path,
    book_root: &Path,
    scratch: &Path,
    dest: Option<&Path>,
) -> Result<Captured, String> {
    let mut cmd = Command::new(bin_path(root, &MDBOOK));
    cmd.arg("build")
        .current_dir(book_root)
        .env("PATH", tools_path(root)?)
        // mdbook-linkcheck2 prints a stack backtrace under its report when
        // this is set; the report says everything.
        .env("RUST_BACKTRACE", "0");
    if let Some(dest) = dest {
        cmd.arg("--dest-dir").arg(dest);
    }
    run::capture(&mut cmd, scratch, true).map_err(|e| format!("mdbook build failed: {e}"))
}

/// `mdbook serve` on 127.0.0.1:3000 until interrupted.
pub fn serve_book(root: &Path) -> Result<ExitStatus, String> {
    let mut cmd = Command::new(bin_path(root, &MDBOOK));
    cmd.args(["serve", "-n", "127.0.0.1", "-p", "3000"])
        .current_dir(root)
        .env("PATH", tools_path(root)?);
    run::inherit(&mut cmd).map_err(|e| format!("mdbook serve failed: {e}"))
}

/// Proves that the link check is live: a scratch book with the real
/// book.toml (and the files it names) and one broken link must fail to
/// build, and the log must name the link. A book.toml that lost its
/// `[output.linkcheck2]` section, or a warning policy that only warns, would
/// otherwise let every broken link through while the real book "passes".
pub fn check_link_checker(root: &Path, scratch: &Path) -> Result<(), String> {
    let dir = scratch.join("linkcheck-canary");
    // A leftover from an interrupted run would only be overwritten anyway.
    let _ = fs::remove_dir_all(&dir);
    let fail = |what: &str, e: std::io::Error| format!("link check canary: {what}: {e}");
    fs::create_dir_all(dir.join("book")).map_err(|e| fail("cannot create its folder", e))?;
    let config =
        fs::read_to_string(root.join("book.toml")).map_err(|e| fail("cannot read book.toml", e))?;
    fs::write(dir.join("book.toml"), &config).map_err(|e| fail("cannot copy book.toml", e))?;
    // The theme files book.toml names, so the scratch build can only fail
    // on the link.
    for file in additional_files(&config) {
        let to = dir.join(&file);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| fail("cannot create a folder", e))?;
        }
        fs::copy(root.join(&file), &to).map_err(|e| fail(&format!("cannot copy {file}"), e))?;
    }
    fs::write(
        dir.join("book/SUMMARY.md"),
        "# Summary\n\n- [Page](page.md)\n",
    )
    .map_err(|e| fail("cannot write SUMMARY.md", e))?;
    fs::write(
        dir.join("book/page.md"),
        "# Page\n\nA [link to this page](page.md) and one to [a page that is not there](gone-page.md).\n",
    )
    .map_err(|e| fail("cannot write page.md", e))?;

    println!("xtask: checking that the link check fails a book with a broken link");
    let built = build_book_in(root, &dir, scratch, Some(&dir.join("out")))?;
    let result = if built.status.success() {
        Err(
            "link check canary: a book with a link to a missing page built without error: \
             is [output.linkcheck2] with warning-policy = \"error\" still in book.toml?"
                .to_string(),
        )
    } else if !built.output.contains("gone-page.md") {
        Err(format!(
            "link check canary: the build failed, but not over the broken link:\n{}",
            built.output
        ))
    } else {
        println!("xtask: it does (the error above is the expected one)");
        Ok(())
    };
    let _ = fs::remove_dir_all(&dir);
    result
}

/// The files named by `additional-js` and `additional-css` in book.toml.
fn additional_files(config: &str) -> Vec<String> {
    let mut files = Vec::new();
    for line in config.lines() {
        let line = line.trim_start();
        if !(line.starts_with("additional-js") || line.starts_with("additional-css")) {
            continue;
        }
        // The quoted strings of `key = ["a", "b"]`.
        files.extend(line.split('"').skip(1).step_by(2).map(str::to_owned));
    }
    files
}
