//! xtask library
