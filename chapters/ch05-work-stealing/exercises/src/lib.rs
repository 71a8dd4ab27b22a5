//! Exercises for Chapter 5. Run `cargo test -p ch05-exercises`; each test
//! file checks one exercise. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod steal_local;
#[cfg(feature = "solution")]
#[path = "../solutions/steal_local.rs"]
pub mod steal_local;

#[cfg(not(feature = "solution"))]
pub mod idle_counts;
#[cfg(feature = "solution")]
#[path = "../solutions/idle_counts.rs"]
pub mod idle_counts;
