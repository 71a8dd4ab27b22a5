//! Exercises for Chapter 6. Run `cargo test -p ch06-exercises`; each test
//! names the exercise it checks. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod read_exact;
#[cfg(feature = "solution")]
#[path = "../solutions/read_exact.rs"]
pub mod read_exact;

#[cfg(not(feature = "solution"))]
pub mod interval;
#[cfg(feature = "solution")]
#[path = "../solutions/interval.rs"]
pub mod interval;
