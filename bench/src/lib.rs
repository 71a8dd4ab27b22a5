//! The measuring harness: every chapter's runtime against tokio and
//! async-executor on the same workloads. `cargo run --release -p bench`
//! writes the tables and the chart that the book's "Measuring our runtimes"
//! page shows; `--quick` only checks that every workload runs everywhere.

pub mod adapter;
pub mod harness;
pub mod machine;
pub mod report;
pub mod workloads;

use adapter::{
    AsyncExecutor, Ch03, Ch04, Ch05, Ch06, Ch11, Ch12, Ch12Lifo, Ch13, Ch14, Tokio,
    TokioCurrentThread,
};
use harness::Entry;

// ANCHOR: registry
/// Every runtime the harness measures, in the order of the table's columns.
/// Adding a runtime is one line here (and, for a chapter, one `chapter!` line).
pub fn registry() -> Vec<Entry> {
    #[allow(unused_mut)] // pushed to only in a tokio_unstable build
    let mut entries = vec![
        Entry::with_tcp::<Tokio>(),
        Entry::with_tcp::<AsyncExecutor>(),
        Entry::new::<Ch03>(),
        Entry::new::<Ch04>(),
        Entry::new::<Ch05>(),
        Entry::with_tcp::<Ch06>(),
        // Chapter 6 plus the LIFO slot, with chapter 3's task cells; then
        // with chapter 12's leaner cells too.
        Entry::new::<Ch12Lifo>(),
        Entry::with_tcp::<Ch12>(),
        // Plus chapter 13's budget; plus chapter 14's timer wheel: the
        // tuned runtime.
        Entry::new::<Ch13>(),
        Entry::new::<Ch14>(),
        // One thread each: compare these two with each other.
        Entry::with_tcp::<TokioCurrentThread>(),
        Entry::with_tcp::<Ch11>(),
    ];
    // tokio without its LIFO slot, next to tokio; see adapter::TokioNoLifo.
    #[cfg(tokio_unstable)]
    entries.insert(1, Entry::new::<adapter::TokioNoLifo>());
    entries
}
// ANCHOR_END: registry
