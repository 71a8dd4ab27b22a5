//! Chapter 8's channels, with the budget where a task can find them always
//! ready: receiving.

pub mod mpsc;
