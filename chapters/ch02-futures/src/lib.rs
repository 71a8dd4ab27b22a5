//! Chapter 2: futures, polled by hand.

pub mod block_on;

pub use block_on::block_on;
