//! Exercises for Chapter 7. Run one exercise's tests with
//! `cargo test -p ch07-exercises --test <exercise>`, e.g.
//! `cargo test -p ch07-exercises --test limit`. The reference solutions
//! build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(limit, "limit", "../solutions/limit.rs");
exercise!(retry, "retry", "../solutions/retry.rs");
exercise!(deadline, "deadline", "../solutions/deadline.rs");
exercise!(
    abort_on_drop,
    "abort_on_drop",
    "../solutions/abort_on_drop.rs"
);
