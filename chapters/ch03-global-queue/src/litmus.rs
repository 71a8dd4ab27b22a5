//! The store-buffering litmus test, the pattern behind every "announce, then
//! look" protocol in the book (Dekker's pattern).
//!
//! Two threads each store 1 into their own flag and then read the other's
//! flag. Interleave the four operations in any order you like: at least one
//! thread reads 1. Yet with weak enough orderings, real hardware and the
//! Rust memory model both allow *both* threads to read 0. See the book's
//! "Memory ordering" page; `examples/litmus.rs` runs it on this machine and
//! `tests/loom_litmus.rs` checks it with loom.

use crate::sync::{fence, AtomicUsize, Ordering};

// ANCHOR: variants
/// How each thread orders its store before its load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `store(Relaxed)`, then `load(Relaxed)`.
    Relaxed,
    /// `store(Release)`, then `load(Acquire)`: still not enough.
    ReleaseAcquire,
    /// `store(Relaxed)`, a `SeqCst` fence, then `load(Relaxed)`.
    SeqCstFence,
    /// Both accesses are read-modify-writes (`swap`, then `fetch_add(0)`).
    ReadModifyWrite,
}

/// One side of the litmus test: announce on `mine`, then look at `theirs`.
/// Returns what it saw there.
pub fn announce_then_look(mine: &AtomicUsize, theirs: &AtomicUsize, variant: Variant) -> usize {
    match variant {
        Variant::Relaxed => {
            mine.store(1, Ordering::Relaxed);
            theirs.load(Ordering::Relaxed)
        }
        Variant::ReleaseAcquire => {
            mine.store(1, Ordering::Release);
            theirs.load(Ordering::Acquire)
        }
        Variant::SeqCstFence => {
            mine.store(1, Ordering::Relaxed);
            fence(Ordering::SeqCst);
            theirs.load(Ordering::Relaxed)
        }
        Variant::ReadModifyWrite => {
            mine.swap(1, Ordering::AcqRel);
            theirs.fetch_add(0, Ordering::AcqRel)
        }
    }
}
// ANCHOR_END: variants

// ANCHOR: message_passing
/// The other classic shape, message passing: `data` is written, then `ready`
/// is set with `Release`. A reader that sees `ready` with `Acquire` is
/// guaranteed to see `data` too. Returns `None` if `ready` was not set yet.
pub fn publish(data: &AtomicUsize, ready: &AtomicUsize, value: usize) {
    data.store(value, Ordering::Relaxed);
    ready.store(1, Ordering::Release);
}

pub fn consume(data: &AtomicUsize, ready: &AtomicUsize) -> Option<usize> {
    if ready.load(Ordering::Acquire) == 1 {
        Some(data.load(Ordering::Relaxed))
    } else {
        None
    }
}
// ANCHOR_END: message_passing

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn one_thread_alone_reads_what_is_there() {
        for variant in [
            Variant::Relaxed,
            Variant::ReleaseAcquire,
            Variant::SeqCstFence,
            Variant::ReadModifyWrite,
        ] {
            let (mine, theirs) = (AtomicUsize::new(0), AtomicUsize::new(1));
            assert_eq!(announce_then_look(&mine, &theirs, variant), 1);
            assert_eq!(mine.load(Ordering::Relaxed), 1);
            assert_eq!(theirs.load(Ordering::Relaxed), 1, "a look changes nothing");
        }
    }

    #[test]
    fn a_published_value_is_seen_once_ready() {
        let (data, ready) = (AtomicUsize::new(0), AtomicUsize::new(0));
        assert_eq!(consume(&data, &ready), None);
        publish(&data, &ready, 42);
        assert_eq!(consume(&data, &ready), Some(42));
    }
}
