//! What every fetch program prints, in one format, whichever runtime and
//! client produced the results: one line per task as it finishes, then a
//! summary that compares the wall time with the requests' own times.

use std::error::Error;
use std::fmt;
use std::time::{Duration, Instant};

use crate::todos::Todo;

// ANCHOR: ended
/// How one task ended.
#[derive(Debug)]
pub enum Ended<E> {
    /// The task returned: the fetch's result, and how long the fetch took.
    Returned {
        took: Duration,
        result: Result<Todo, E>,
    },
    /// The task panicked, with this message.
    Panicked(String),
    /// The task was aborted, or dropped at shutdown, before it finished.
    Cancelled,
}
// ANCHOR_END: ended

/// One finished task, as reported.
#[derive(Debug)]
pub struct Outcome<E> {
    pub id: u64,
    pub ended: Ended<E>,
}

impl<E> Outcome<E> {
    pub fn todo(&self) -> Option<&Todo> {
        match &self.ended {
            Ended::Returned {
                result: Ok(todo), ..
            } => Some(todo),
            _ => None,
        }
    }
}

/// Prints outcomes as they arrive and counts them.
pub struct Report {
    started: Instant,
    ok: usize,
    failed: usize,
    panicked: usize,
    cancelled: usize,
    /// The fetches' own times, added up.
    busy: Duration,
    quiet: bool,
}

impl Report {
    pub fn new() -> Report {
        Report {
            started: Instant::now(),
            ok: 0,
            failed: 0,
            panicked: 0,
            cancelled: 0,
            busy: Duration::ZERO,
            quiet: false,
        }
    }

    /// Counts without printing (for the benchmark).
    pub fn quiet() -> Report {
        Report {
            quiet: true,
            ..Report::new()
        }
    }

    pub fn record<E: Error>(&mut self, outcome: &Outcome<E>) {
        let at = self.started.elapsed().as_millis();
        let what = match &outcome.ended {
            Ended::Returned { took, result } => {
                self.busy += *took;
                match result {
                    Ok(todo) => {
                        self.ok += 1;
                        // A Todo is plain strings, numbers and a bool.
                        serde_json::to_string(todo).expect("a Todo always serializes")
                    }
                    Err(error) => {
                        self.failed += 1;
                        format!("failed: {}", error_chain(error))
                    }
                }
            }
            Ended::Panicked(message) => {
                self.panicked += 1;
                format!("task panicked: {message}")
            }
            Ended::Cancelled => {
                self.cancelled += 1;
                "task cancelled".to_string()
            }
        };
        if !self.quiet {
            println!("{at:>5} ms  todo {:>2}: {what}", outcome.id);
        }
    }

    pub fn ok(&self) -> usize {
        self.ok
    }

    pub fn failed(&self) -> usize {
        self.failed
    }

    pub fn panicked(&self) -> usize {
        self.panicked
    }

    pub fn cancelled(&self) -> usize {
        self.cancelled
    }
}

impl Default for Report {
    fn default() -> Self {
        Report::new()
    }
}

impl fmt::Display for Report {
    /// The summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wall = self.started.elapsed();
        let fetches = self.ok + self.failed + self.panicked + self.cancelled;
        // Only a program that aborts tasks has any, so only then is it said.
        let cancelled = match self.cancelled {
            0 => String::new(),
            n => format!(", {n} cancelled"),
        };
        writeln!(
            f,
            "{fetches} fetches: {} ok, {} failed, {} panicked{cancelled}, in {} ms",
            self.ok,
            self.failed,
            self.panicked,
            wall.as_millis()
        )?;
        write!(
            f,
            "the requests' own times add up to {} ms",
            self.busy.as_millis()
        )?;
        // Below a few milliseconds the ratio is noise.
        if wall >= Duration::from_millis(10) {
            let overlap = self.busy.as_secs_f64() / wall.as_secs_f64();
            write!(f, " ({overlap:.1}x the wall time)")?;
        }
        Ok(())
    }
}

/// An error's message followed by its sources', skipping a source whose
/// text the message already contains (ours include it; reqwest's do not).
pub fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = cause.source();
    }
    text
}

/// The message of a panic payload, as far as there is one.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}
