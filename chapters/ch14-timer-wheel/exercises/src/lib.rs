//! Exercises for Chapter 14. Run `cargo test -p ch14-exercises`, or one
//! exercise with `cargo test -p ch14-exercises --test <name>`. The reference
//! solutions build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

pub mod toy_wheel;

use exercise_support::exercise;

exercise!(
    level_and_slot,
    "level_and_slot",
    "../solutions/level_and_slot.rs"
);
exercise!(advance, "advance", "../solutions/advance.rs");
