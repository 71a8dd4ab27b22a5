//! Chapter 5 (in progress).
pub mod park;
