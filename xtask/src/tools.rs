//! The book's tools: pinned versions installed into `target/tools`, so a
//! reader needs nothing but Rust, and every machine builds the book with the
//! same mdBook.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

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

pub const TOOLS: [&Tool; 2] = [&MDBOOK, &MDBOOK_MERMAID];

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

/// Installs each tool that is missing or at another version.
pub fn ensure_tools(cargo: &str, root: &Path) -> Result<(), String> {
    for tool in TOOLS {
        let bin = bin_path(root, tool);
        if has_version(&bin, tool.version) {
            continue;
        }
        println!(
            "xtask: installing {} {} into target/tools (once; this takes a few minutes)",
            tool.krate, tool.version
        );
        let mut cmd = Command::new(cargo);
        cmd.current_dir(root)
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
            run::inherit(&mut cmd).map_err(|e| format!("{} install failed: {e}", tool.krate))?;
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
    let mut cmd = Command::new(bin_path(root, &MDBOOK));
    cmd.arg("build")
        .current_dir(root)
        .env("PATH", tools_path(root)?);
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
