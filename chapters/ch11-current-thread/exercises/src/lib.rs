//! Exercises for Chapter 11. Run `cargo test -p ch11-exercises`, or one
//! exercise with `cargo test -p ch11-exercises --test <name>`. The reference
//! solutions build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(
    park_handshake,
    "park_handshake",
    "../solutions/park_handshake.rs"
);
exercise!(wake_once, "wake_once", "../solutions/wake_once.rs");
