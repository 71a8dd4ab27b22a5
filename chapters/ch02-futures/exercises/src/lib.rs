//! Exercises for Chapter 2. Run `cargo test -p ch02-exercises`; each test
//! names the exercise it checks. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod join2;
#[cfg(feature = "solution")]
#[path = "../solutions/join2.rs"]
pub mod join2;

#[cfg(not(feature = "solution"))]
pub mod race;
#[cfg(feature = "solution")]
#[path = "../solutions/race.rs"]
pub mod race;

#[cfg(not(feature = "solution"))]
pub mod counting_waker;
#[cfg(feature = "solution")]
#[path = "../solutions/counting_waker.rs"]
pub mod counting_waker;
