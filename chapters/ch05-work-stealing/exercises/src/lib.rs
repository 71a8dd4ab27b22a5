//! Exercises for Chapter 5. Run one exercise's tests with
//! `cargo test -p ch05-exercises --test <exercise>`, e.g.
//! `cargo test -p ch05-exercises --test steal_busiest`. The reference
//! solutions build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(
    steal_busiest,
    "steal_busiest",
    "../solutions/steal_busiest.rs"
);
exercise!(idle_counts, "idle_counts", "../solutions/idle_counts.rs");
exercise!(sleeper, "sleeper", "../solutions/sleeper.rs");
