//! Every exercise crate builds one of three versions of each exercise:
//!
//! - the skeleton in `src/<name>.rs`, which the reader edits (the default);
//! - the reference solution in `solutions/<name>.rs` (`--features solution`);
//! - one wrong solution, `wrong/<name>/<mistake>.rs`, chosen by the
//!   environment variable `EXERCISE_VARIANT=<name>/<mistake>`.
//!
//! Wrong solutions are plausible learner mistakes. `cargo xtask test` builds
//! each one and checks that the exercise's tests reject it, so a test suite
//! that a wrong answer passes fails CI.
//!
//! An exercise crate calls [`build`] from its `build.rs` and declares each
//! exercise in its `lib.rs` with [`exercise!`].

use std::path::PathBuf;

pub mod lockstep;

/// The environment variable that picks a wrong solution.
pub const VARIANT_VAR: &str = "EXERCISE_VARIANT";

/// The body of an exercise crate's `build.rs`.
///
/// With `EXERCISE_VARIANT=<name>/<mistake>` set, it tells rustc
/// `--cfg variant="<name>"` and where the wrong file is, so only that one
/// exercise's module changes. Without it the build is the ordinary one.
///
/// # Panics
///
/// When the variable names a file that does not exist: a typo there must not
/// quietly build the skeleton instead.
pub fn build() {
    println!("cargo::rustc-check-cfg=cfg(variant, values(any()))");
    println!("cargo::rerun-if-env-changed={VARIANT_VAR}");
    println!("cargo::rerun-if-changed=build.rs");
    let Ok(choice) = std::env::var(VARIANT_VAR) else {
        return;
    };
    if choice.is_empty() {
        return;
    }
    let Some((name, mistake)) = choice.split_once('/') else {
        panic!("{VARIANT_VAR}={choice}: expected <exercise>/<mistake>, e.g. race/late_drop");
    };
    // Cargo always sets it for a build script.
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let file = dir.join("wrong").join(name).join(format!("{mistake}.rs"));
    assert!(
        file.is_file(),
        "{VARIANT_VAR}={choice}: there is no {}",
        file.display()
    );
    println!("cargo::rerun-if-changed={}", file.display());
    println!("cargo::rustc-cfg=variant=\"{name}\"");
    println!("cargo::rustc-env=EXERCISE_VARIANT_FILE={}", file.display());
}

/// Declares one exercise module: `exercise!(race, "race", "../solutions/race.rs");`
///
/// The name appears three times because attributes take literals only: the
/// module, the `variant` cfg value, and the solution's path (relative to the
/// file that invokes the macro, as a `#[path]` always is).
///
/// A wrong solution is spliced in with `include!`, so it may not start with
/// inner attributes or `//!` comments: its header is plain `//` comments.
#[macro_export]
macro_rules! exercise {
    ($name:ident, $variant:literal, $solution:literal) => {
        #[cfg(not(any(feature = "solution", variant = $variant)))]
        pub mod $name;
        #[cfg(all(feature = "solution", not(variant = $variant)))]
        #[path = $solution]
        pub mod $name;
        #[cfg(variant = $variant)]
        pub mod $name {
            include!(env!("EXERCISE_VARIANT_FILE"));
        }
    };
}
