//! Exercises for Chapter 8. Run one with
//! `cargo test -p ch08-exercises --test <name>`; the reference solutions
//! build with `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

pub mod bounded;
pub mod interleave;
pub mod oneshot;

exercise!(oneshot_recv, "oneshot_recv", "../solutions/oneshot_recv.rs");
exercise!(bounded_send, "bounded_send", "../solutions/bounded_send.rs");
