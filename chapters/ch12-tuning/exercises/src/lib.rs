//! Exercises for Chapter 12. Run `cargo test -p ch12-exercises`, or one
//! exercise with `cargo test -p ch12-exercises --test <name>`. The reference
//! solutions build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

pub mod slab;

exercise!(
    schedule_local,
    "schedule_local",
    "../solutions/schedule_local.rs"
);
exercise!(slab_remove, "slab_remove", "../solutions/slab_remove.rs");
