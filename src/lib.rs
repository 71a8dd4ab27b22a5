//! Nothing here: the tests in `tests/` span the chapter crates.
