//! Exercises for Chapter 1. Run `cargo test -p ch01-exercises`; each test
//! names the exercise it checks. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod run_all_on_threads;
#[cfg(feature = "solution")]
#[path = "../solutions/run_all_on_threads.rs"]
pub mod run_all_on_threads;

#[cfg(not(feature = "solution"))]
pub mod run_with_limit;
#[cfg(feature = "solution")]
#[path = "../solutions/run_with_limit.rs"]
pub mod run_with_limit;
