//! Exercises for Chapter 10. Run `cargo test -p ch10-exercises`, or one
//! exercise with `cargo test -p ch10-exercises --test <name>`. The reference
//! solutions build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(
    grow_or_queue,
    "grow_or_queue",
    "../solutions/grow_or_queue.rs"
);
exercise!(idle_exit, "idle_exit", "../solutions/idle_exit.rs");
