//! Exercises for Chapter 4. Run `cargo test -p ch04-exercises`; each test
//! file checks one exercise. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod refill;
#[cfg(feature = "solution")]
#[path = "../solutions/refill.rs"]
pub mod refill;

#[cfg(not(feature = "solution"))]
pub mod get_task;
#[cfg(feature = "solution")]
#[path = "../solutions/get_task.rs"]
pub mod get_task;
