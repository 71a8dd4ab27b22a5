//! Exercises for Chapter 4. Run `cargo test -p ch04-exercises`; each test
//! file checks one exercise. The reference solutions build with
//! `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(refill, "refill", "../solutions/refill.rs");
exercise!(get_task, "get_task", "../solutions/get_task.rs");
