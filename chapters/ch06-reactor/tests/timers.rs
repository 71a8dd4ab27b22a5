//! Timers on the real runtime: never early, in deadline order, many at once.

use ch06_reactor as runtime;

/// Timers left in the reactor's heap (cancelled ones included).
fn pending_timers() -> usize {
    ch06_reactor::Reactor::current().pending_timers()
}

include!("timers/cases.rs");
