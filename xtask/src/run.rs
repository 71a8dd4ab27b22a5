//! Running child processes: streamed to the terminal (so CI logs show
//! progress) and captured (so the xtask can read what they said).

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// What a finished child printed and how it exited.
pub struct Captured {
    pub status: ExitStatus,
    /// stdout and stderr merged in the order they were written.
    pub output: String,
    /// The child ran past its time limit and was killed.
    pub timed_out: bool,
}

/// Runs `cmd` with stdout and stderr both written to one file in
/// `scratch_dir`, and reads that file as it grows.
///
/// One file shared by both streams keeps their order: `cargo test` prints its
/// `Running tests/x.rs` headers on stderr and the test results on stdout, and
/// the parser needs to know which results follow which header. (Two pipes
/// read by two threads would lose that order; `std::io::pipe` needs a newer
/// Rust than the workspace's rust-version.)
///
/// With `echo`, everything is copied to our stdout as it arrives.
pub fn capture(cmd: &mut Command, scratch_dir: &Path, echo: bool) -> Result<Captured, String> {
    capture_within(cmd, scratch_dir, echo, None)
}

/// [`capture`], but a child still running after `limit` is killed, with
/// every process it started, and the result says so.
///
/// The child gets a process group of its own so that the kill reaches the
/// test binary that `cargo test` started, not only cargo.
pub fn capture_within(
    cmd: &mut Command,
    scratch_dir: &Path,
    echo: bool,
    limit: Option<Duration>,
) -> Result<Captured, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    fs::create_dir_all(scratch_dir)
        .map_err(|e| format!("cannot create {}: {e}", scratch_dir.display()))?;
    let path = scratch_dir.join(format!(
        "output-{}-{}.log",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let file2 = file.try_clone().map_err(|e| {
        format!(
            "cannot share {} between stdout and stderr: {e}",
            path.display()
        )
    })?;
    if limit.is_some() {
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut timed_out = false;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(Stdio::from(file2))
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", describe(cmd)))?;

    let mut reader =
        File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut pump = |bytes: &mut Vec<u8>| -> std::io::Result<()> {
        loop {
            let n = reader.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            if echo {
                let mut out = std::io::stdout().lock();
                out.write_all(&chunk[..n])?;
                out.flush()?;
            }
            bytes.extend_from_slice(&chunk[..n]);
        }
    };
    let status = loop {
        pump(&mut bytes).map_err(|e| format!("reading the output of {}: {e}", describe(cmd)))?;
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if !timed_out && limit.is_some_and(|l| started.elapsed() > l) => {
                timed_out = true;
                // The group's id is the child's pid (process_group(0) above).
                // A failed kill leaves the loop waiting, as without a limit.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
            }
            Ok(None) => thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("waiting for {}: {e}", describe(cmd))),
        }
    };
    // The child may have written its last lines after our previous read.
    pump(&mut bytes).map_err(|e| format!("reading the output of {}: {e}", describe(cmd)))?;
    // A leftover log in target/ harms nothing, so a failed removal is ignored.
    let _ = fs::remove_file(&path);
    Ok(Captured {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
        timed_out,
    })
}

/// Runs `cmd` with the terminal as its stdout and stderr.
pub fn inherit(cmd: &mut Command) -> Result<ExitStatus, String> {
    cmd.status()
        .map_err(|e| format!("cannot start {}: {e}", describe(cmd)))
}

/// `cargo test -p x` as a human would type it, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut s = Path::new(cmd.get_program())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// The first `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
