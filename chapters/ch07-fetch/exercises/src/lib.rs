//! Exercises for Chapter 7. Run `cargo test -p ch07-exercises`; each test
//! names the exercise it checks. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod limit;
#[cfg(feature = "solution")]
#[path = "../solutions/limit.rs"]
pub mod limit;

#[cfg(not(feature = "solution"))]
pub mod retry;
#[cfg(feature = "solution")]
#[path = "../solutions/retry.rs"]
pub mod retry;

#[cfg(not(feature = "solution"))]
pub mod deadline;
#[cfg(feature = "solution")]
#[path = "../solutions/deadline.rs"]
pub mod deadline;
