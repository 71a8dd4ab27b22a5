//! What the numbers were measured on, for the caption under them.

use std::fs;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub kernel: String,
    pub rustc: String,
    /// The 1-minute load average when the run started: how busy the
    /// machine already was.
    pub load: String,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
}

impl Machine {
    pub fn describe() -> Machine {
        Machine {
            cpu: cpu_model().unwrap_or_else(|| "unknown CPU".into()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|k| format!("Linux {}", k.trim()))
                .unwrap_or_else(|_| std::env::consts::OS.to_string()),
            rustc: rustc_version().unwrap_or_else(|| "rustc (version unknown)".into()),
            load: fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next().map(str::to_string))
                .unwrap_or_else(|| "unknown".into()),
            date: utc_now(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn rustc_version() -> Option<String> {
    // Cargo tells a build which rustc it used; at run time the one on PATH
    // is the best guess (the same one, under `cargo run`).
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let version = text
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    (!version.is_empty()).then_some(version)
}

fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Seconds since 1970 as a UTC date and time (the civil-from-days algorithm
/// of Howard Hinnant's date library), to avoid a date crate for one caption.
pub fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3_600,
        rem % 3_600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        // 2000-02-29 12:34 UTC: a leap day in a century leap year.
        assert_eq!(format_utc(951_827_640), "2000-02-29 12:34 UTC");
        assert_eq!(format_utc(1_798_761_600), "2027-01-01 00:00 UTC");
    }
}
