//! The project's tasks, as a library so the root package's tests can use the
//! same checks the xtask runs.
//!
//! - [`bookcheck`]: checks on the book that mdBook does not make itself.
//! - [`testoutput`]: reads `cargo test` output.
//! - [`exercises`]: finds exercises and judges their test runs.
//! - [`tools`]: installs the pinned mdBook and builds the book.
//! - [`run`]: runs child processes, streamed and captured.

pub mod bookcheck;
pub mod exercises;
pub mod run;
pub mod testoutput;
pub mod tools;
