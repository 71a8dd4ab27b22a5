//! Exercises for Chapter 3. Run one with
//! `cargo test -p ch03-exercises --test <name>`, and its loom model with
//! `cargo xtask loom <name>`. The reference solutions build with
//! `--features solution`.
//!
//! A wrong solution (a plausible mistake, in `wrong/<exercise>/`) builds
//! instead with `EXERCISE_VARIANT=<exercise>/<mistake>`; `cargo xtask test`
//! checks that the tests reject every one.

use exercise_support::exercise;

exercise!(output_slot, "output_slot", "../solutions/output_slot.rs");
exercise!(task_state, "task_state", "../solutions/task_state.rs");
