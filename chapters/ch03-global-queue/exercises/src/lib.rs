//! Exercises for Chapter 3. Run `cargo test -p ch03-exercises`; each test file
//! checks one exercise. The reference solutions build with
//! `--features solution`.

#[cfg(not(feature = "solution"))]
pub mod output_slot;
#[cfg(feature = "solution")]
#[path = "../solutions/output_slot.rs"]
pub mod output_slot;

#[cfg(not(feature = "solution"))]
pub mod lifo;
#[cfg(feature = "solution")]
#[path = "../solutions/lifo.rs"]
pub mod lifo;
