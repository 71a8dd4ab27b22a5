//! Exercises for Chapter 6. Run one exercise's tests with
//! `cargo test -p ch06-exercises --test <exercise>`, e.g.
//! `cargo test -p ch06-exercises --test read_exact`. The reference
//! solutions build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(read_exact, "read_exact", "../solutions/read_exact.rs");
exercise!(interval, "interval", "../solutions/interval.rs");
exercise!(readiness, "readiness", "../solutions/readiness.rs");
