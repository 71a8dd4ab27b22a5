//! Exercises for Chapter 1. Run `cargo test -p ch01-exercises`; each test
//! names the exercise it checks. The reference solutions build with
//! `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(
    first_to_finish,
    "first_to_finish",
    "../solutions/first_to_finish.rs"
);
exercise!(
    run_with_limit,
    "run_with_limit",
    "../solutions/run_with_limit.rs"
);
