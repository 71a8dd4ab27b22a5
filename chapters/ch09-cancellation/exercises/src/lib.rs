//! Exercises for Chapter 9. Run one with
//! `cargo test -p ch09-exercises --test <name>`; the reference solutions
//! build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(cooperative, "cooperative", "../solutions/cooperative.rs");
exercise!(line_reader, "line_reader", "../solutions/line_reader.rs");
