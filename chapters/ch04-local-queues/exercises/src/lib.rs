//! Exercises for Chapter 4. Run one exercise's tests with
//! `cargo test -p ch04-exercises --test <exercise>`, e.g.
//! `cargo test -p ch04-exercises --test lifo_slot`. The reference solutions
//! build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(lifo_slot, "lifo_slot", "../solutions/lifo_slot.rs");
