//! Helpers for the loom models (`tests/loom*.rs` in the chapters), built
//! only with `RUSTFLAGS="--cfg loom"`.

use std::time::Instant;

use loom::sync::{Condvar, Mutex};

/// Runs `model` under loom and prints how many executions it explored.
/// Without `LOOM_MAX_PREEMPTIONS` loom would explore every interleaving,
/// which for the bigger models takes hours; 2 preemptions is what CI runs.
pub fn check(name: &str, model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    let bound = builder.preemption_bound;
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = runs.clone();
    let start = Instant::now();
    builder.check(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        model();
    });
    println!(
        "{name}: {} executions, preemption bound {bound:?}, {:.1?}",
        runs.load(std::sync::atomic::Ordering::Relaxed),
        start.elapsed()
    );
}

// ANCHOR: gate
/// A door that one thread opens and others wait at, made of loom's mutex
/// and condition variable, so a model that waits here for ever is reported
/// by loom as a deadlock.
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }

    pub fn is_open(&self) -> bool {
        *self.open.lock().unwrap()
    }

    pub fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }
}
// ANCHOR_END: gate
