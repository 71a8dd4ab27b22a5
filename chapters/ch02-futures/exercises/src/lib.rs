//! Exercises for Chapter 2. Run `cargo test -p ch02-exercises`; each test
//! names the exercise it checks. The reference solutions build with
//! `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(
    counting_waker,
    "counting_waker",
    "../solutions/counting_waker.rs"
);
exercise!(race, "race", "../solutions/race.rs");
exercise!(join2, "join2", "../solutions/join2.rs");
exercise!(arc_waker, "arc_waker", "../solutions/arc_waker.rs");
