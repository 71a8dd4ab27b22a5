//! Chapter 2: futures, polled by hand.
//!
//! Each module is one step of the chapter: a future written by hand, lazy
//! futures, a timer woken from another thread, what `async fn` compiles to,
//! why futures are pinned, and what `Send + 'static` asks of a future that
//! moves to another thread. `block_on` is the executor later chapters reuse.

pub mod block_on;
pub mod countdown;
pub mod desugar;
pub mod lazy;
pub mod pinning;
pub mod raw_waker;
pub mod send;
pub mod timer;

#[cfg(test)]
mod testing;

pub use block_on::block_on;
