//! Exercises for Chapter 13. Run one with
//! `cargo test -p ch13-exercises --test <name>`; the reference solutions
//! build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

pub mod budget;

exercise!(poll_proceed, "poll_proceed", "../solutions/poll_proceed.rs");
exercise!(budgeted, "budgeted", "../solutions/budgeted.rs");
