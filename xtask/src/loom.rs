//! `cargo xtask loom`: every loom model of the chapters, in a target folder of
//! its own so `--cfg loom` does not invalidate the normal build.

use std::path::Path;
use std::process::Command;

/// A `tests/loom*.rs` test target of a chapter crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoomTest {
    pub package: String,
    /// The test target's name: the file stem, for `--test`.
    pub test: String,
}

/// The loom test targets of every crate under `chapters/`, from
/// `cargo metadata` (so a crate's own `[[test]]` settings are respected).
pub fn discover(cargo: &str, root: &Path) -> Result<Vec<LoomTest>, String> {
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
    Ok(loom_tests(&json, &root.join("chapters")))
}

/// The loom tests in `cargo metadata` output, for packages under `chapters`.
/// Exercise crates (`chNN-exercises`) are left out: their models run against
/// the solution and the wrong solutions in the exercise check, and would
/// fail against the skeletons here.
pub fn loom_tests(metadata: &serde_json::Value, chapters: &Path) -> Vec<LoomTest> {
    let mut found = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let (Some(name), Some(manifest)) =
            (package["name"].as_str(), package["manifest_path"].as_str())
        else {
            continue;
        };
        let Some(crate_dir) = Path::new(manifest).parent() else {
            continue;
        };
        if !crate_dir.starts_with(chapters) || name.ends_with("-exercises") {
            continue;
        }
        for target in package["targets"].as_array().into_iter().flatten() {
            let is_test = target["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "test"));
            let (Some(test), Some(src)) = (target["name"].as_str(), target["src_path"].as_str())
            else {
                continue;
            };
            let src = Path::new(src);
            let in_tests = src.parent() == Some(crate_dir.join("tests").as_path());
            let is_loom = src
                .file_name()
                .and_then(|f| f.to_str())
                .is_some_and(|f| f.starts_with("loom") && f.ends_with(".rs"));
            if is_test && in_tests && is_loom {
                found.push(LoomTest {
                    package: name.to_string(),
                    test: test.to_string(),
                });
            }
        }
    }
    found.sort_by(|a, b| (&a.package, &a.test).cmp(&(&b.package, &b.test)));
    found
}

/// The command for one loom test: release build (loom explores thousands of
/// interleavings), `--cfg loom`, a preemption bound that keeps it to
/// seconds, and `target/loom` so the normal build is not thrown away.
pub fn command(cargo: &str, root: &Path, t: &LoomTest) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["test", "-p", &t.package, "--test", &t.test, "--release"]);
    set_loom_env(&mut cmd, root);
    cmd
}

/// The environment of every loom run: `--cfg loom`, the preemption bound and
/// `target/loom`.
pub fn set_loom_env(cmd: &mut Command, root: &Path) {
    cmd.env("RUSTFLAGS", "--cfg loom")
        .env("LOOM_MAX_PREEMPTIONS", "2")
        .env("CARGO_TARGET_DIR", root.join("target").join("loom"));
}
