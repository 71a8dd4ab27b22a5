//! Exercises for Chapter 3. Run `cargo test -p ch03-exercises`; each test file
//! checks one exercise. The reference solutions build with
//! `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(output_slot, "output_slot", "../solutions/output_slot.rs");
exercise!(lifo, "lifo", "../solutions/lifo.rs");
