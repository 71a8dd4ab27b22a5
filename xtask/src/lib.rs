//! The project's tasks, as a library so the root package's tests can use the
//! same checks the xtask runs.
//!
//! - [`bookcheck`]: checks on the book that mdBook does not make itself.
//! - [`testoutput`]: reads `cargo test` output.
//! - [`exercises`]: finds exercises and judges their test runs.
//! - [`tools`]: installs the pinned mdBook and builds the book.
//! - [`run`]: runs child processes, streamed and captured.
//! - [`browser`]: Chromium and playwright-core for the browser test.
//! - [`loom`]: finds the chapters' loom models and runs them.

pub mod bookcheck;
pub mod browser;
pub mod exercises;
pub mod loom;
pub mod run;
pub mod testoutput;
pub mod tools;

/// Re-exported so the root package's tests can build `cargo metadata`-shaped
/// input for [`loom::loom_tests`] without a dependency of their own.
pub use serde_json;
