//! The book in a real browser: Debian's Chromium driven by the pinned
//! playwright-core in `browser-tests/`. The test itself (`book.mjs`) serves
//! the built book on 127.0.0.1 at a free port, so it leaves nothing running.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// Debian's Chromium. Playwright's own browser download cannot be used here
/// (no network but the package registries), and one browser for everyone
/// makes the screenshots comparable.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The folder with package.json, package-lock.json and the test script.
pub fn tests_dir(root: &Path) -> PathBuf {
    root.join("browser-tests")
}

/// Where the screenshots go: `<dir>/{desktop,phone,navy}/<page>.png`.
pub fn screenshots_dir(root: &Path) -> PathBuf {
    root.join("target").join("screenshots")
}

/// Installs Chromium with apt when it is missing, or says what to install
/// when we cannot (not root, no apt-get).
pub fn ensure_chromium() -> Result<(), String> {
    ensure_debian_package(CHROMIUM, "chromium")
}

/// Installs Debian's `package` with apt when `binary` is missing, or says
/// what to install when we cannot (not root, no apt-get).
pub fn ensure_debian_package(binary: &str, package: &str) -> Result<(), String> {
    if Path::new(binary).is_file() {
        return Ok(());
    }
    let how = format!(
        "install Debian's {package} so that {binary} exists \
         (as root: `apt-get update && apt-get install -y {package}`), then run this again"
    );
    if !is_root() {
        return Err(format!(
            "{binary} is missing and we are not root, so we cannot install it: {how}"
        ));
    }
    if run::which("apt-get").is_none() {
        return Err(format!(
            "{binary} is missing and this machine has no apt-get: {how}"
        ));
    }
    println!("xtask: {binary} is missing; installing Debian's {package} with apt-get (once)");
    for args in [&["update"][..], &["install", "-y", package][..]] {
        let mut cmd = Command::new("apt-get");
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        let status = run::inherit(&mut cmd)?;
        if !status.success() {
            return Err(format!(
                "`{}` exited with {status}; {how}",
                run::describe(&cmd)
            ));
        }
    }
    if !Path::new(binary).is_file() {
        return Err(format!(
            "apt-get installed {package} but {binary} is still missing; {how}"
        ));
    }
    Ok(())
}

/// `npm ci` in browser-tests/ unless node_modules already holds the version
/// of playwright-core that package-lock.json pins.
pub fn ensure_node_modules(root: &Path) -> Result<(), String> {
    let dir = tests_dir(root);
    for tool in ["node", "npm"] {
        if run::which(tool).is_none() {
            return Err(format!(
                "`{tool}` is not on PATH: the browser test needs Node.js 20 or newer with npm \
                 (Debian: `apt-get install -y nodejs npm`)"
            ));
        }
    }
    let pinned = pinned_version(&dir, "playwright-core")?;
    if installed_version(&dir, "playwright-core").as_deref() == Some(pinned.as_str()) {
        return Ok(());
    }
    println!("xtask: installing playwright-core {pinned} into browser-tests/node_modules (npm ci)");
    let mut cmd = Command::new("npm");
    // No browser download (we use Debian's Chromium), and no audit or funding
    // chatter that would need the network or fill the log.
    cmd.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    let status = run::inherit(&mut cmd)?;
    if !status.success() {
        return Err(format!(
            "`npm ci` in {} exited with {status}",
            dir.display()
        ));
    }
    match installed_version(&dir, "playwright-core") {
        Some(v) if v == pinned => Ok(()),
        other => Err(format!(
            "after `npm ci`, node_modules has playwright-core {other:?}, not {pinned}"
        )),
    }
}

fn pinned_version(dir: &Path, package: &str) -> Result<String, String> {
    let lock = dir.join("package-lock.json");
    let text =
        fs::read_to_string(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", lock.display()))?;
    json["packages"][format!("node_modules/{package}")]["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} does not pin {package}", lock.display()))
}

fn installed_version(dir: &Path, package: &str) -> Option<String> {
    let manifest = dir.join("node_modules").join(package).join("package.json");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(manifest).ok()?).ok()?;
    json["version"].as_str().map(str::to_owned)
}

/// Runs the browser test on the HTML in `html_dir`; its output streams to
/// the terminal. Returns whether every check passed.
pub fn run_test(root: &Path, html_dir: &Path) -> Result<bool, String> {
    let mut cmd = Command::new("node");
    cmd.current_dir(tests_dir(root))
        .arg("book.mjs")
        .arg("--book")
        .arg(html_dir)
        .arg("--summary")
        .arg(root.join("book").join("SUMMARY.md"))
        .arg("--screenshots")
        .arg(screenshots_dir(root))
        .arg("--chromium")
        .arg(CHROMIUM);
    println!("xtask: running {}", run::describe(&cmd));
    Ok(run::inherit(&mut cmd)?.success())
}

/// Whether we run as root, which apt-get needs.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
