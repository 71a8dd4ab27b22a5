//! Chapter 9: cancellation.
//!
//! In Rust a future is cancelled by dropping it: it is never polled again,
//! and its destructors run. Nothing new is needed in the runtime for that;
//! `JoinHandle::abort` (chapter 3) is the same drop, done by a worker. This
//! crate adds a race of two futures, [`select::select2`], and shows what
//! the race's loser loses: [`framed`] reads length-prefixed messages, once
//! in a way that a dropped read corrupts the stream, once in a way that
//! survives it.

pub mod framed;
pub mod pipe;
pub mod select;

pub use ch06_reactor::{spawn, time, yield_now, JoinHandle, Runtime};
pub use select::{select2, Either};
