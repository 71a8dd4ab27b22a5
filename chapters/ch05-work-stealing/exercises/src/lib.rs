//! Exercises for Chapter 5. Run `cargo test -p ch05-exercises`; each test
//! file checks one exercise. The reference solutions build with
//! `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(steal_local, "steal_local", "../solutions/steal_local.rs");
exercise!(idle_counts, "idle_counts", "../solutions/idle_counts.rs");
