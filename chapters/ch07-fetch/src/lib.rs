//! Chapter 7: a concurrent fetch.
//!
//! The article's closing example, on our runtime: spawn one task per todo,
//! collect the results with a [`JoinSet`] as they arrive. Around it, the
//! pieces that example takes for granted: an HTTP client ([`client`], on
//! chapter 6's `TcpStream`, with the response parser in [`http`]), a local
//! server to fetch from ([`server`]), and the same job on tokio + reqwest
//! ([`tokio_fetch`]) to compare with. [`interop`] runs reqwest's futures as
//! tasks on our runtime, with a tokio runtime on the side to drive their I/O.
//!
//! The runtime is chapter 6's, unchanged: this chapter only uses it.

pub mod cli;
pub mod client;
pub mod fetch;
pub mod http;
pub mod interop;
pub mod join_set;
pub mod report;
pub mod server;
pub mod todos;
pub mod tokio_fetch;

pub use ch06_reactor::{spawn, time, yield_now, JoinError, JoinHandle, Runtime};
pub use client::{Client, FetchError, Url};
pub use join_set::JoinSet;
pub use todos::Todo;
